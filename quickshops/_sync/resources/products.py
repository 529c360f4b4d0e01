# Generated from quickshops/_async/resources/products.py by scripts/unasync.py: edit that file, not this one.
"""``qs.products``: the catalogue."""

from __future__ import annotations

from ... import _routes
from ..._models import Product
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

        """
        return self._transport.request(_routes.products_list(include_inactive, limit))

    def get(self, product_id: str) -> Product:
        """Return one product by id (``GET /products/{productId}``)."""
        return self._transport.request(_routes.products_get(product_id))
