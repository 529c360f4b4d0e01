# Generated from quickshops/_async/resources/products.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.products``: the catalogue."""

from __future__ import annotations

from collections.abc import Iterator

from ... import _args
from ..._endpoints import PRODUCTS_GET, PRODUCTS_LIST
from ..._models import Product
from ..._request import call
from ..._response import Page, repeated_cursor_error
from ._base import SyncResource


class SyncProductsResource(SyncResource):
    """The product catalogue; readable with a public or a secret key."""

    def list(
        self, *, include_inactive: bool | None = None, limit: int | None = None
    ) -> list[Product]:
        """Return the store's products (``GET /products``).

        Without `limit`, every product: the pages the API answers are followed to the
        last one. With it, the first page, of at most `limit` products. `iter` reads
        them page by page instead.

        Args:
            include_inactive: Also return products that are not for sale.
            limit: Return the first page only, of at most this many products (1 or more).

        Raises:
            InvalidRequestError: A limit below 1, before any request.
            APIResponseValidationError: A page whose ``nextCursor`` was answered before
                (following it would loop).
        """
        query = {
            "includeInactive": _args.flag("include_inactive", include_inactive),
            "limit": _args.limit(limit),
        }
        if limit is not None:
            return (self._sender.send(call(PRODUCTS_LIST, query=query))).items
        products: list[Product] = []
        for page in self._pages(query):
            products += page.items
        return products

    def iter(
        self, *, include_inactive: bool | None = None, page_size: int | None = None
    ) -> Iterator[Product]:
        """Yield the store's products page by page (``GET /products``), in order.

        The next page is asked for only once the previous one is used up, so a loop
        that stops early asks for no more.

        ```python
        for product in qs.products.iter(page_size=100):
            print(product.name)
        ```

        Args:
            include_inactive: Also yield products that are not for sale.
            page_size: How many products to ask for per page (sent as ``limit``); by
                default, as many as the API answers.

        Raises:
            InvalidRequestError: A page_size below 1, at once.
            APIResponseValidationError: A page whose ``nextCursor`` was answered before.
        """
        query = {
            "includeInactive": _args.flag("include_inactive", include_inactive),
            "limit": _args.limit(page_size, "page_size"),
        }
        return self._products(query)

    def get(self, product_id: str) -> Product:
        """Return one product by id (``GET /products/{productId}``).

        Args:
            product_id: The product's id.

        Raises:
            InvalidRequestError: An empty id, before any request.
        """
        return self._sender.send(call(PRODUCTS_GET, path={"product_id": product_id}))

    def _products(self, query: dict[str, str | None]) -> Iterator[Product]:
        """The products of every page, one at a time."""
        for page in self._pages(query):
            for product in page.items:
                yield product

    def _pages(self, query: dict[str, str | None]) -> Iterator[Page[Product]]:
        """Every page, following each page's ``nextCursor`` until the last."""
        seen: set[str] = set()
        cursor: str | None = None
        while True:
            page = self._sender.send(call(PRODUCTS_LIST, query={**query, "cursor": cursor}))
            yield page
            cursor = page.next_cursor
            if cursor is None:
                return
            if cursor in seen:
                request_id = page.items[0].request_id if page.items else None
                raise repeated_cursor_error(PRODUCTS_LIST.route, cursor, request_id)
            seen.add(cursor)
