"""What a call sends: building the request, with httpx2 and with httpx alike."""

from __future__ import annotations

import json
from typing import Any

import pytest

from quickshops import InvalidRequestError
from quickshops._config import ClientConfig
from quickshops._models import Health
from quickshops._request import Call, RequestBuilder
from tests.conftest import SECRET_KEY

CONFIG = ClientConfig(
    api_key=SECRET_KEY, base_url=None, timeout=5.0, max_retries=2, default_headers=None
)
CALL: Call[Any] = Call("GET", "/health", "GET /health", Health)
MUTATION: Call[Any] = Call("POST", "/cart", "POST /cart", Health, json={"a": "é"})


@pytest.fixture
def http(http_library: Any) -> Any:
    """The HTTP library of the test: httpx2, then httpx."""
    return http_library


def build(http: Any, client: Any, call: Call[Any], key: Any) -> Any:
    """Build `call`'s request with `client`, as the sender does."""
    return RequestBuilder(http, CONFIG).build(client, call, key)


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


# The builder merges the client's headers with the SDK's once, not on every call; the
# requests it builds are the ones the client's own build_request would.

CALLS: dict[str, Call[Any]] = {
    "read": CALL,
    "mutation with a body": MUTATION,
    "mutation without a body": Call("DELETE", "/cart/c/lines/p", "DELETE /x", None),
    "read with a body": Call("GET", "/health", "GET /health", None, raw=True, json=[1]),
    "caller's idempotency key": Call("POST", "/cart", "POST /cart", None, idempotency_key="own"),
    "query": Call("GET", "/orders", "GET /orders", None, params={"limit": "5"}),
}
CLIENTS: dict[str, dict[str, Any]] = {
    "default": {},
    "headers": {
        "headers": {
            "Accept": "text/html",
            "X-Custom": "1",
            "Content-Type": "text/plain",
            "User-Agent": "mine",
            "Idempotency-Key": "the client's",
        }
    },
    "cookies": {"cookies": {"session": "abc"}},
    "base url": {"base_url": "https://other.example/x/"},
    "params": {"params": {"client": "1"}},
}


def expected(http: Any, client: Any, call: Call[Any]) -> Any:
    """`call`'s request as `client.build_request` makes it from the SDK's headers."""
    headers = http.Headers(CONFIG.headers)
    content = None
    if call.json is not None:
        content = json.dumps(call.json, separators=(",", ":"), ensure_ascii=False).encode()
        headers["content-type"] = "application/json"
    if call.method != "GET":  # a mutation
        headers["idempotency-key"] = call.idempotency_key or "key-1"
    return client.build_request(
        call.method,
        CONFIG.base_url + call.path,
        params=call.params,
        headers=headers,
        content=content,
        extensions={"timeout": CONFIG.timeout_extension},
    )


def shown(request: Any) -> tuple[object, ...]:
    """What a request sends, to compare two."""
    headers, extensions = request.headers.raw, request.extensions
    return (request.method, str(request.url), headers, request.content, extensions)


@pytest.mark.parametrize("client_name", CLIENTS)
def test_builds_the_request_the_clients_own_build_request_would(
    http: Any, client_name: str
) -> None:
    """Every kind of call on every kind of client builds the same request.

    The same URL, headers in the same order, body and extensions, built twice (the
    second time from the merged headers).
    """
    builder = RequestBuilder(http, CONFIG)
    with http.Client(**CLIENTS[client_name]) as client:
        for name, call in CALLS.items():
            for _ in range(2):
                built = builder.build(client, call, lambda: "key-1")
                assert shown(expected(http, client, call)) == shown(built), name


def test_the_clients_headers_are_read_again_once_they_change(http: Any) -> None:
    """A header the caller adds to (or replaces in) their client later is sent too."""
    builder = RequestBuilder(http, CONFIG)
    with http.Client() as client:
        builder.build(client, MUTATION, lambda: "key-1")
        client.headers["x-later"] = "1"
        added = builder.build(client, MUTATION, lambda: "key-1")
        client.headers = {"x-replaced": "2"}
        replaced = builder.build(client, MUTATION, lambda: "key-1")

        assert shown(expected(http, client, MUTATION)) == shown(replaced)
    assert "1" == added.headers["x-later"]
    assert ("2", None) == (replaced.headers["x-replaced"], replaced.headers.get("x-later"))


def test_another_client_gets_its_own_headers(http: Any) -> None:
    """A new client (the pool's after a fork) is not sent another client's headers."""
    builder = RequestBuilder(http, CONFIG)
    with http.Client(headers={"x-first": "1"}) as first, http.Client() as second:
        builder.build(first, CALL, lambda: "k")
        request = builder.build(second, CALL, lambda: "k")

        assert shown(expected(http, second, CALL)) == shown(request)


def test_a_client_that_builds_its_own_requests_builds_them(http: Any) -> None:
    """A subclass overriding build_request (to sign requests, say) is not bypassed."""

    class Signing(http.Client):  # type: ignore[misc]
        def build_request(self, *args: Any, **kwargs: Any) -> Any:
            request = super().build_request(*args, **kwargs)
            request.headers["x-signature"] = "signed"
            return request

    with Signing() as client:
        request = build(http, client, MUTATION, lambda: "key-1")

    assert ("signed", "key-1") == (
        request.headers["x-signature"],
        request.headers["idempotency-key"],
    )
