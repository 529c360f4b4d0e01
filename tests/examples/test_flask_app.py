"""The Flask shop's tests as docs/flask.md shows them: Flask's test client, on the emulator.

``flask_client`` (conftest.py) is the shop on a client of the test's emulator
(``quickshops_server``), whose webhooks it posts through the test client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quickshops.storefront import CART_COOKIE
from quickshops.testing import DIGITAL_PRODUCT_ID

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from quickshops.testing import EmulatorServer


def test_a_paid_order_is_fulfilled_once_and_shown(
    flask_client: FlaskClient, quickshops_server: EmulatorServer
) -> None:
    """Add, check out, pay: the webhook fulfils the order once; the success page shows it."""
    emulator = quickshops_server.emulator
    flask_client.post("/cart/add", data={"product_id": DIGITAL_PRODUCT_ID})
    checkout = flask_client.post("/checkout")
    session_id = checkout.headers["Location"].rsplit("/", 1)[1]

    emulator.complete_session(session_id)  # the shopper pays; order.completed is sent
    success = flask_client.get("/success", query_string={"session_id": session_id})

    [order] = emulator.orders
    assert f"Order {order['orderId']} is on its way." in success.get_data(as_text=True)
    [delivery] = emulator.deliveries
    assert (delivery.status, delivery.attempts) == (200, 1)
    assert flask_client.get_cookie(CART_COOKIE) is None  # the next visit starts a new cart


def test_an_api_outage_is_a_502_page(
    flask_client: FlaskClient, quickshops_server: EmulatorServer
) -> None:
    """When the API keeps failing, the shop answers its own error page."""
    quickshops_server.emulator.faults.fail_next("*", times=10, status=503)

    page = flask_client.get("/")

    assert page.status_code == 502
    assert "Sorry, that did not work" in page.get_data(as_text=True)
