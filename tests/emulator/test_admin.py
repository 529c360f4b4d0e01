"""The emulator's answers to the operations the contract leaves untyped, from its state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    MEMBER_SESSION_ID,
    PHYSICAL_PRODUCT_ID,
    SUBSCRIPTION_PRODUCT_ID,
    Emulator,
)
from tests.emulator.conftest import make_client

if TYPE_CHECKING:
    import httpx2

DAY = 86_400.0
NOON = 1_767_355_200.0  # 2026-01-02 12:00 UTC


def data(response: httpx2.Response) -> Any:
    """The data of a 200 answer."""
    assert 200 == response.status_code, response.text
    return response.json()["data"]


@pytest.fixture
def clock() -> list[float]:
    """The wall clock's reading, moved by hand."""
    return [NOON]


@pytest.fixture
def emulator(clock: list[float]) -> Emulator:
    """An emulator on the hand-moved wall clock."""
    return Emulator(wall_clock=lambda: clock[0])


def buy(client: httpx2.Client, emulator: Emulator, email: str, **body: Any) -> str:
    """Check out `body` and pay it as `email`; return the session id."""
    session_id: str = data(client.post("/checkout/session", json=body))["sessionId"]
    emulator.complete_session(session_id, customer_email=email)
    return session_id


def test_paid_one_time_checkouts_become_orders(emulator: Emulator, clock: list[float]) -> None:
    """Each paid one-time checkout is an order shaped like the order.completed data."""
    with make_client(emulator) as client:
        first = buy(client, emulator, "ada@example.com", productId=DIGITAL_PRODUCT_ID)
        clock[0] += DAY
        buy(client, emulator, "bob@example.com", productId=PHYSICAL_PRODUCT_ID, quantity=2)
        orders = data(client.get("/orders"))
        limited = data(client.get("/orders", params={"limit": "1"}))

    assert ["bob@example.com", "ada@example.com"] == [order["customerEmail"] for order in orders]
    assert orders[1:] == [
        {
            "orderId": orders[1]["orderId"],
            "sessionId": first,
            "customerEmail": "ada@example.com",
            "productId": DIGITAL_PRODUCT_ID,
            "amountInCents": 1999,
            "currency": "usd",
            "createdAt": "2026-01-02T12:00:00Z",
            "lines": emulator.checkout_sessions[first]["lineItems"],
        }
    ]
    assert orders[:1] == limited
    assert orders[1] == emulator.orders[0]


def test_stats_customers_and_chart_follow_the_orders(
    emulator: Emulator, clock: list[float]
) -> None:
    """Stats, customers and the chart are computed from the orders."""
    with make_client(emulator) as client:
        empty = data(client.get("/orders/stats"))
        buy(client, emulator, "ada@example.com", productId=DIGITAL_PRODUCT_ID)
        clock[0] += DAY
        buy(client, emulator, "ada@example.com", productId=PHYSICAL_PRODUCT_ID)
        buy(client, emulator, "bob@example.com", productId=PHYSICAL_PRODUCT_ID)
        stats = data(client.get("/orders/stats"))
        customers = data(client.get("/customers"))
        chart = data(client.get("/orders/chart", params={"range": "3d"}))
        default = data(client.get("/orders/chart"))
        today = data(client.get("/orders/chart", params={"range": "1d"}))

    assert (0, 0) == (empty["orders"], empty["averageOrderInCents"])
    assert (3, 1999 + 2500, (1999 + 2500) // 3, 2) == (
        stats["orders"],
        stats["revenueInCents"],
        stats["averageOrderInCents"],
        stats["customers"],
    )
    assert [("ada@example.com", 2, 3249), ("bob@example.com", 1, 1250)] == sorted(
        (c["email"], c["orders"], c["totalSpentInCents"]) for c in customers
    )
    assert [
        {"date": "2026-01-01", "orders": 0, "revenueInCents": 0},
        {"date": "2026-01-02", "orders": 1, "revenueInCents": 1999},
        {"date": "2026-01-03", "orders": 2, "revenueInCents": 2500},
    ] == chart["points"]
    assert ("7d", 7) == (default["range"], len(default["points"]))
    assert [{"date": "2026-01-03", "orders": 2, "revenueInCents": 2500}] == today["points"]


@pytest.mark.parametrize("period", ["0d", "366d", "7", "week", "-1d"])
def test_a_bad_chart_range_is_refused(emulator: Emulator, period: str) -> None:
    """range is a number of days from 1d to 365d."""
    with make_client(emulator) as client:
        response = client.get("/orders/chart", params={"range": period})

    assert (400, "VALIDATION_ERROR") == (response.status_code, response.json()["code"])


@pytest.mark.parametrize("route", ["/orders", "/customers", "/subscription"])
def test_a_bad_limit_is_refused(emulator: Emulator, route: str) -> None:
    """limit is a positive integer everywhere it is taken."""
    with make_client(emulator) as client:
        response = client.get(route, params={"limit": "0"})

    assert ("VALIDATION_ERROR", "limit must be an integer from 1 to 2147483647") == (
        response.json()["code"],
        response.json()["message"],
    )


def test_a_paid_subscription_makes_a_member(emulator: Emulator) -> None:
    """A paid subscription checkout adds a member; it makes no order."""
    with make_client(emulator) as client:
        buy(client, emulator, "cleo@example.com", productId=SUBSCRIPTION_PRODUCT_ID)
        members = data(client.get("/subscription"))
        one = data(client.get("/subscription", params={"limit": "1"}))

    assert [MEMBER_SESSION_ID, "cleo@example.com"] == [
        members[0]["memberSessionId"],
        members[1]["customerEmail"],
    ]
    assert (SUBSCRIPTION_PRODUCT_ID, "active", 1, []) == (
        members[1]["productId"],
        members[1]["status"],
        len(one),
        emulator.orders,
    )


def test_a_session_is_completed_once(emulator: Emulator) -> None:
    """Completing a session twice is refused; an unknown one is a KeyError."""
    with make_client(emulator) as client:
        session_id = buy(client, emulator, "ada@example.com", productId=DIGITAL_PRODUCT_ID)

    with pytest.raises(ValueError, match="already complete"):
        emulator.complete_session(session_id)
    with pytest.raises(KeyError):
        emulator.complete_session("cs_nope")
    assert 1 == len(emulator.orders)


def test_media_from_the_logo_and_the_product_images(emulator: Emulator) -> None:
    """Media lists the store's logo and every product image; kind filters."""
    emulator.store["logoUrl"] = None
    with make_client(emulator) as client:
        media = data(client.get("/media"))
        images = data(client.get("/media", params={"kind": "image"}))
        videos = data(client.get("/media", params={"kind": "video"}))
        emulator.store["logoUrl"] = "https://cdn.example/logo.svg"
        with_logo = data(client.get("/media"))

    assert [("product", PHYSICAL_PRODUCT_ID)] == [(m["usage"], m["productId"]) for m in media]
    assert (media, []) == (images, videos)
    assert ("logo", "https://cdn.example/logo.svg") == (with_logo[0]["usage"], with_logo[0]["url"])


def test_proposals_are_pending_until_applied_or_discarded(emulator: Emulator) -> None:
    """A proposal is pending; apply resolves it, discard drops it, nothing pending is 404."""
    with make_client(emulator) as client:
        pending = data(client.post("/store/proposals", json={"proposal": "Blue hero"}))
        applied = data(client.post("/store/proposals/apply", json={"proposal": "Blue hero"}))
        nothing = client.delete("/store/proposals/pending")
        data(client.post("/store/proposals", json={"proposal": "Red hero"}))
        discarded = data(client.delete("/store/proposals/pending"))
        data(client.post("/store/proposals", json={"proposal": "Pink hero"}))
        direct = data(client.post("/store/proposals/apply", json={"proposal": "Green"}))
        empty = client.post("/store/proposals", json={"proposal": ""})

    assert ("pending", "2026-01-02T12:00:00Z") == (pending["status"], pending["createdAt"])
    assert (pending["id"], "applied") == (applied["id"], applied["status"])
    assert (404, "No pending proposal") == (nothing.status_code, nothing.json()["message"])
    assert ("Red hero", "discarded") == (discarded["proposal"], discarded["status"])
    assert ("Green", "applied") == (direct["proposal"], direct["status"])
    assert emulator.proposal is not None
    assert "Pink hero" == emulator.proposal["proposal"]  # another text leaves it pending
    assert 400 == empty.status_code


def test_store_fields_can_be_set(emulator: Emulator) -> None:
    """A test shapes the store by changing its fields; the answers follow."""
    emulator.store.update(name="Tea House", templateKey="midnight")
    emulator.payments_configured = False
    with make_client(emulator) as client:
        store = data(client.get("/products/store"))
        settings = data(client.get("/store/settings"))
        themes = data(client.get("/store/themes"))
        page = data(client.get("/store/page-builder-theme"))

    assert ("Tea House", False, False) == (
        store["name"],
        store["paymentsConfigured"],
        emulator.payments_configured,
    )
    assert ("Tea House", "midnight") == (settings["name"], settings["templateKey"])
    assert ["midnight"] == [theme["key"] for theme in themes if theme["current"]]
    assert ("midnight", emulator.store["theme"]) == (page["templateKey"], page["theme"])


def test_catalog_lists_only_active_products(emulator: Emulator) -> None:
    """The catalog is the store and the products for sale."""
    emulator.products[DIGITAL_PRODUCT_ID]["isActive"] = False
    with make_client(emulator) as client:
        catalog = data(client.get("/catalog"))

    assert DIGITAL_PRODUCT_ID not in [product["_id"] for product in catalog["products"]]
    assert catalog["store"] == emulator.store
