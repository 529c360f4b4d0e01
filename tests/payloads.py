"""Wire payloads as the API sends them, shared by the tests.

Like real responses, they carry fields the SDK does not map (`UNMAPPED`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

UNMAPPED: dict[str, Any] = {
    "createdAt": "2026-01-02T03:04:05.000Z",
    "updatedAt": "2026-01-02T03:04:05.000Z",
    "__v": 0,
}
"""Fields real responses carry that the SDK does not map."""

THEME: dict[str, Any] = {
    "primary": "#112233",
    "primaryForeground": "#ffffff",
    "background": "#ffffff",
    "foreground": "#111111",
    "muted": None,
    "border": "#dddddd",
    "fontBody": "Inter",
    "fontHeading": None,
    "radius": "4px",
}

STORE: dict[str, Any] = {
    "_id": "store_1",
    "slug": "tea-house",
    "name": "Tea House",
    "isPublished": True,
    "currency": "usd",
    "paymentsConfigured": True,
    "contactEmail": "hello@tea.example",
    "contactPhone": None,
    "seoTitle": "Tea House",
    "seoDescription": None,
    "theme": THEME,
    "description": "Loose leaf tea",
    "logoUrl": "https://cdn.example/logo.png",
    "templateKey": "classic",
    "templateTexts": {"heroTitle": "Tea"},
    "ownerId": "user_1",
    **UNMAPPED,
}

PRODUCT: dict[str, Any] = {
    "_id": "prod_1",
    "storeId": "store_1",
    "name": "Green tea",
    "description": None,
    "priceInCents": 1999,
    "currency": "usd",
    "type": "physical",
    "billingInterval": None,
    "imageUrl": None,
    "isActive": True,
    "category": "tea",
    "details": ["100 g", "organic"],
    "_creationTime": 1767323045000.0,
    **UNMAPPED,
}

CART: dict[str, Any] = {
    "id": "cart_1",
    "storeId": "store_1",
    "lines": [{"productId": "prod_1", "quantity": 2, "product": PRODUCT}],
    "totals": {"subtotal": 3998, "total": 3998, "currency": "usd"},
    **UNMAPPED,
}

CATALOG: dict[str, Any] = {"store": STORE, "products": [PRODUCT], **UNMAPPED}

ANY: dict[str, Any] = {"items": [{"id": 1, "label": "any JSON"}], "total": 1}
"""A payload of an operation the contract publishes no schema for."""

CHECKOUT_SESSION: dict[str, Any] = {
    "url": "https://checkout.stripe.com/c/pay/cs_test_1",
    "sessionId": "cs_test_1",
}

SESSION_DETAILS: dict[str, Any] = {
    "id": "cs_test_1",
    "status": "complete",
    "paymentStatus": "paid",
    "mode": "payment",
    "amountTotal": 3998,
    "currency": "usd",
    "customerEmail": "ada@example.com",
    "lineItems": [{"productId": "prod_1", "name": "Green tea", "quantity": 2, "amountTotal": 3998}],
}

PORTAL_SESSION: dict[str, Any] = {"url": "https://billing.stripe.com/p/session/test_1"}

HEALTH: dict[str, Any] = {"ok": True, "service": "headless", "version": "1.4.0", "uptime": 1}


class NotGzip(httpx.AsyncByteStream, httpx.SyncByteStream):
    """A body that claims gzip and is not, for either kind of client."""

    def __iter__(self) -> Iterator[bytes]:
        yield b"not gzip"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"not gzip"


def not_gzip(status: int) -> httpx.Response:
    """A response whose body cannot be decoded."""
    return httpx.Response(status, headers={"content-encoding": "gzip"}, stream=NotGzip())
