"""The emulator's seed data: keys, the store and the catalogue, in the contract's shapes."""

from __future__ import annotations

from typing import Any

BASE_PATH = "/v1"
PAGES_PATH = "/pages"  # the checkout and portal pages an EmulatorServer serves
SECRET_KEY = "qk_test_secret_emulator"  # noqa: S105  (a fake key, valid only here)
PUBLIC_KEY = "qk_test_public_emulator"
STORE_ID = "store_emulator"
DIGITAL_PRODUCT_ID = "prod_ebook"
PHYSICAL_PRODUCT_ID = "prod_mug"
SUBSCRIPTION_PRODUCT_ID = "prod_club_monthly"
INACTIVE_PRODUCT_ID = "prod_retired"
MEMBER_SESSION_ID = "msess_test_member"
CURRENCY = "usd"

THEME_KEYS = (
    "primary",
    "primaryForeground",
    "background",
    "foreground",
    "muted",
    "border",
    "fontBody",
    "fontHeading",
    "radius",
)
"""The nine keys of a store's theme, each a string or null."""

THEMES: dict[str, dict[str, Any]] = {
    "classic": {
        "primary": "#0f766e",
        "primaryForeground": "#ffffff",
        "background": "#ffffff",
        "foreground": "#0f172a",
        "muted": "#f1f5f9",
        "border": "#e2e8f0",
        "fontBody": "Inter",
        "fontHeading": "Inter",
        "radius": "0.5rem",
    },
    "midnight": {
        "primary": "#a78bfa",
        "primaryForeground": "#0b1020",
        "background": "#0b1020",
        "foreground": "#e2e8f0",
        "muted": "#1e293b",
        "border": "#334155",
        "fontBody": "Inter",
        "fontHeading": None,
        "radius": None,
    },
}
"""The themes a store may use (``GET /store/themes``), by template key."""


def seed_store(*, payments_configured: bool) -> dict[str, Any]:
    """The store, with every required and nullable key of the contract."""
    return {
        "_id": STORE_ID,
        "slug": "emulator-shop",
        "name": "Emulator Shop",
        "isPublished": True,
        "currency": CURRENCY,
        "paymentsConfigured": payments_configured,
        "contactEmail": "shop@example.com",
        "contactPhone": None,
        "seoTitle": "Emulator Shop",
        "seoDescription": None,
        "theme": dict(THEMES["classic"]),
        "description": "The Quickshops emulator's store.",
        "logoUrl": "https://cdn.quickshops.test/logo.png",
        "templateKey": "classic",
        "templateTexts": {"heroTitle": "Welcome to the Emulator Shop"},
    }


def product(
    product_id: str,
    name: str,
    price_in_cents: int,
    kind: str,
    *,
    store_id: str = STORE_ID,
    currency: str = CURRENCY,
    description: str | None = None,
    image_url: str | None = None,
    category: str | None = None,
    billing_interval: str | None = None,
    details: list[str] | None = None,
    is_active: bool = True,
) -> dict[str, Any]:
    """A product with all twelve keys of the contract."""
    return {
        "_id": product_id,
        "storeId": store_id,
        "name": name,
        "currency": currency,
        "priceInCents": price_in_cents,
        "type": kind,
        "isActive": is_active,
        "description": description,
        "imageUrl": image_url,
        "category": category,
        "billingInterval": billing_interval,
        "details": details,
    }


def seed_products() -> dict[str, dict[str, Any]]:
    """The seeded catalogue: a digital, a physical, a subscription and an inactive product."""
    products = [
        product(
            DIGITAL_PRODUCT_ID,
            "Field Guide (e-book)",
            1999,
            "digital",
            description="A downloadable guide.",
            category="books",
            details=["PDF", "EPUB"],
        ),
        product(
            PHYSICAL_PRODUCT_ID,
            "Enamel Mug",
            1250,
            "physical",
            image_url="https://cdn.quickshops.test/mug.png",
            category="merch",
        ),
        product(
            SUBSCRIPTION_PRODUCT_ID,
            "Members Club (monthly)",
            900,
            "subscription",
            billing_interval="month",
        ),
        product(INACTIVE_PRODUCT_ID, "Retired Poster", 500, "physical", is_active=False),
    ]
    return {p["_id"]: p for p in products}
