"""The payloads the mock transports answer with, and the fields a caller reads of them.

Real responses carry fields the SDK does not map (timestamps, internal ids), so every
payload has some, except in the variants made with ``bodies(unmapped=False)``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import quickshops

KEY = "qk_bench_secret_0000000000000"
BASE = "https://api.quickshops.app/v1"
UNMAPPED = {"createdAt": "2026-01-02T03:04:05Z", "updatedAt": "2026-01-02T03:04:05Z", "__v": 0}
STORE_UNMAPPED = {**UNMAPPED, "ownerId": "user_1", "customDomain": None, "plan": "pro"}
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
    "details": ["100 g"],
    **UNMAPPED,
}
CART: dict[str, Any] = {
    "id": "cart_1",
    "storeId": "store_1",
    "lines": [{"productId": "prod_1", "quantity": 2, "product": PRODUCT}],
    "totals": {"subtotal": 3998, "total": 3998, "currency": "usd"},
    **UNMAPPED,
}
# Every field `Store` and `StoreTheme` map, and some they do not.
STORE: dict[str, Any] = {
    "_id": "store_1",
    "slug": "leaf-and-cup",
    "name": "Leaf & Cup",
    "isPublished": True,
    "paymentsConfigured": True,
    "currency": "usd",
    "theme": {
        "primary": "#2f6f4f",
        "primaryForeground": "#ffffff",
        "background": "#fbfaf7",
        "foreground": "#1c1917",
        "muted": "#f1efe9",
        "border": "#e4e0d8",
        "fontBody": "Inter",
        "fontHeading": "Fraunces",
        "radius": "0.5rem",
    },
    "description": "Loose-leaf teas from small gardens, packed to order.",
    "logoUrl": "https://cdn.quickshops.app/store_1/logo.png",
    "contactEmail": "hello@leafandcup.example",
    "contactPhone": "+1 555 0100",
    "seoTitle": "Leaf & Cup: loose-leaf tea",
    "seoDescription": "Green, black and oolong teas from small gardens, shipped in 48 hours.",
    "templateKey": "classic",
    "templateTexts": {
        "heroTitle": "Tea worth the wait",
        "heroSubtitle": "Small gardens, fresh harvests.",
        "footer": "Packed by hand in Portland.",
    },
    **STORE_UNMAPPED,
}

# What "every field read" reads: each attribute of the model (`extra` included, which
# holds the unmapped fields), and on the raw side each key of the wire dict.
PRODUCT_ATTRIBUTES = (
    "id",
    "store_id",
    "name",
    "description",
    "price_in_cents",
    "currency",
    "type",
    "billing_interval",
    "image_url",
    "is_active",
    "category",
    "details",
    "extra",
)
STORE_ATTRIBUTES = (
    "id",
    "slug",
    "name",
    "is_published",
    "payments_configured",
    "currency",
    "theme",
    "description",
    "logo_url",
    "contact_email",
    "contact_phone",
    "seo_title",
    "seo_description",
    "template_key",
    "template_texts",
    "extra",
)
THEME_ATTRIBUTES = (
    "primary",
    "primary_foreground",
    "background",
    "foreground",
    "muted",
    "border",
    "font_body",
    "font_heading",
    "radius",
    "extra",
)
PRODUCT_KEYS = tuple(PRODUCT)
STORE_KEYS = tuple(STORE)
THEME_KEYS = tuple(STORE["theme"])

HEADERS = {
    "x-api-key": KEY,
    "accept": "application/json",
    "user-agent": f"quickshops-python/{quickshops.__version__}",
}
RESPONSE_HEADERS = {"content-type": "application/json", "x-request-id": "req_bench"}

Bodies = Mapping[tuple[str, str], bytes]
"""The body of the answer to each route: (method, URL path) to bytes."""


def catalogue(size: int) -> list[dict[str, Any]]:
    """`size` products, each with its own id, name, price and image, and unmapped fields."""
    return [
        {
            **PRODUCT,
            "_id": f"prod_{index}",
            "name": f"Green tea no. {index}",
            "priceInCents": 900 + index % 4000,
            "imageUrl": f"https://cdn.quickshops.app/store_1/prod_{index}.jpg",
        }
        for index in range(1, size + 1)
    ]


def mapped_only(value: Any) -> Any:
    """`value` without the fields the SDK does not map, at every depth."""
    unmapped = STORE_UNMAPPED.keys()
    if isinstance(value, dict):
        return {k: mapped_only(v) for k, v in value.items() if k not in unmapped}
    if isinstance(value, list):
        return [mapped_only(item) for item in value]
    return value


def bodies(*, unmapped: bool = True, products: int = 10) -> dict[tuple[str, str], bytes]:
    """The body of each route the benchmarks call, with `products` products in a list."""
    listed = catalogue(products)
    payloads = {
        ("GET", "/v1/products/prod_1"): {"data": PRODUCT},
        ("POST", "/v1/cart/cart_1/lines"): {"data": CART},
        ("GET", "/v1/products"): {"data": listed, "nextCursor": None},
        ("GET", "/v1/catalog"): {"data": {"store": STORE, "products": listed}},
    }
    return {
        route: json.dumps(payload if unmapped else mapped_only(payload)).encode()
        for route, payload in payloads.items()
    }
