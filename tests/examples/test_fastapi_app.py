"""The FastAPI shop's tests as docs/fastapi.md shows them: Starlette's TestClient, on the emulator.

``fastapi_client`` (conftest.py) is the shop, its lifespan run, with its client made
from the environment that ``quickshops_server`` points at the test's emulator; the
emulator's webhooks are posted through the test client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quickshops.storefront import CART_COOKIE
from quickshops.testing import DIGITAL_PRODUCT_ID

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from quickshops.testing import EmulatorServer


def test_a_paid_order_is_fulfilled_once_and_shown(
    fastapi_client: TestClient, quickshops_server: EmulatorServer
) -> None:
    """Add, check out, pay: the webhook fulfils the order once; the success page shows it."""
    emulator = quickshops_server.emulator
    fastapi_client.post("/cart/add", data={"product_id": DIGITAL_PRODUCT_ID})
    checkout = fastapi_client.post("/checkout")
    session_id = checkout.headers["location"].rsplit("/", 1)[1]

    emulator.complete_session(session_id)  # the shopper pays; order.completed is sent
    success = fastapi_client.get("/success", params={"session_id": session_id})

    [order] = emulator.orders
    assert f"Order {order['orderId']} is on its way." in success.text
    [delivery] = emulator.deliveries
    assert (delivery.status, delivery.attempts) == (200, 1)
    assert CART_COOKIE not in fastapi_client.cookies  # the next visit starts a new cart


def test_the_catalogue_is_json_through_the_sdks_models(fastapi_client: TestClient) -> None:
    """``/api/catalog`` returns the SDK's `Catalog`: FastAPI serializes it as a response model."""
    catalog = fastapi_client.get("/api/catalog").json()

    assert catalog["store"]["name"] == "Emulator Shop"
    assert catalog["products"][0]["price_in_cents"] == 1999
    assert "request_id" not in catalog["store"]
