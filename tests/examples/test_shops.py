"""The three example shops (Django, Flask, FastAPI), each under its framework's test client.

Every test runs once per shop (`shop` in conftest.py): the three keep the same cookie,
make the same checkouts and fulfil each order once.
"""

from __future__ import annotations

import datetime
import json
import os
import re
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from examples.orders import WEBHOOK_PATH
from examples.pages import cart_panel, product_card
from quickshops import Cart, CartLine, CartTotals, Product, webhooks
from quickshops.storefront import CART_COOKIE
from quickshops.testing import DIGITAL_PRODUCT_ID, PHYSICAL_PRODUCT_ID, client
from tests.examples.conftest import (
    SHOP_WEBHOOK_SECRET,
    running_example,
)

if TYPE_CHECKING:
    from pathlib import Path

    from quickshops.testing import Emulator, EmulatorServer
    from tests.examples.shops import Answer, ShopClient

CHECKOUT_PAGE = re.compile(r"^http://127\.0\.0\.1:\d+/pages/checkout/(cs_test_\w+)$")  # emulator's


def add(shop: ShopClient, product_id: str) -> Answer:
    """Press "Add to cart" on `product_id`."""
    return shop.post("/cart/add", {"product_id": product_id})


def session_id(answer: Answer) -> str:
    """The checkout session id of the checkout page `answer` redirects to."""
    match = CHECKOUT_PAGE.match(answer.location or "")
    assert match, answer
    return match[1]


def checkout_bodies(emulator: Emulator) -> list[dict[str, Any]]:
    """The JSON bodies of the checkout sessions the shop asked the emulator for."""
    return [
        json.loads(request.body)
        for request in emulator.requests
        if request.route == "POST /checkout/session"
    ]


def order_completed(order_id: str) -> bytes:
    """An ``order.completed`` event's body, as Quickshops sends it."""
    event = {
        "event": "order.completed",
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "data": {
            "orderId": order_id,
            "customerEmail": "ada@example.com",
            "productId": DIGITAL_PRODUCT_ID,
            "amountInCents": 1999,
            "currency": "usd",
        },
    }
    return json.dumps(event).encode()


def test_home_lists_the_products_and_an_empty_cart(shop: ShopClient) -> None:
    """``/`` shows the store and every active product with its forms, and no cart yet."""
    home = shop.get("/")

    assert home.status == 200
    assert "Field Guide (e-book)" in home.text
    assert "$19.99" in home.text
    assert "$12.50" in home.text
    assert "$9.00 / month" in home.text
    assert "Retired Poster" not in home.text
    assert home.text.count(">Add to cart</button>") == 3
    assert home.text.count(">Buy now</button>") == 3
    assert "The Quickshops emulator&#x27;s store." in home.text
    assert "Your cart is empty." in home.text
    assert ">Checkout</button>" not in home.text
    assert home.set_cookie is None


def test_add_to_cart_keeps_the_cart_in_the_helpers_cookie(
    shop: ShopClient, quickshops_server: EmulatorServer
) -> None:
    """Adding 303s home and sets ``qs_cart_id``: HttpOnly, SameSite=Lax, Path=/, 14 days."""
    added = add(shop, DIGITAL_PRODUCT_ID)

    assert (added.status, added.location) == (303, "/")
    cart_id = shop.cart_cookie()
    assert cart_id is not None
    assert added.set_cookie is not None
    cookie = added.set_cookie.lower()
    assert cookie.startswith(f"{CART_COOKIE}={cart_id};".lower())
    for attribute in ("httponly", "samesite=lax", "path=/", "max-age=1209600"):
        assert attribute in cookie
    assert "secure" not in cookie.replace("samesite", "")  # SITE_URL is plain http
    with client(quickshops_server.emulator) as qs:
        cart = qs.cart.get(cart_id)
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(DIGITAL_PRODUCT_ID, 1)]


def test_adding_again_fills_the_same_cart_shown_on_the_page(shop: ShopClient) -> None:
    """Later adds go to the cookie's cart; the page lists its lines and total."""
    add(shop, DIGITAL_PRODUCT_ID)
    cart_id = shop.cart_cookie()
    add(shop, DIGITAL_PRODUCT_ID)
    add(shop, PHYSICAL_PRODUCT_ID)

    assert shop.cart_cookie() == cart_id
    page = shop.get("/").text
    assert "Field Guide (e-book) &times; 2" in page
    assert "Enamel Mug &times; 1" in page
    assert "Total: $52.48" in page
    assert ">Checkout</button>" in page


@pytest.mark.parametrize("cookie", ["cart_gone", " ", "<script>", "x" * 300])
def test_a_stale_or_forged_cookie_starts_a_new_cart(shop: ShopClient, cookie: str) -> None:
    """A cookie naming no cart shows an empty cart, and the next add makes a new one."""
    shop.set_cart_cookie(cookie)

    home = shop.get("/")
    added = add(shop, DIGITAL_PRODUCT_ID)

    assert home.status == 200
    assert "Your cart is empty." in home.text
    assert added.status == 303
    new = shop.cart_cookie()
    assert new is not None
    assert new.startswith("cart_")
    assert new != cookie


def test_checkout_303s_to_a_new_session_returning_to_the_site(
    shop: ShopClient, quickshops_server: EmulatorServer
) -> None:
    """Each "Checkout" makes a new session of the cart and 303s to it; it returns to SITE_URL."""
    add(shop, DIGITAL_PRODUCT_ID)
    add(shop, PHYSICAL_PRODUCT_ID)

    first, second = shop.post("/checkout"), shop.post("/checkout")

    assert first.status == second.status == 303
    assert session_id(first) != session_id(second)
    with client(quickshops_server.emulator) as qs:
        details = qs.checkout.get_session(session_id(second))
    assert [(item.product_id, item.quantity) for item in details.line_items or ()] == [
        (DIGITAL_PRODUCT_ID, 1),
        (PHYSICAL_PRODUCT_ID, 1),
    ]
    site = os.environ["SITE_URL"]
    bodies = checkout_bodies(quickshops_server.emulator)
    returns = {(body["successUrl"], body["cancelUrl"]) for body in bodies}
    assert returns == {(f"{site}/success?session_id={{CHECKOUT_SESSION_ID}}", f"{site}/")}


def test_checkout_without_a_cart_goes_back_home(
    shop: ShopClient, quickshops_server: EmulatorServer
) -> None:
    """No cookie, a cookie naming no cart, or an empty cart: "Checkout" 303s home."""
    assert shop.post("/checkout").location == "/"
    shop.set_cart_cookie("cart_gone")
    assert shop.post("/checkout").location == "/"
    with client(quickshops_server.emulator) as qs:
        empty = qs.cart.create()
    shop.set_cart_cookie(empty.id)
    assert shop.post("/checkout").location == "/"
    assert checkout_bodies(quickshops_server.emulator) == []


def test_buy_now_303s_to_a_checkout_of_one_product(
    shop: ShopClient, quickshops_server: EmulatorServer
) -> None:
    """The "Buy now" button checks one product out without a cart, and sets no cookie."""
    bought = shop.post("/buy", {"product_id": PHYSICAL_PRODUCT_ID})

    assert bought.status == 303
    assert bought.set_cookie is None
    with client(quickshops_server.emulator) as qs:
        details = qs.checkout.get_session(session_id(bought))
    assert [(item.product_id, item.quantity) for item in details.line_items or ()] == [
        (PHYSICAL_PRODUCT_ID, 1)
    ]


def test_an_unpaid_checkout_is_pending_and_keeps_the_cart(shop: ShopClient) -> None:
    """Back from an unpaid checkout, the page says so and the cart stays."""
    add(shop, DIGITAL_PRODUCT_ID)
    open_session = session_id(shop.post("/checkout"))

    page = shop.get("/success", {"session_id": open_session})

    assert "Payment pending" in page.text
    assert "We are preparing your order." in page.text
    assert page.set_cookie is None
    assert shop.cart_cookie() is not None


def test_the_webhook_fulfils_a_repeated_delivery_once(shop: ShopClient) -> None:
    """The same order delivered again is acknowledged (200) but not fulfilled again."""
    body = order_completed("ord_twice")
    signed = {
        webhooks.SIGNATURE_HEADER: webhooks.sign(body, SHOP_WEBHOOK_SECRET),
        "content-type": "application/json",
    }

    first = shop.post_raw(WEBHOOK_PATH, body, signed)
    again = shop.post_raw(WEBHOOK_PATH, body, signed)

    assert (200, {"received": "order.completed", "fulfilled": True}) == (
        first.status,
        json.loads(first.text),
    )
    assert (200, {"received": "order.completed", "fulfilled": False}) == (
        again.status,
        json.loads(again.text),
    )


@pytest.mark.parametrize(
    ("signature", "message"),
    [(None, "no signature"), ("0" * 64, "does not match"), ("other-secret", "does not match")],
)
def test_the_webhook_refuses_what_it_cannot_verify(
    shop: ShopClient, signature: str | None, message: str
) -> None:
    """A missing or wrong signature is a 400 with the reason, and fulfils nothing."""
    body = order_completed("ord_forged")
    if signature == "other-secret":
        signature = webhooks.sign(body, "not-the-shops-secret")
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers[webhooks.SIGNATURE_HEADER] = signature

    refused = shop.post_raw(WEBHOOK_PATH, body, headers)
    signed = {**headers, webhooks.SIGNATURE_HEADER: webhooks.sign(body, SHOP_WEBHOOK_SECRET)}

    assert refused.status == 400
    assert message in json.loads(refused.text)["error"]
    assert json.loads(shop.post_raw(WEBHOOK_PATH, body, signed).text)["fulfilled"] is True


def test_other_events_are_acknowledged(shop: ShopClient, quickshops_server: EmulatorServer) -> None:
    """A subscription event is verified and acknowledged; nothing is fulfilled."""
    from quickshops.testing import MEMBER_SESSION_ID

    quickshops_server.emulator.cancel_subscription(MEMBER_SESSION_ID)

    [delivery] = quickshops_server.emulator.deliveries
    assert ("subscription.cancelled", 200) == (delivery.event, delivery.status)


def test_an_unknown_product_is_a_400_page(shop: ShopClient) -> None:
    """A product the API does not know is a 400 page with its message escaped; no cookie."""
    refused = add(shop, "<prod_unknown>")

    assert refused.status == 400
    assert "&lt;prod_unknown&gt;" in refused.text
    assert "<prod_unknown>" not in refused.text
    assert shop.cart_cookie() is None


def test_a_blank_session_id_is_a_400_page(shop: ShopClient) -> None:
    """``/success`` without a session id is refused before any request to the API."""
    assert shop.get("/success").status == 400


def test_an_api_outage_is_a_502_page_with_the_request_id(
    shop: ShopClient, quickshops_server: EmulatorServer
) -> None:
    """When the API keeps failing, the page says so (status, request id), no traceback."""
    emulator = quickshops_server.emulator
    emulator.faults.fail_next("*", times=20, status=503)

    outage = shop.post("/buy", {"product_id": DIGITAL_PRODUCT_ID})

    assert outage.status == 502
    assert "503" in outage.text
    assert emulator.requests[-1].request_id in outage.text
    assert "Traceback" not in outage.text


def test_the_pages_escape_text_from_the_api() -> None:
    """Names, descriptions, ids and image URLs from the API are HTML-escaped everywhere."""
    hostile = Product(
        id='p"><script>',
        store_id="store",
        name="<script>alert(1)</script>",
        price_in_cents=100,
        currency="usd",
        type="physical",
        is_active=True,
        description="Fish & <b>chips</b>",
        image_url='https://cdn.example/a.png" onerror="alert(1)',
    )
    cart = Cart(
        id="cart",
        store_id="store",
        lines=(CartLine(product_id=hostile.id, quantity=1),),
        totals=CartTotals(subtotal=100, total=100, currency="usd"),
    )

    html = product_card(hostile) + cart_panel(cart, {hostile.id: hostile})

    assert "<script>" not in html
    assert '" onerror="' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Fish &amp; &lt;b&gt;chips&lt;/b&gt;" in html
    assert 'value="p&quot;&gt;&lt;script&gt;"' in html


def test_a_shop_without_a_webhook_secret_says_what_to_set(
    quickshops_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without QUICKSHOPS_WEBHOOK_SECRET the shop does not start, and says why."""
    from examples.flask_app import create_app

    monkeypatch.delenv("QUICKSHOPS_WEBHOOK_SECRET", raising=False)

    with pytest.raises(RuntimeError, match="Set QUICKSHOPS_WEBHOOK_SECRET"):
        create_app()


SCRIPTS = {
    "django": ["examples/django_shop/manage.py", "runserver", "127.0.0.1:{port}", "--noreload"],
    "flask": ["-m", "examples.flask_app"],
    "fastapi": ["-m", "examples.fastapi_app"],
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_runs_as_a_script_against_the_emulator_with_no_key(tmp_path: Path, name: str) -> None:
    """Run as the docs say, with no key: the whole purchase on one machine.

    The shop serves on PORT against an emulator it serves itself; its checkout page
    takes the payment, sends the webhook to the shop, and returns to its success page.
    """
    log = tmp_path / f"{name}.log"
    with (
        running_example(SCRIPTS[name], log) as url,
        httpx.Client(base_url=url, trust_env=False, timeout=10.0) as http,
    ):
        home = http.get("/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text)
        form = {"product_id": DIGITAL_PRODUCT_ID}
        if token:  # Django's forms carry its CSRF token
            form["csrfmiddlewaretoken"] = token[1]
        added = http.post("/cart/add", data=form)
        checkout = http.post("/checkout", data=form)
        checkout_page = checkout.headers["location"]
        paid = http.post(f"{checkout_page}/pay")
        success = http.get(paid.headers["location"])

    assert "Field Guide (e-book)" in home.text
    assert added.status_code == 303
    assert CHECKOUT_PAGE.match(checkout_page), checkout_page
    assert paid.headers["location"].startswith(f"{url}/success?session_id=cs_test_")
    assert "paid, $19.99." in success.text
    assert re.search(r"Order ord_\w+ is on its way\.", success.text), success.text
    assert "runs against the SDK's emulator" in log.read_text()
