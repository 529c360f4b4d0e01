"""The Django shop's tests as docs/django.md shows them: Django's test client, on the emulator.

``django_client`` (conftest.py) is the shop with its storefront on a client of the
test's emulator (``quickshops_server``), whose webhooks it posts through the test client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quickshops.storefront import CART_COOKIE
from quickshops.testing import DIGITAL_PRODUCT_ID

if TYPE_CHECKING:
    from django.test import Client

    from quickshops.testing import EmulatorServer


def test_a_paid_order_is_fulfilled_once_and_shown(
    django_client: Client, quickshops_server: EmulatorServer
) -> None:
    """Add, check out, pay: the webhook fulfils the order once; the success page shows it."""
    emulator = quickshops_server.emulator
    django_client.post("/cart/add", {"product_id": DIGITAL_PRODUCT_ID})
    checkout = django_client.post("/checkout")
    session_id = checkout.headers["Location"].rsplit("/", 1)[1]

    emulator.complete_session(session_id)  # the shopper pays; order.completed is sent
    success = django_client.get("/success", {"session_id": session_id})

    [order] = emulator.orders
    assert f"Order {order['orderId']} is on its way." in success.content.decode()
    [delivery] = emulator.deliveries
    assert (delivery.status, delivery.attempts) == (200, 1)
    assert django_client.cookies[CART_COOKIE].value == ""  # forgotten: a new cart next time


def test_an_api_outage_is_a_502_page(
    django_client: Client, quickshops_server: EmulatorServer
) -> None:
    """When the API keeps failing, the middleware answers the shop's error page."""
    quickshops_server.emulator.faults.fail_next("*", times=10, status=503)

    page = django_client.get("/")

    assert page.status_code == 502
    assert "Sorry, that did not work" in page.content.decode()
