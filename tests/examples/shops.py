"""The three example shops (Django, Flask, FastAPI), each through its framework's test client.

conftest.py's ``django_client``, ``flask_client`` and ``fastapi_client`` fixtures give
each shop under its framework's test client; a `ShopClient` (one of `ADAPTERS`) is one
interface over the three, so that one suite (test_shops.py) holds them to the same
behaviour. `serve_shop` serves a shop over real HTTP on loopback, for the browser.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

import attrs
import pytest
from werkzeug.serving import make_server

from examples.orders import OrderBook, webhook_secret
from quickshops import Quickshops

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import ModuleType

    from django.test import Client as DjangoClient
    from flask.testing import FlaskClient
    from starlette.testclient import TestClient

SHOPS = ("django", "flask", "fastapi")
CART = "qs_cart_id"  # quickshops.storefront.CART_COOKIE, which every shop keeps
STARTUP_SECONDS = 20.0
SHUTDOWN_SECONDS = 10.0
TEST_CLIENT_DOMAIN = "testserver.local"  # where the TestClient keeps the cookies of testserver


@attrs.frozen
class Answer:
    """What a shop answered: status, page, where it redirects, the cart cookie it set."""

    status: int
    text: str
    location: str | None
    set_cookie: str | None


class ShopClient(Protocol):
    """A shop under its framework's test client."""

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer:
        """GET `path` with the query `params`."""

    def post(self, path: str, form: Mapping[str, str] | None = None) -> Answer:
        """POST the urlencoded `form` to `path`."""

    def post_raw(self, path: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        """POST `body` as it is, with `headers` (a webhook delivery)."""

    def cart_cookie(self) -> str | None:
        """The cart cookie the client holds, if any."""

    def set_cart_cookie(self, value: str) -> None:
        """Make the client send `value` as the cart cookie."""


def cart_cookie_of(headers: list[str]) -> str | None:
    """The Set-Cookie header of the cart cookie, among `headers`."""
    return next((header for header in headers if header.startswith(f"{CART}=")), None)


@attrs.define
class DjangoShop:
    """The Django shop under ``django.test.Client``."""

    client: DjangoClient

    def _answer(self, response: Any) -> Answer:
        cookies = [morsel.OutputString() for morsel in response.cookies.values()]
        return Answer(
            response.status_code,
            response.content.decode(),
            response.headers.get("Location"),
            cart_cookie_of(cookies),
        )

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer:
        return self._answer(self.client.get(path, dict(params or {})))

    def post(self, path: str, form: Mapping[str, str] | None = None) -> Answer:
        return self._answer(self.client.post(path, dict(form or {})))

    def post_raw(self, path: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        content_type = headers.get("content-type", "application/json")
        return self._answer(
            self.client.post(path, body, content_type=content_type, headers=dict(headers))
        )

    def cart_cookie(self) -> str | None:
        morsel = self.client.cookies.get(CART)
        return morsel.value if morsel is not None and morsel.value else None

    def set_cart_cookie(self, value: str) -> None:
        self.client.cookies[CART] = value


@attrs.define
class FlaskShop:
    """The Flask shop under Flask's test client."""

    client: FlaskClient

    def _answer(self, response: Any) -> Answer:
        return Answer(
            response.status_code,
            response.get_data(as_text=True),
            response.headers.get("Location"),
            cart_cookie_of(response.headers.getlist("Set-Cookie")),
        )

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer:
        return self._answer(self.client.get(path, query_string=dict(params or {})))

    def post(self, path: str, form: Mapping[str, str] | None = None) -> Answer:
        return self._answer(self.client.post(path, data=dict(form or {})))

    def post_raw(self, path: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        return self._answer(self.client.post(path, data=body, headers=dict(headers)))

    def cart_cookie(self) -> str | None:
        cookie = self.client.get_cookie(CART)
        return cookie.value if cookie is not None else None

    def set_cart_cookie(self, value: str) -> None:
        self.client.set_cookie(CART, value)


@attrs.define
class FastAPIShop:
    """The FastAPI shop under Starlette's ``TestClient``."""

    client: TestClient

    def _answer(self, response: Any) -> Answer:
        return Answer(
            response.status_code,
            response.text,
            response.headers.get("location"),
            cart_cookie_of(response.headers.get_list("set-cookie")),
        )

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Answer:
        return self._answer(self.client.get(path, params=dict(params or {})))

    def post(self, path: str, form: Mapping[str, str] | None = None) -> Answer:
        return self._answer(self.client.post(path, data=dict(form or {})))

    def post_raw(self, path: str, body: bytes, headers: Mapping[str, str]) -> Answer:
        return self._answer(self.client.post(path, content=body, headers=dict(headers)))

    def cart_cookie(self) -> str | None:
        value: str | None = self.client.cookies.get(CART, domain=TEST_CLIENT_DOMAIN)
        return value

    def set_cart_cookie(self, value: str) -> None:
        self.client.cookies.set(CART, value, domain=TEST_CLIENT_DOMAIN)


ADAPTERS: dict[str, Any] = {"django": DjangoShop, "flask": FlaskShop, "fastapi": FastAPIShop}
"""Each shop's `ShopClient`, by name, made from its framework's test client."""


def django_views(monkeypatch: pytest.MonkeyPatch, qs: Quickshops) -> ModuleType:
    """The Django shop's views, its storefront calling through `qs`, its order book new.

    The views module makes its client when first imported; a test points the
    storefront at its own client and gives the shop an empty order book.
    """
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_shop.settings")
    django.setup()
    from examples.django_shop import views

    monkeypatch.setattr(views, "shop", views.storefront(qs))
    monkeypatch.setattr(views, "orders", OrderBook(webhook_secret()))
    return views


@contextlib.contextmanager
def serve_shop(name: str, port: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Serve the shop called `name` on 127.0.0.1:`port` in a thread; yield its URL."""
    if name == "fastapi":
        from examples.fastapi_app import create_app

        with serving_asgi(create_app(), port):
            yield f"http://127.0.0.1:{port}"
        return
    with Quickshops() as qs:
        application: Any
        if name == "django":
            django_views(monkeypatch, qs)
            from examples.django_shop.wsgi import application
        else:
            from examples.flask_app import create_app as create_flask_app

            application = create_flask_app(qs)
        with serving_wsgi(application, port):
            yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def serving_asgi(app: Any, port: int) -> Iterator[None]:
    """Serve an ASGI app with uvicorn, in a thread, until the block ends."""
    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="asgi-shop", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("uvicorn did not start the shop")
            thread.join(0.02)
        yield
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_SECONDS)


@contextlib.contextmanager
def serving_wsgi(app: Any, port: int) -> Iterator[None]:
    """Serve a WSGI app with Werkzeug's threaded server, in a thread, until the block ends."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="wsgi-shop", daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(SHUTDOWN_SECONDS)
