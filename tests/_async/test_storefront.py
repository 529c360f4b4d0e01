"""The storefront helpers on the async client: cart cookie, checkout, catalogue."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.responses import Response

from quickshops import (
    AsyncQuickshops,
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
)
from quickshops.storefront import CART_COOKIE, AsyncStorefront
from quickshops.testing import DIGITAL_PRODUCT_ID, SECRET_KEY, Emulator, async_client

SITE = "https://shop.example"


@pytest.fixture
def emulator() -> Emulator:
    """A fresh emulator."""
    return Emulator()


@pytest.fixture
def shop(emulator: Emulator) -> AsyncStorefront:
    """A storefront on a client the emulator answers."""
    return AsyncStorefront(async_client(emulator), site_url=SITE + "/")


def test_the_cookie_is_the_javascript_sdks() -> None:
    """The cart cookie has the official JavaScript SDK's name."""
    assert "qs_cart_id" == CART_COOKIE


def test_redirects_are_built_from_the_site_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """One trailing slash dropped, a path without its slash given one; SITE_URL by default."""
    qs = AsyncQuickshops(api_key=SECRET_KEY)
    shop = AsyncStorefront(qs, site_url=SITE + "/", success_path="thanks", cancel_path="/bag")
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:8000")

    assert (
        f"{SITE}/thanks?session_id={{CHECKOUT_SESSION_ID}}",
        f"{SITE}/bag",
    ) == shop.redirects()
    assert ("http://127.0.0.1:8000", SITE) == (AsyncStorefront(qs).site_url, shop.site_url)


@pytest.mark.parametrize(
    ("site_url", "message"),
    [(None, "set the environment variable SITE_URL"), ("shop.example", "absolute http")],
)
def test_a_missing_or_bad_site_url_is_named_when_first_needed(
    monkeypatch: pytest.MonkeyPatch, site_url: str | None, message: str
) -> None:
    """The storefront is made either way; the first redirect says what to set."""
    monkeypatch.delenv("SITE_URL", raising=False)
    shop = AsyncStorefront(AsyncQuickshops(api_key=SECRET_KEY), site_url=site_url)

    with pytest.raises(InvalidRequestError, match=message):
        shop.redirects()


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("success_path", "a b"),
        ("cookie_name", "cart id"),
        ("cookie_max_age", -1),
        ("cookie_max_age", True),
        ("secure_cookie", "yes"),
        ("catalog_max_age", -5),
    ],
)
def test_bad_arguments_are_refused(argument: str, value: Any) -> None:
    """Each argument is checked as the storefront is made, and named."""
    with pytest.raises(InvalidRequestError, match=argument):
        AsyncStorefront(AsyncQuickshops(api_key=SECRET_KEY), **{argument: value})


def test_the_cart_id_is_the_cookie_stripped(shop: AsyncStorefront) -> None:
    """A blank or absent cookie is no cart."""
    assert (None, None, "cart_1") == (
        shop.cart_id({}),
        shop.cart_id({CART_COOKIE: "  "}),
        shop.cart_id({CART_COOKIE: " cart_1 "}),
    )


async def test_add_to_cart_makes_the_cart_then_adds_to_it(
    shop: AsyncStorefront, emulator: Emulator
) -> None:
    """No cookie: a cart made with the line in one call; then lines go to that cart."""
    made = await shop.add_to_cart({}, DIGITAL_PRODUCT_ID, quantity=2)
    added = await shop.add_to_cart({CART_COOKIE: made.id}, DIGITAL_PRODUCT_ID)

    assert (made.id, 3) == (added.id, added.lines[0].quantity)
    assert 1 == emulator.effects["POST /cart"]


async def test_a_stale_cookie_gets_a_new_cart(shop: AsyncStorefront) -> None:
    """A cookie naming a cart that is gone is the visitor's input: a new cart, no error."""
    cart = await shop.add_to_cart({CART_COOKIE: "cart_gone"}, DIGITAL_PRODUCT_ID)

    assert "cart_gone" != cart.id
    assert None is await shop.cart({CART_COOKIE: "cart_gone"})
    assert None is await shop.cart({})
    assert cart == await shop.cart({CART_COOKIE: cart.id})


async def test_a_product_that_does_not_exist_is_not_found(shop: AsyncStorefront) -> None:
    """With or without a cart, adding a missing product is NotFoundError."""
    cart = await shop.add_to_cart({}, DIGITAL_PRODUCT_ID)

    with pytest.raises(NotFoundError):
        await shop.add_to_cart({CART_COOKIE: cart.id}, "prod_missing")
    with pytest.raises(NotFoundError):
        await shop.add_to_cart({}, "prod_missing")


async def test_checkout_and_buy_now_return_to_the_site(
    shop: AsyncStorefront, emulator: Emulator
) -> None:
    """Both make a session whose success and cancel URLs are the storefront's."""
    cart = await shop.add_to_cart({}, DIGITAL_PRODUCT_ID)
    for session in (await shop.checkout_cart(cart.id), await shop.buy_now(DIGITAL_PRODUCT_ID, 2)):
        assert shop.redirects() == emulator.return_urls[str(session.session_id)]

        details = await shop.checkout_session(f" {session.session_id} ")
        assert session.session_id == details.id
    with pytest.raises(InvalidRequestError, match="session_id"):
        await shop.checkout_session(" ")


async def test_load_catalog_falls_back_to_the_store_and_products(
    shop: AsyncStorefront, emulator: Emulator
) -> None:
    """A failing GET /catalog is read as the store and the products instead."""
    whole = await shop.load_catalog()
    emulator.faults.fail_next("GET /catalog", status=404)

    fallback = await shop.load_catalog()

    assert (whole.store, whole.products) == (fallback.store, fallback.products)
    routes = [r.route for r in emulator.requests]
    assert (2, 1, 1) == (
        routes.count("GET /catalog"),
        routes.count("GET /products/store"),
        routes.count("GET /products"),
    )


async def test_load_catalog_does_not_hide_an_authentication_error(emulator: Emulator) -> None:
    """A key the API refuses is the app's fault: it is raised, not papered over."""
    shop = AsyncStorefront(async_client(emulator, api_key="qk_test_secret_wrong"), site_url=SITE)

    with pytest.raises(AuthenticationError):
        await shop.load_catalog()


async def test_a_kept_catalogue_is_refreshed_once_when_stale(emulator: Emulator) -> None:
    """With catalog_max_age, calls share the catalogue until it is stale."""
    now = [0.0]
    shop = AsyncStorefront(async_client(emulator), site_url=SITE, catalog_max_age=60)
    shop._clock = lambda: now[0]

    first = await shop.load_catalog()
    kept = await shop.load_catalog()
    now[0] = 61.0
    refreshed = await shop.load_catalog()

    assert first is kept
    assert refreshed is not first
    assert 2 == sum(1 for r in emulator.requests if r.route == "GET /catalog")


async def test_a_fallback_that_fails_raises_the_sdks_error(
    shop: AsyncStorefront, emulator: Emulator
) -> None:
    """When the fallback's reads fail too, the error is the SDK's, not a group of them."""
    emulator.faults.fail_next("GET /catalog", status=404)
    emulator.faults.fail_next("GET /products", status=404)

    with pytest.raises(NotFoundError):
        await shop.load_catalog()


async def test_the_cookie_helpers_work_on_the_async_storefront(shop: AsyncStorefront) -> None:
    """save_cart and forget_cart are the same, without I/O, on both storefronts."""
    response = Response()
    cart = await shop.add_to_cart({}, DIGITAL_PRODUCT_ID)

    shop.save_cart(response, cart)
    shop.forget_cart(response)

    cookies = [v.decode() for k, v in response.raw_headers if k == b"set-cookie"]
    assert cookies[0].startswith(f"{CART_COOKIE}={cart.id};")
    assert "max-age=0" in cookies[1].lower()
