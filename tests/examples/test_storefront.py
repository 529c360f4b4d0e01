"""The FastAPI storefront, served by uvicorn on loopback and called with httpx.

(FastAPI's ``TestClient`` would want the ``httpx2`` package's Starlette support; real
HTTP needs nothing more and also covers uvicorn and the webhook deliveries.)
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from examples.storefront.app import (
    CART_COOKIE,
    DEMO_WEBHOOK_SECRET,
    MEMBER_COOKIE,
    WEBHOOK_PATH,
    cart_panel,
    product_card,
)
from quickshops import Cart, CartLine, CartTotals, Product, webhooks
from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    MEMBER_SESSION_ID,
    PHYSICAL_PRODUCT_ID,
    SECRET_KEY,
    Emulator,
    async_client,
    client,
)
from tests.examples.conftest import EXAMPLES, running_example, serving_storefront

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

CHECKOUT = re.compile(r"^https://checkout\.stripe\.test/c/pay/cs_test_\w+$")
PAGE = re.compile(r"^http://127\.0\.0\.1:\d+/pages/checkout/cs_test_\w+$")  # the emulator's
PORTAL = re.compile(r"^https://billing\.stripe\.test/p/session/test_\w+$")


LOOPBACK = "127.0.0.1"  # the domain of the cookies the storefront sets
HTTPS = {"x-forwarded-proto": "https"}  # as sent by a TLS-terminating proxy


@contextlib.contextmanager
def open_shop(emulator: Emulator, **options: Any) -> Iterator[httpx.Client]:
    """Serve the storefront on ``emulator``; yield a browser-like client of it."""
    with (
        serving_storefront(lambda: async_client(emulator, **options)) as url,
        httpx.Client(base_url=url, trust_env=False, timeout=10.0) as shop,
    ):
        yield shop


@pytest.fixture
def shop(quickshops_emulator: Emulator) -> Iterator[httpx.Client]:
    """The storefront on plain http, as in local development."""
    with open_shop(quickshops_emulator) as shop:
        yield shop


def add(shop: httpx.Client, product_id: str, **headers: str) -> httpx.Response:
    """Press "Add to cart" on ``product_id``."""
    return shop.post("/cart/add", data={"product_id": product_id}, headers=headers)


def session_id(checkout_url: str) -> str:
    """The checkout session id at the end of a checkout URL."""
    return checkout_url.rsplit("/", 1)[1]


def checkout_bodies(emulator: Emulator) -> list[dict[str, Any]]:
    """The JSON bodies of the checkout sessions the app asked the emulator for."""
    return [
        json.loads(request.body)
        for request in emulator.requests
        if request.route == "POST /checkout/session"
    ]


def test_home_lists_the_products_with_add_buttons_and_an_empty_cart(shop: httpx.Client) -> None:
    """``GET /`` shows every active product with an "Add to cart" form, and no cart yet."""
    response = shop.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "Field Guide (e-book)" in response.text
    assert "12.50 USD" in response.text
    assert "9.00 USD / month" in response.text
    assert "Retired Poster" not in response.text
    assert response.text.count(">Add to cart</button>") == 3
    assert "Your cart is empty." in response.text
    assert ">Checkout</button>" not in response.text
    assert "The Quickshops emulator&#x27;s store." in response.text
    assert "set-cookie" not in response.headers


def test_add_to_cart_sets_an_httponly_samesite_lax_cookie_and_redirects_home(
    shop: httpx.Client, quickshops_emulator: Emulator
) -> None:
    """Adding a product creates a cart, keeps its id in an httpOnly, SameSite=Lax cookie."""
    response = add(shop, DIGITAL_PRODUCT_ID)

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    cart_id = shop.cookies[CART_COOKIE]
    assert cookie.startswith(f"{CART_COOKIE}={cart_id};")
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # plain http in development
    with client(quickshops_emulator) as qs:
        cart = qs.cart.get(cart_id)
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(DIGITAL_PRODUCT_ID, 1)]


def test_adding_again_fills_the_same_cart_shown_on_the_page(shop: httpx.Client) -> None:
    """Later adds go to the cart in the cookie; the page lists its lines and total."""
    add(shop, DIGITAL_PRODUCT_ID)
    cart_id = shop.cookies[CART_COOKIE]
    add(shop, DIGITAL_PRODUCT_ID)
    add(shop, PHYSICAL_PRODUCT_ID)

    assert shop.cookies[CART_COOKIE] == cart_id
    page = shop.get("/").text
    assert "Field Guide (e-book) &times; 2" in page
    assert "Enamel Mug &times; 1" in page
    assert "Total: 52.48 USD" in page
    assert ">Checkout</button>" in page


def test_the_cookie_is_secure_over_https(shop: httpx.Client) -> None:
    """Served over https (behind a proxy), the cart cookie is also marked Secure."""
    cookie = add(shop, DIGITAL_PRODUCT_ID, **HTTPS).headers["set-cookie"]

    assert "Secure" in cookie
    assert "HttpOnly" in cookie


def test_checkout_redirects_303_to_a_new_session_each_time(
    shop: httpx.Client, quickshops_emulator: Emulator
) -> None:
    """Each "Checkout" makes a new session of the cart server-side and 303s to its URL."""
    add(shop, DIGITAL_PRODUCT_ID)
    add(shop, PHYSICAL_PRODUCT_ID)

    first, second = (shop.post("/checkout") for _ in range(2))

    assert first.status_code == second.status_code == 303
    urls = [first.headers["location"], second.headers["location"]]
    assert all(CHECKOUT.match(url) for url in urls), urls
    assert urls[0] != urls[1]
    with client(quickshops_emulator) as qs:
        details = qs.checkout.get_session(session_id(urls[1]))
    assert details.amount_total == 1999 + 1250
    assert [(item.product_id, item.quantity) for item in details.line_items or ()] == [
        (DIGITAL_PRODUCT_ID, 1),
        (PHYSICAL_PRODUCT_ID, 1),
    ]
    # On loopback (development) the shopper is sent back here, over plain http.
    origin = str(shop.base_url).rstrip("/")
    expected = f"{origin}/thanks?session_id={{CHECKOUT_SESSION_ID}}"
    assert [expected] * 2 == [body["successUrl"] for body in checkout_bodies(quickshops_emulator)]


def test_plain_http_on_a_public_host_sends_no_return_url(
    shop: httpx.Client, quickshops_emulator: Emulator
) -> None:
    """Plain http anywhere but loopback has no page checkout could send the shopper back to."""
    add(shop, DIGITAL_PRODUCT_ID)

    response = shop.post("/checkout", headers={"host": "shop.example"})

    assert 303 == response.status_code
    [body] = checkout_bodies(quickshops_emulator)
    assert "successUrl" not in body
    assert "cancelUrl" not in body


def test_checkout_with_no_cart_goes_back_home(
    shop: httpx.Client, quickshops_emulator: Emulator
) -> None:
    """Without a cart (or with an empty one) "Checkout" 303s home and makes no session."""
    assert shop.post("/checkout").headers["location"] == "/"
    shop.cookies.set(CART_COOKIE, "cart_gone", domain=LOOPBACK)
    assert shop.post("/checkout").headers["location"] == "/"
    with client(quickshops_emulator) as qs:
        empty = qs.cart.create()
    shop.cookies.set(CART_COOKIE, empty.id, domain=LOOPBACK)
    assert shop.post("/checkout").headers["location"] == "/"
    assert checkout_bodies(quickshops_emulator) == []


def test_checkout_over_https_sends_the_thanks_page_and_it_shows_the_order(
    shop: httpx.Client, quickshops_emulator: Emulator
) -> None:
    """Over https the session returns to ``/thanks``, which shows the paid order."""
    add(shop, PHYSICAL_PRODUCT_ID)
    cart_cookie = f"{CART_COOKIE}={shop.cookies[CART_COOKIE]}"
    url = shop.post("/checkout", headers={**HTTPS, "cookie": cart_cookie}).headers["location"]
    quickshops_emulator.complete_session(session_id(url))
    thanks = shop.get("/thanks", params={"session_id": session_id(url)})

    [body] = checkout_bodies(quickshops_emulator)
    origin = str(shop.base_url).rstrip("/").replace("http://", "https://", 1)
    assert body["successUrl"] == f"{origin}/thanks?session_id={{CHECKOUT_SESSION_ID}}"
    assert body["cancelUrl"] == f"{origin}/"
    assert thanks.status_code == 200
    assert f"Checkout {session_id(url)}: paid, 12.50 USD." in thanks.text
    assert "We are preparing your order." in thanks.text  # no webhook endpoint registered


def test_an_expired_cart_cookie_is_dropped_and_replaced(shop: httpx.Client) -> None:
    """A cookie naming an unknown cart shows an empty cart, and the next add starts a new one."""
    shop.cookies.set(CART_COOKIE, "cart_expired", domain=LOOPBACK)

    home = shop.get("/")
    added = add(shop, DIGITAL_PRODUCT_ID)

    assert "Your cart is empty." in home.text
    assert home.headers["set-cookie"].startswith(f'{CART_COOKIE}="";')
    assert added.status_code == 303
    assert shop.cookies[CART_COOKIE].startswith("cart_")
    assert shop.cookies[CART_COOKIE] != "cart_expired"


def test_portal_redirects_the_demo_member_to_the_billing_portal(shop: httpx.Client) -> None:
    """Against the emulator with no key set, "Manage subscription" 303s to the portal."""
    response = shop.post("/portal")

    assert response.status_code == 303
    assert PORTAL.match(response.headers["location"])


def test_portal_needs_a_member_cookie_when_a_key_is_set(
    quickshops_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a real key configured there is no demo member: the member cookie decides."""
    monkeypatch.setenv("QUICKSHOPS_API_KEY", SECRET_KEY)
    with open_shop(quickshops_emulator) as shop:
        anonymous = shop.post("/portal")
        shop.cookies.set(MEMBER_COOKIE, "msess_unknown", domain=LOOPBACK)
        unknown = shop.post("/portal")
        shop.cookies.set(MEMBER_COOKIE, MEMBER_SESSION_ID, domain=LOOPBACK)
        member = shop.post("/portal")

    assert anonymous.status_code == 401
    assert "Sign in first" in anonymous.text
    assert unknown.status_code == 400
    assert "msess_unknown" in unknown.text
    assert member.status_code == 303
    assert PORTAL.match(member.headers["location"])


def test_an_unknown_product_is_a_400_page(shop: httpx.Client) -> None:
    """Posting a product the API does not know answers 400, with the API's message escaped."""
    response = add(shop, "<prod_unknown>")

    assert response.status_code == 400
    assert "&lt;prod_unknown&gt;" in response.text
    assert "<prod_unknown>" not in response.text
    assert CART_COOKIE not in shop.cookies


def test_an_api_outage_is_a_502_page_with_the_request_id(quickshops_emulator: Emulator) -> None:
    """When the API fails, the page says so (status and request id), with no traceback."""
    quickshops_emulator.faults.fail_next("*", times=5, status=503)
    with open_shop(quickshops_emulator, max_retries=0) as shop:
        response = shop.get("/")

    assert response.status_code == 502
    assert "503" in response.text
    assert quickshops_emulator.requests[-1].request_id in response.text
    assert "Traceback" not in response.text


def test_product_cards_and_the_cart_escape_api_text() -> None:
    """Text from the API (names, ids, image URLs) is HTML-escaped everywhere."""
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


def test_runs_as_a_script_against_the_emulator_with_no_key(tmp_path: Path) -> None:
    """``python examples/storefront/app.py``: the whole purchase on one machine, with no key.

    The shop serves on PORT against an emulator it serves itself; the checkout page
    takes the payment, sends the webhook to the shop, and returns to its thanks page.
    """
    log = tmp_path / "storefront.log"
    with (
        running_example(EXAMPLES / "storefront" / "app.py", log) as url,
        httpx.Client(base_url=url, trust_env=False, timeout=5.0) as http,
    ):
        home = http.get("/")
        added = http.post("/cart/add", data={"product_id": DIGITAL_PRODUCT_ID})
        checkout = http.post("/checkout")
        checkout_page = checkout.headers["location"]
        paid = http.post(f"{checkout_page}/pay")
        thanks = http.get(paid.headers["location"])

    assert home.status_code == 200
    assert "Field Guide (e-book)" in home.text
    assert added.status_code == 303
    assert checkout.status_code == 303
    assert PAGE.match(checkout_page), checkout_page
    assert paid.headers["location"] == f"{url}/thanks?session_id={session_id(checkout_page)}"
    assert "paid, 19.99 USD." in thanks.text
    assert re.search(r"Order ord_\w+ is on its way\.", thanks.text), thanks.text
    output = log.read_text()
    assert "runs against the built-in emulator" in output
    assert f"Uvicorn running on {url}" in output


@contextlib.contextmanager
def shop_with_webhooks(emulator: Emulator, secret: str) -> Iterator[httpx.Client]:
    """The storefront on ``emulator``, which sends its webhooks to the shop's endpoint."""
    with (
        serving_storefront(lambda: async_client(emulator), webhook_secret=secret) as url,
        httpx.Client(base_url=url, trust_env=False, timeout=10.0) as shop,
    ):
        emulator.add_webhook(url + WEBHOOK_PATH, secret)
        yield shop


def test_a_paid_order_is_fulfilled_once_and_shown_on_the_thanks_page(
    quickshops_emulator: Emulator,
) -> None:
    """order.completed reaches the shop, which fulfils it; the thanks page says so."""
    quickshops_emulator.webhook_retry_delay = 0.0
    with shop_with_webhooks(quickshops_emulator, "whsec_test_shop") as shop:
        add(shop, DIGITAL_PRODUCT_ID)
        url = shop.post("/checkout").headers["location"]
        quickshops_emulator.complete_session(session_id(url))
        thanks = shop.get("/thanks", params={"session_id": session_id(url)})

    [order] = quickshops_emulator.orders
    assert f"Order {order['orderId']} is on its way." in thanks.text
    [delivery] = quickshops_emulator.deliveries
    assert (200, 1) == (delivery.status, delivery.attempts)
    assert b'"fulfilled"' not in delivery.body  # the event, not the shop's answer


def test_the_webhook_endpoint_fulfils_a_repeated_delivery_once(
    quickshops_emulator: Emulator,
) -> None:
    """The same order delivered again is acknowledged but not fulfilled a second time."""
    body = json.dumps(
        {
            "event": "order.completed",
            "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "data": {
                "orderId": "ord_twice",
                "customerEmail": "ada@example.com",
                "productId": DIGITAL_PRODUCT_ID,
                "amountInCents": 1999,
                "currency": "usd",
            },
        }
    )
    signed = {webhooks.SIGNATURE_HEADER: webhooks.sign(body, DEMO_WEBHOOK_SECRET)}
    with open_shop(quickshops_emulator) as shop:
        first = shop.post(WEBHOOK_PATH, content=body, headers=signed)
        again = shop.post(WEBHOOK_PATH, content=body, headers=signed)

    assert (200, {"received": "order.completed", "fulfilled": True}) == (
        first.status_code,
        first.json(),
    )
    assert (200, {"received": "order.completed", "fulfilled": False}) == (
        again.status_code,
        again.json(),
    )


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        (None, "no signature"),
        ("0" * 64, "does not match"),
        ("sign-with-another-secret", "does not match"),
    ],
)
def test_the_webhook_endpoint_refuses_what_it_cannot_verify(
    quickshops_emulator: Emulator, signature: str | None, message: str
) -> None:
    """A missing or wrong signature is a 400 with the reason, and fulfils nothing."""
    body = json.dumps({"event": "order.completed", "timestamp": "2026-12-02T10:00:00Z", "data": {}})
    if signature == "sign-with-another-secret":
        signature = webhooks.sign(body, "not-the-shops-secret")
    headers = {} if signature is None else {webhooks.SIGNATURE_HEADER: signature}
    with open_shop(quickshops_emulator) as shop:
        response = shop.post(WEBHOOK_PATH, content=body, headers=headers)

    assert 400 == response.status_code
    assert message in response.json()["error"]


def test_other_events_are_acknowledged(quickshops_emulator: Emulator) -> None:
    """A subscription event is verified and acknowledged; nothing is fulfilled."""
    quickshops_emulator.webhook_retry_delay = 0.0
    with shop_with_webhooks(quickshops_emulator, "whsec_test_shop"):
        quickshops_emulator.cancel_subscription(MEMBER_SESSION_ID)

    [delivery] = quickshops_emulator.deliveries
    assert ("subscription.cancelled", 200) == (delivery.event, delivery.status)
