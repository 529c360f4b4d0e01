"""``qs.store``: the store the key belongs to."""

from __future__ import annotations

from ... import _routes
from ..._models import Store
from ._base import AsyncResource


class AsyncStoreResource(AsyncResource):
    """The store profile; readable with a public or a secret key."""

    async def get(self) -> Store:
        """Return the store's profile (``GET /products/store``)."""
        return await self._transport.request(_routes.store_get())
