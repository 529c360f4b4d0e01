"""``qs.products``: the catalogue."""

from __future__ import annotations

from collections.abc import AsyncIterator

from ... import _args
from ..._endpoints import PRODUCTS_GET, PRODUCTS_LIST
from ..._models import Product
from ..._request import call
from ..._response import Page, repeated_cursor_error
from ._base import AsyncResource


class AsyncProductsResource(AsyncResource):
    """The product catalogue; readable with a public or a secret key."""

    async def list(
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
            return (await self._sender.send(call(PRODUCTS_LIST, query=query))).items
        products: list[Product] = []
        async for page in self._pages(query):
            products += page.items
        return products

    def iter(
        self, *, include_inactive: bool | None = None, page_size: int | None = None
    ) -> AsyncIterator[Product]:
        """Yield the store's products page by page (``GET /products``), in order.

        The next page is asked for only once the previous one is used up, so a loop
        that stops early asks for no more.

        ```python
        async for product in qs.products.iter(page_size=100):
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

    async def get(self, product_id: str) -> Product:
        """Return one product by id (``GET /products/{productId}``).

        Args:
            product_id: The product's id.

        Raises:
            InvalidRequestError: An empty id, before any request.
        """
        return await self._sender.send(call(PRODUCTS_GET, path={"product_id": product_id}))

    async def _products(self, query: dict[str, str | None]) -> AsyncIterator[Product]:
        """The products of every page, one at a time."""
        async for page in self._pages(query):
            for product in page.items:
                yield product

    async def _pages(self, query: dict[str, str | None]) -> AsyncIterator[Page[Product]]:
        """Every page, following each page's ``nextCursor`` until the last."""
        seen: set[str] = set()
        cursor: str | None = None
        while True:
            page = await self._sender.send(call(PRODUCTS_LIST, query={**query, "cursor": cursor}))
            yield page
            cursor = page.next_cursor
            if cursor is None:
                return
            if cursor in seen:
                request_id = page.items[0].request_id if page.items else None
                raise repeated_cursor_error(PRODUCTS_LIST.route, cursor, request_id)
            seen.add(cursor)
