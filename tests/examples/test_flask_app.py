"""The Flask example, through Flask's test client and as a script."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
import pytest

from examples.flask_app import create_app
from quickshops.storefront import CART_COOKIE
from quickshops.testing import DIGITAL_PRODUCT_ID, PHYSICAL_PRODUCT_ID, Emulator, client
from tests.examples.conftest import EXAMPLES, running_example

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from flask.testing import FlaskClient

CHECKOUT = re.compile(r"^https://checkout\.stripe\.test/c/pay/cs_test_\w+$")


@pytest.fixture
def shop(quickshops_emulator: Emulator) -> Iterator[FlaskClient]:
    """The Flask shop on a client of the test's emulator; both closed after the test."""
    with client(quickshops_emulator, max_retries=0) as qs, create_app(qs).test_client() as shop:
        yield shop


def test_home_lists_the_products_and_an_empty_cart(shop: FlaskClient) -> None:
    """``GET /`` lists the products, each with an "Add to cart" form; the cart is empty."""
    response = shop.get("/")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Field Guide (e-book) ($19.99)" in page
    assert page.count(">Add to cart</button>") == 3
    assert "Your cart is empty." in page


def test_add_to_cart_keeps_the_cart_id_in_an_httponly_cookie(
    shop: FlaskClient, quickshops_emulator: Emulator
) -> None:
    """Adding a product 303s home and sets an httpOnly, SameSite=Lax cart cookie."""
    response = shop.post("/cart/add", data={"product_id": DIGITAL_PRODUCT_ID})
    shop.post("/cart/add", data={"product_id": DIGITAL_PRODUCT_ID})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    cookie = shop.get_cookie(CART_COOKIE)
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure
    with client(quickshops_emulator) as qs:
        cart = qs.cart.get(cookie.value)
    assert [(line.product_id, line.quantity) for line in cart.lines] == [(DIGITAL_PRODUCT_ID, 2)]
    assert "Field Guide (e-book) &times; 2" in shop.get("/").get_data(as_text=True)


def test_checkout_redirects_303_to_a_new_checkout_url_each_time(
    shop: FlaskClient, quickshops_emulator: Emulator
) -> None:
    """Each checkout makes a session of the cookie's cart server-side and 303s to its URL."""
    shop.post("/cart/add", data={"product_id": PHYSICAL_PRODUCT_ID})

    first, second = (shop.post("/checkout") for _ in range(2))

    assert first.status_code == second.status_code == 303
    urls = [first.headers["Location"], second.headers["Location"]]
    assert all(CHECKOUT.match(url) for url in urls), urls
    assert urls[0] != urls[1]
    with client(quickshops_emulator) as qs:
        details = qs.checkout.get_session(urls[0].rsplit("/", 1)[1])
    assert [(item.product_id, item.quantity) for item in details.line_items or ()] == [
        (PHYSICAL_PRODUCT_ID, 1)
    ]


def test_a_paid_checkout_returns_to_the_success_page(
    shop: FlaskClient, quickshops_emulator: Emulator
) -> None:
    """The session returns to the site's /success, which shows it paid and forgets the cart."""
    shop.post("/cart/add", data={"product_id": DIGITAL_PRODUCT_ID})
    session_id = shop.post("/checkout").headers["Location"].rsplit("/", 1)[1]
    success_url, cancel_url = quickshops_emulator.return_urls[session_id]
    quickshops_emulator.complete_session(session_id)

    page = shop.get("/success", query_string={"session_id": session_id})

    assert (
        "http://127.0.0.1:5000/success?session_id={CHECKOUT_SESSION_ID}",
        "http://127.0.0.1:5000/",
    ) == (
        success_url,
        cancel_url,
    )
    assert "Thank you!" in page.get_data(as_text=True)
    assert "$19.99" in page.get_data(as_text=True)
    assert shop.get_cookie(CART_COOKIE) is None
    assert shop.get("/success").status_code == 400  # no session id


def test_checkout_without_a_cart_goes_back_home(shop: FlaskClient) -> None:
    """With no cart cookie, or one naming a cart that is gone, "Checkout" 303s home."""
    assert shop.post("/checkout").headers["Location"] == "/"
    shop.set_cookie(CART_COOKIE, "cart_gone")
    assert shop.post("/checkout").headers["Location"] == "/"


def test_an_expired_cart_is_replaced_on_add(shop: FlaskClient) -> None:
    """Adding with a cookie naming a cart that is gone starts a new cart."""
    shop.set_cookie(CART_COOKIE, "cart_gone")

    response = shop.post("/cart/add", data={"product_id": DIGITAL_PRODUCT_ID})

    assert response.status_code == 303
    cookie = shop.get_cookie(CART_COOKIE)
    assert cookie is not None
    assert cookie.value.startswith("cart_")
    assert cookie.value != "cart_gone"


def test_api_errors_are_escaped_pages(shop: FlaskClient, quickshops_emulator: Emulator) -> None:
    """An unknown product is a 400 page and an API outage a 502 one, with escaped text."""
    unknown = shop.post("/cart/add", data={"product_id": "<prod_unknown>"})
    quickshops_emulator.faults.fail_next("*", status=503)
    outage = shop.get("/")

    assert unknown.status_code == 400
    assert "&lt;prod_unknown&gt;" in unknown.get_data(as_text=True)
    assert outage.status_code == 502
    assert "503" in outage.get_data(as_text=True)


def test_runs_as_a_script_against_the_emulator_with_no_key(tmp_path: Path) -> None:
    """``python examples/flask_app.py`` serves the shop on PORT, on the emulator."""
    log = tmp_path / "flask.log"
    with (
        running_example(EXAMPLES / "flask_app.py", log) as url,
        httpx.Client(base_url=url, trust_env=False, timeout=5.0) as http,
    ):
        added = http.post("/cart/add", data={"product_id": DIGITAL_PRODUCT_ID})
        checkout = http.post("/checkout")

    assert added.status_code == 303
    assert "HttpOnly" in added.headers["set-cookie"]
    assert checkout.status_code == 303
    assert CHECKOUT.match(checkout.headers["location"])
    assert "runs against the built-in emulator" in log.read_text()
