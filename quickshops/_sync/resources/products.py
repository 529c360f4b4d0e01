# Generated from quickshops/_async/resources/products.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.products``: the catalogue."""

from __future__ import annotations

from ... import _args
from ..._endpoints import PRODUCTS_GET, PRODUCTS_LIST
from ..._models import Product
from ..._request import call
from ._base import SyncResource


class SyncProductsResource(SyncResource):
    """The product catalogue; readable with a public or a secret key."""

    def list(
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
        return self._sender.send(call(PRODUCTS_LIST, query=query))

    def get(self, product_id: str) -> Product:
        """Return one product by id (``GET /products/{productId}``).

        Args:
            product_id: The product's id.

        Raises:
            InvalidRequestError: An empty id, before any request.
        """
        return self._sender.send(call(PRODUCTS_GET, path={"product_id": product_id}))
