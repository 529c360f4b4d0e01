"""``qs.products``: the catalogue."""

from __future__ import annotations

from ... import _args
from ..._endpoints import PRODUCTS_GET, PRODUCTS_LIST
from ..._models import Product
from ..._request import call
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

        Raises:
            InvalidRequestError: A limit below 1, before any request.
        """
        query = {
            "includeInactive": _args.flag("include_inactive", include_inactive),
            "limit": _args.limit(limit),
        }
        return await self._sender.send(call(PRODUCTS_LIST, query=query))

    async def get(self, product_id: str) -> Product:
        """Return one product by id (``GET /products/{productId}``).

        Args:
            product_id: The product's id.

        Raises:
            InvalidRequestError: An empty id, before any request.
        """
        return await self._sender.send(call(PRODUCTS_GET, path={"product_id": product_id}))
