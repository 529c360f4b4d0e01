# Generated from quickshops/_async/resources/catalog.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.catalog``: a storefront page's data in one round trip."""

from __future__ import annotations

from ..._endpoints import CATALOG_GET
from ..._models import Catalog
from ..._request import call
from ._base import SyncResource


class SyncCatalogResource(SyncResource):
    """The store and its products together; readable with a public or a secret key."""

    def get(self) -> Catalog:
        """Return the store and its products in one call (``GET /catalog``)."""
        return self._sender.send(call(CATALOG_GET))
