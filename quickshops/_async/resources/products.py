"""``qs.products``: the catalogue."""

from __future__ import annotations

from ... import _routes
from ..._models import Product
from ._base import AsyncResource


class AsyncProductsResource(AsyncResource):
    """The product catalogue; readable with a public or a secret key."""

    async def list(
        self, *, include_inactive: bool | None = None, limit: int | None = None
    ) -> list[Product]:
        """Return the store's products (``GET /products``).

        Args:
            include_inactive: Also return products that are not for sale.
            limit: Return at most this many products (1 or more).

        """
        return await self._transport.request(_routes.products_list(include_inactive, limit))

    async def get(self, product_id: str) -> Product:
        """Return one product by id (``GET /products/{productId}``)."""
        return await self._transport.request(_routes.products_get(product_id))
