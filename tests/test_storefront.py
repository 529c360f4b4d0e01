"""The storefront helpers that need no client, and what both storefronts share."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from starlette.responses import Response as StarletteResponse
from werkzeug.wrappers import Response as WerkzeugResponse

from quickshops import AsyncQuickshops, InvalidRequestError, Quickshops
from quickshops.storefront import CART_COOKIE, AsyncStorefront, Storefront, format_money
from quickshops.testing import SECRET_KEY, Emulator, async_client, client

SITE = "https://shop.example"


@pytest.fixture(autouse=True)
def django_settings() -> None:
    """Django's responses read its settings: the defaults, unless already configured."""
    if not settings.configured:
        settings.configure()


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (1999, "usd", "$19.99"),
        (1999, "EUR", "€19.99"),
        (5, "gbp", "£0.05"),
        (1999, "jpy", "¥1,999"),
        (1999, "KRW", "₩1,999"),
        (1999, "kwd", "KWD 1.999"),
        (1999, "bhd", "BHD 1.999"),
        (123456789, "usd", "$1,234,567.89"),
        (-1999, "usd", "-$19.99"),
        (0, "jpy", "¥0"),
        (1999, "xyz", "XYZ 19.99"),
        (1999, "chf", "CHF 19.99"),
    ],
)
def test_format_money(amount: int, currency: str, shown: str) -> None:
    """Minor units as a price: the currency's decimals, grouped thousands, its symbol or code."""
    assert shown == format_money(amount, currency)


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [(19.99, "usd", "amount"), (True, "usd", "amount"), (1, "us", "currency"), (1, 7, "currency")],
)
def test_format_money_refuses_what_is_not_money(amount: Any, currency: Any, message: str) -> None:
    """A float or bool amount, or a code that is not three letters, says what to pass."""
    with pytest.raises(InvalidRequestError, match=message):
        format_money(amount, currency)


def test_each_storefront_takes_its_own_kind_of_client() -> None:
    """A client of the other kind is refused with what to use instead."""
    with pytest.raises(InvalidRequestError, match="the other client"):
        AsyncStorefront(Quickshops(api_key=SECRET_KEY))  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="the other client"):
        Storefront(AsyncQuickshops(api_key=SECRET_KEY))  # type: ignore[arg-type]


def set_cookie_header(response: Any) -> str:
    """The Set-Cookie header each framework's response would send."""
    if isinstance(response, HttpResponse):
        return str(response.cookies[CART_COOKIE].output(header="")).strip()
    if isinstance(response, StarletteResponse):
        return dict(response.raw_headers)[b"set-cookie"].decode()
    return str(response.headers["Set-Cookie"])


@pytest.mark.parametrize(
    "make",
    [HttpResponse, WerkzeugResponse, StarletteResponse],
    ids=["django", "werkzeug", "starlette"],
)
@pytest.mark.parametrize(
    ("site", "secure"), [("https://shop.example", True), ("http://127.0.0.1:8000", False)]
)
def test_save_cart_sets_the_cookie_on_each_frameworks_response(
    make: Any, site: str, secure: bool
) -> None:
    """HttpOnly, SameSite=Lax, Path=/, 14 days; Secure when the site is https."""
    shop = Storefront(Quickshops(api_key=SECRET_KEY), site_url=site)
    response = make()

    shop.save_cart(response, "cart_1")
    header = set_cookie_header(response)

    assert header.startswith(f"{CART_COOKIE}=cart_1;")
    lowered = header.lower()
    assert "httponly" in lowered
    assert "samesite=lax" in lowered
    assert "path=/" in lowered
    assert "max-age=1209600" in lowered
    assert ("secure" in lowered.replace("samesite", "")) is secure


def test_secure_cookie_overrides_the_sites_scheme() -> None:
    """secure_cookie=True marks the cookie Secure even for a plain-http site (behind TLS)."""
    qs = Quickshops(api_key=SECRET_KEY)
    shop = Storefront(qs, site_url="http://127.0.0.1:8000", secure_cookie=True)
    response = StarletteResponse()

    shop.save_cart(response, "cart_1")

    assert "; secure" in set_cookie_header(response).lower()


@pytest.mark.parametrize(
    "make",
    [HttpResponse, WerkzeugResponse, StarletteResponse],
    ids=["django", "werkzeug", "starlette"],
)
def test_forget_cart_deletes_the_cookie(make: Any) -> None:
    """The cookie is expired at once, on the same path."""
    shop = Storefront(
        Quickshops(api_key=SECRET_KEY), site_url="https://shop.example", secure_cookie=False
    )
    response = make()

    shop.forget_cart(response)
    header = set_cookie_header(response).lower()

    assert header.startswith(f"{CART_COOKIE}=")
    assert "max-age=0" in header
    assert "path=/" in header


async def test_a_stale_catalogue_is_refreshed_once_for_concurrent_tasks() -> None:
    """Tasks that find the catalogue stale wait for one refresh, then share it."""
    import anyio

    emulator = Emulator()
    emulator.faults.delay("GET /catalog", 0.1, times=1)  # the others wait meanwhile
    shop = AsyncStorefront(async_client(emulator), site_url=SITE, catalog_max_age=60)
    found: list[Any] = []

    async def load() -> None:
        found.append(await shop.load_catalog())

    async with anyio.create_task_group() as group:
        for _ in range(5):
            group.start_soon(load)

    assert 1 == [r.route for r in emulator.requests].count("GET /catalog")
    assert all(catalog is found[0] for catalog in found)


def test_a_stale_catalogue_is_refreshed_once_for_concurrent_threads() -> None:
    """Threads that find the catalogue stale wait for one refresh, then share it."""
    emulator = Emulator()
    emulator.faults.delay("GET /catalog", 0.1, times=1)  # the others wait meanwhile
    shop = Storefront(client(emulator), site_url=SITE, catalog_max_age=60)
    found: list[Any] = []
    threads = [threading.Thread(target=lambda: found.append(shop.load_catalog())) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert 1 == [r.route for r in emulator.requests].count("GET /catalog")
    assert all(catalog is found[0] for catalog in found)
