"""``qs.catalog``: a storefront page's data in one round trip."""

from __future__ import annotations

from ..._endpoints import CATALOG_GET
from ..._models import Catalog
from ..._request import call
from ._base import AsyncResource


class AsyncCatalogResource(AsyncResource):
    """The store and its products together; readable with a public or a secret key."""

    async def get(self) -> Catalog:
        """Return the store and its products in one call (``GET /catalog``)."""
        return await self._sender.send(call(CATALOG_GET))
