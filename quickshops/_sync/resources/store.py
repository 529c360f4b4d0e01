# Generated from quickshops/_async/resources/store.py by scripts/unasync.py: edit that file, not this one.
"""``qs.store``: the store the key belongs to."""

from __future__ import annotations

from ... import _routes
from ..._models import Store
from ._base import SyncResource


class SyncStoreResource(SyncResource):
    """The store profile; readable with a public or a secret key."""

    def get(self) -> Store:
        """Return the store's profile (``GET /products/store``)."""
        return self._transport.request(_routes.store_get())
