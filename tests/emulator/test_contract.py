"""The emulator against the API's contract, operation by operation, key by key.

The shapes below are written out from the contract (``spec/api.md``), not taken from
the SDK: every required key present and never null, every nullable key present, each
with its type. The official generated client rejects a body that leaves one out. The
list of operations is written out too, so that the endpoint table cannot change the
wire alone: a test compares the two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx2
import pytest

from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    MEMBER_SESSION_ID,
    PUBLIC_KEY,
    SECRET_KEY,
    Emulator,
    EmulatorTransport,
)
from tests.emulator.conftest import API_URL

STR, INT, BOOL, LIST, DICT = str, int, bool, list, dict
# key -> (type, nullable)
THEME_KEYS = (
    "primary", "primaryForeground", "background", "foreground", "muted", "border",
    "fontBody", "fontHeading", "radius",
)  # fmt: skip
THEME = dict.fromkeys(THEME_KEYS, (STR, True))
STORE = {
    "_id": (STR, False), "slug": (STR, False), "name": (STR, False),
    "isPublished": (BOOL, False), "currency": (STR, False), "paymentsConfigured": (BOOL, False),
    "contactEmail": (STR, True), "contactPhone": (STR, True), "seoTitle": (STR, True),
    "seoDescription": (STR, True), "theme": (DICT, False),
}  # fmt: skip
PRODUCT = {
    "_id": (STR, False), "storeId": (STR, False), "name": (STR, False), "currency": (STR, False),
    "priceInCents": (INT, False), "type": (STR, False), "isActive": (BOOL, False),
    "description": (STR, True), "imageUrl": (STR, True), "category": (STR, True),
    "billingInterval": (STR, True), "details": (LIST, True),
}  # fmt: skip
CART = {
    "id": (STR, False),
    "storeId": (STR, False),
    "lines": (LIST, False),
    "totals": (DICT, False),
}
LINE = {"productId": (STR, False), "quantity": (INT, False)}
TOTALS = {"subtotal": (INT, False), "total": (INT, False), "currency": (STR, False)}
SESSION = {"url": (STR, False), "sessionId": (STR, False)}
DETAILS = {
    "id": (STR, False), "paymentStatus": (STR, False), "status": (STR, True),
    "mode": (STR, True), "amountTotal": (INT, True), "currency": (STR, True),
    "customerEmail": (STR, True), "lineItems": (LIST, False),
}  # fmt: skip
LINE_ITEM = {key: (t, True) for key, t in (
    ("productId", STR), ("name", STR), ("quantity", INT), ("amountTotal", INT)
)}  # fmt: skip
HEALTH = {"ok": (BOOL, False), "service": (STR, False), "version": (STR, False)}
PORTAL = {"url": (STR, False)}


def conforms(value: Any, shape: Mapping[str, tuple[type, bool]], where: str) -> None:
    """`value` is an object holding every key of `shape`, each of its type (or null)."""
    assert isinstance(value, dict), where
    for key, (kind, nullable) in shape.items():
        assert key in value, f"{where}.{key} is missing"
        if value[key] is None:
            assert nullable, f"{where}.{key} is null"
        else:
            assert isinstance(value[key], kind), f"{where}.{key} is {value[key]!r}"
            assert kind is not INT or not isinstance(value[key], bool), f"{where}.{key}"


def store(value: Any) -> None:
    """A Store: its keys and its theme's nine."""
    conforms(value, STORE, "store")
    conforms(value["theme"], THEME, "store.theme")
    assert set(value["theme"]) == set(THEME), "the theme has exactly nine keys"


def product(value: Any) -> None:
    """A Product: all twelve keys."""
    conforms(value, PRODUCT, "product")


def cart(value: Any) -> None:
    """A Cart, its lines (each with a complete product) and totals."""
    conforms(value, CART, "cart")
    conforms(value["totals"], TOTALS, "cart.totals")
    for line in value["lines"]:
        conforms(line, LINE, "cart.lines[]")
        product(line["product"])


def products(value: Any) -> None:
    """A list of Product."""
    assert isinstance(value, list)
    assert value
    for item in value:
        product(item)


def details(value: Any) -> None:
    """CheckoutSessionDetails and its line items."""
    conforms(value, DETAILS, "details")
    for item in value["lineItems"]:
        conforms(item, LINE_ITEM, "details.lineItems[]")


def catalog(value: Any) -> None:
    """A Catalog: the store and its products."""
    assert set(value) >= {"store", "products"}
    store(value["store"])
    products(value["products"])


def any_json(value: Any) -> None:
    """An answer the contract gives no schema: any JSON at all."""
    assert value is not None


@pytest.fixture
def http() -> Iterator[httpx2.Client]:
    """A raw client on a fresh emulator, with a cart holding a line and a checkout session."""
    emulator = Emulator()
    transport = EmulatorTransport(emulator)
    with httpx2.Client(transport=transport, base_url=API_URL) as client:
        yield client


def seed(http: httpx2.Client) -> dict[str, str]:
    """A cart with a line, a checkout session for it, a pending proposal; the ids."""
    headers = {"x-api-key": SECRET_KEY}
    http.post("/store/proposals", json={"proposal": "Seeded"}, headers=headers)
    body = {"lines": [{"productId": DIGITAL_PRODUCT_ID, "quantity": 1}]}
    cart_id = http.post("/cart", json=body, headers=headers).json()["data"]["id"]
    answer = http.post("/checkout/session", json={"cartId": cart_id}, headers=headers)
    return {"cartId": cart_id, "sessionId": answer.json()["data"]["sessionId"]}


# (route, method, path, body, check of the payload)
OPERATIONS: list[tuple[str, str, str, Any, Callable[[Any], None]]] = [
    ("GET /health", "GET", "/health", None, lambda v: conforms(v, HEALTH, "health")),
    ("GET /catalog", "GET", "/catalog", None, catalog),
    ("GET /products/store", "GET", "/products/store", None, store),
    ("GET /store", "GET", "/store", None, store),
    ("GET /store/settings", "GET", "/store/settings", None, any_json),
    ("GET /store/themes", "GET", "/store/themes", None, any_json),
    ("GET /store/page-builder-theme", "GET", "/store/page-builder-theme", None, any_json),
    ("POST /store/proposals", "POST", "/store/proposals", {"proposal": "Blue"}, any_json),
    ("POST /store/proposals/apply", "POST", "/store/proposals/apply", {"proposal": "B"}, any_json),
    ("DELETE /store/proposals/pending", "DELETE", "/store/proposals/pending", None, any_json),
    ("GET /products", "GET", "/products", None, products),
    ("GET /products/{productId}", "GET", f"/products/{DIGITAL_PRODUCT_ID}", None, product),
    ("GET /orders", "GET", "/orders", None, any_json),
    ("GET /orders/stats", "GET", "/orders/stats", None, any_json),
    ("GET /orders/chart", "GET", "/orders/chart?range=7d", None, any_json),
    ("GET /customers", "GET", "/customers", None, any_json),
    ("GET /media", "GET", "/media", None, any_json),
    ("POST /cart", "POST", "/cart", None, cart),
    ("GET /cart/{cartId}", "GET", "/cart/{cartId}", None, cart),
    (
        "POST /cart/{cartId}/lines",
        "POST",
        "/cart/{cartId}/lines",
        {"productId": DIGITAL_PRODUCT_ID, "quantity": 2},
        cart,
    ),
    (
        "PATCH /cart/{cartId}/lines/{productId}",
        "PATCH",
        f"/cart/{{cartId}}/lines/{DIGITAL_PRODUCT_ID}",
        {"quantity": 3},
        cart,
    ),
    (
        "DELETE /cart/{cartId}/lines/{productId}",
        "DELETE",
        f"/cart/{{cartId}}/lines/{DIGITAL_PRODUCT_ID}",
        None,
        cart,
    ),
    ("DELETE /cart/{cartId}", "DELETE", "/cart/{cartId}", None, cart),
    (
        "POST /checkout/session",
        "POST",
        "/checkout/session",
        {"productId": DIGITAL_PRODUCT_ID, "successUrl": "https://shop.example/ok"},
        lambda v: conforms(v, SESSION, "session"),
    ),
    ("GET /checkout/sessions/{sessionId}", "GET", "/checkout/sessions/{sessionId}", None, details),
    ("GET /subscription", "GET", "/subscription", None, any_json),
    (
        "POST /subscription/portal",
        "POST",
        "/subscription/portal",
        {"memberSessionId": MEMBER_SESSION_ID},
        lambda v: conforms(v, PORTAL, "portal"),
    ),
]


def test_every_operation_is_checked() -> None:
    """The list above has each operation of the endpoint table once, and each route served."""
    from quickshops._endpoints import ENDPOINTS
    from quickshops.testing import ROUTE_NAMES

    assert sorted(endpoint.route for endpoint in ENDPOINTS) == sorted(r for r, *_ in OPERATIONS)
    assert ROUTE_NAMES == {route for route, *_ in OPERATIONS}


@pytest.mark.parametrize("auth", ["x-api-key", "bearer"])
@pytest.mark.parametrize(
    ("route", "method", "path", "body", "check"), OPERATIONS, ids=[o[0] for o in OPERATIONS]
)
def test_each_operation_answers_as_the_contract_says(
    http: httpx2.Client,
    route: str,
    method: str,
    path: str,
    body: Any,
    check: Callable[[Any], None],
    auth: str,
) -> None:
    """200, JSON, enveloped (health bare), every required and nullable key, either key header."""
    ids = seed(http)
    headers = {"x-api-key": SECRET_KEY} if auth == "x-api-key" else {}
    if auth == "bearer":
        headers["authorization"] = f"Bearer {SECRET_KEY}"
    response = http.request(method, path.format(**ids), json=body, headers=headers)

    assert (200, "application/json") == (response.status_code, response.headers["content-type"])
    payload = response.json()
    if route == "GET /health":
        assert "data" not in payload
    else:
        assert "data" in payload
        payload = payload["data"]
    check(payload)


@pytest.mark.parametrize(
    ("headers", "status", "code", "message"),
    [
        ({}, 401, "UNAUTHORIZED", "API key required"),
        ({"x-api-key": "qk_unknown_key"}, 401, "UNAUTHORIZED", "Missing or invalid API key"),
        ({"authorization": "Bearer qk_unknown_key"}, 401, "UNAUTHORIZED", "Missing or invalid"),
        ({"authorization": "Basic abc"}, 401, "UNAUTHORIZED", "API key required"),
        ({"x-api-key": PUBLIC_KEY}, 403, "FORBIDDEN", "Scope orders:read required"),
        ({"authorization": f"Bearer {PUBLIC_KEY}"}, 403, "FORBIDDEN", "Scope orders:read"),
    ],
)
def test_errors_carry_both_styles_by_default(
    http: httpx2.Client, headers: dict[str, str], status: int, code: str, message: str
) -> None:
    """An error body is {error, code, status, message, requestId}, as JSON, by default."""
    response = http.get("/orders", headers=headers)

    body = response.json()
    assert (status, "application/json") == (
        response.status_code,
        response.headers["content-type"],
    )
    assert {"error", "code", "status", "message", "requestId"} == set(body)
    assert (code, status, body["error"]) == (body["code"], body["status"], body["message"])
    assert body["error"].startswith(message)
    assert body["requestId"] == response.headers["x-request-id"]


@pytest.mark.parametrize("route", ["/products", "/products/store", "/store", "/catalog"])
def test_a_public_key_reads_the_store_products_and_catalog(http: httpx2.Client, route: str) -> None:
    """The public key may call the operations marked 'any' in the contract."""
    assert 200 == http.get(route, headers={"x-api-key": PUBLIC_KEY}).status_code
