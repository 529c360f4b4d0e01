"""What a call sends: building the request, with httpx2 and with httpx alike."""

from __future__ import annotations

from typing import Any

import pytest

from quickshops import InvalidRequestError
from quickshops._config import ClientConfig
from quickshops._models import Health
from quickshops._request import Call, build_request
from tests.conftest import SECRET_KEY

CONFIG = ClientConfig.create(
    api_key=SECRET_KEY, base_url=None, timeout=5.0, max_retries=2, default_headers=None
)
CALL: Call[Any] = Call("GET", "/health", "GET /health", Health)
MUTATION: Call[Any] = Call("POST", "/cart", "POST /cart", Health, json={"a": "é"})


@pytest.fixture
def http(http_library: Any) -> Any:
    """The HTTP library of the test: httpx2, then httpx."""
    return http_library


def build(http: Any, client: Any, call: Call[Any], key: Any) -> Any:
    """Build `call`'s request with `client`, the headers as its library holds them."""
    return build_request(client, http, http.Headers(CONFIG.headers), CONFIG, call, key)


def test_build_request_for_a_mutation(http: Any) -> None:
    """A mutation gets a JSON body, a content type and a fresh Idempotency-Key."""
    with http.Client() as client:
        request = build(http, client, MUTATION, lambda: "key-1")

    assert isinstance(request, http.Request)
    assert '{"a":"é"}'.encode() == request.content
    assert "application/json" == request.headers["content-type"]
    assert "key-1" == request.headers["idempotency-key"]
    assert "https://api.quickshops.app/v1/cart" == str(request.url)


def test_build_request_for_a_read(http: Any) -> None:
    """A GET sends neither a body nor an Idempotency-Key."""
    with http.Client() as client:
        request = build(http, client, CALL, lambda: pytest.fail("no key needed"))

    assert b"" == request.content
    assert "idempotency-key" not in request.headers


def test_url_too_long_is_refused_before_sending(http: Any) -> None:
    """A path the library cannot build is an InvalidRequestError, not its own exception."""
    call: Call[Any] = Call("GET", "/products/" + "a" * 70_000, "GET /products/{productId}", Health)

    with http.Client() as client, pytest.raises(InvalidRequestError, match="cannot be sent"):
        build(http, client, call, lambda: "k")


def test_call_of_an_endpoint_renders_its_path_and_query() -> None:
    """call() encodes each path argument as one segment and leaves out None query values."""
    from quickshops._endpoints import CART_UPDATE_LINE, ORDERS_LIST
    from quickshops._request import call

    update = call(CART_UPDATE_LINE, path={"cart_id": "c/1", "product_id": ".."}, body={})
    listed = call(ORDERS_LIST, query={"limit": None})

    assert ("PATCH", "/cart/c%2F1/lines/%2E%2E", "PATCH /cart/{cartId}/lines/{productId}") == (
        update.method,
        update.path,
        update.route,
    )
    assert (None, "/orders") == (listed.params, listed.path)
