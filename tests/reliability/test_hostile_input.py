"""Hostile input: fuzzed responses, ids, keys, headers, redirects and base URLs.

- Responses with any status, headers and body (Hypothesis) end in the documented model
  or in the `QuickshopsError` subclass of their status, never in another exception, and
  the client never sleeps longer than 60 s or less than nothing.
- Ids holding ``/``, ``?``, ``#``, ``%``, ``..``, unicode or control characters never
  change the route called.
- A control character in the key, a header name or a header value is refused before
  any I/O; a redirect is never followed, so the key never reaches another host; plain
  http to a host that is not loopback is refused.
"""

from __future__ import annotations

import json
import math
import urllib.parse
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quickshops import (
    APIResponseValidationError,
    APIStatusError,
    AsyncQuickshops,
    InternalServerError,
    InvalidAPIKeyError,
    InvalidRequestError,
    NotFoundError,
    Quickshops,
    QuickshopsError,
    RateLimitError,
)
from quickshops.testing import DIGITAL_PRODUCT_ID, Emulator, EmulatorTransport
from tests.reliability.conftest import (
    KEY,
    ROUTES,
    Driver,
    Handle,
    Route,
    Sleeps,
    api,
    count,
    new_emulator,
    seed,
)
from tests.reliability.faultserver import Emulate, FaultServer, Respond

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Replies:
    """A MockTransport handler answering every request with the response under test."""

    def __init__(self) -> None:
        self.status = 200
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        """Record `request` and answer it with the response under test."""
        self.requests.append(request)
        return httpx2.Response(self.status, headers=self.headers, content=self.body)


def payloads() -> dict[str, Any]:
    """A valid payload of each route, as the emulator sends it inside its envelope."""
    emulator = new_emulator()
    state = seed(emulator)
    found = {}
    for route in ROUTES:
        method, _, template = route.name.partition(" ")
        path = (
            template.replace("{productId}", DIGITAL_PRODUCT_ID)
            .replace("{cartId}", state.cart_id)
            .replace("{sessionId}", state.session_id)
        )
        body = {
            "POST /cart": {},
            "POST /cart/{cartId}/lines": {"productId": DIGITAL_PRODUCT_ID, "quantity": 1},
            "PATCH /cart/{cartId}/lines/{productId}": {"quantity": 2},
            "POST /checkout/session": {"productId": DIGITAL_PRODUCT_ID},
            "POST /subscription/portal": {"memberSessionId": "msess_test_member"},
            "POST /store/proposals": {"proposal": "Make the hero blue"},
            "POST /store/proposals/apply": {"proposal": "Make the footer green"},
        }.get(route.name)
        found[route.name] = api(emulator, method, path, body)
    return found


PAYLOADS = payloads()

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=15,
)


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """`value` with one nested part (or none) replaced by any JSON value."""
    if draw(st.integers(0, 3)) == 0:
        return draw(json_values)
    if isinstance(value, dict) and value:
        key = draw(st.sampled_from(sorted(value)))
        if draw(st.booleans()):
            return {k: v for k, v in value.items() if k != key}  # a field goes missing
        return {**value, key: draw(mutated(value[key]))}
    if isinstance(value, list) and value:
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], draw(mutated(value[index])), *value[index + 1 :]]
    return value


@st.composite
def bodies(draw: st.DrawFn, route: Route) -> bytes:
    """A body: a mutated valid payload, any JSON, an error body, or any bytes."""
    kind = draw(st.sampled_from(["mutated", "json", "error", "bytes", "text"]))
    value: Any
    if kind == "mutated":
        value = {"data": draw(mutated(PAYLOADS[route.name]))}
    elif kind == "json":
        value = draw(json_values)
    elif kind == "error":
        fields = st.sampled_from(["error", "message", "code", "requestId", "status", "data"])
        nested: st.SearchStrategy[Any] = json_values | st.dictionaries(fields, json_values)
        value = draw(st.dictionaries(fields, nested))
    elif kind == "bytes":
        return draw(st.binary(max_size=300))
    else:
        return draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    return json.dumps(value).encode()


HEADER_NAMES = [
    "retry-after",
    "retry-after-ms",
    "x-should-retry",
    "x-request-id",
    "content-type",
    "location",
    "content-length",
    "x-unknown",
]
HEADER_VALUES = [
    "0",
    "1",
    "-1",
    "61",
    "1e309",
    "nan",
    "inf",
    "-inf",
    "1_0",
    " 2 ",
    "0x10",
    "true",
    "false",
    "TRUE",
    "Wed, 21 Oct 2015 07:28:00 GMT",
    "Wed, 21 Oct 2099 07:28:00 GMT",
    "Wed, 21 Oct 2015 07:28:00",
    "Mon, 01 Jan 2020 99999999999999999999:00:00 GMT",
    "application/json; charset=utf-16",
    "application/json; charset=bogus",
    "text/html; charset=latin-1",
    "http://127.0.0.1:9/elsewhere",
]
header_text = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=40,
)
headers = st.lists(
    st.tuples(st.sampled_from(HEADER_NAMES), st.sampled_from(HEADER_VALUES) | header_text).map(
        lambda pair: (pair[0].encode(), pair[1].encode("latin-1"))
    ),
    max_size=4,
)
statuses = st.sampled_from([200, 201, 204, 400, 401, 403, 404, 408, 409, 422, 429, 500, 503])
statuses |= st.integers(min_value=100, max_value=999)


OVERFLOWING_DATE = b"Mon, 01 Jan 2020 99999999999999999999:00:00 GMT"


def expected_error(status: int) -> tuple[type[QuickshopsError], ...]:
    """The classes a response of `status` may raise."""
    if 200 <= status < 300:
        return (APIResponseValidationError,)
    if status >= 500:
        return (InternalServerError,)
    if status == 429:
        return (RateLimitError,)
    if 400 <= status < 500:
        return (APIStatusError,)  # its subclass for the status, checked by the unit tests
    return (APIStatusError,)  # 1xx and 3xx: the base class


@pytest.fixture
def mock_client(driver: Driver) -> tuple[Any, Replies]:
    """A client (of each flavour) whose every request gets the response under test."""
    replies = Replies()
    handle = driver.open(transport=httpx2.MockTransport(replies), max_retries=1)
    return handle, replies


@FUZZ
@given(data=st.data(), status=statuses, header_list=headers)
@example(data=None, status=503, header_list=[(b"retry-after", OVERFLOWING_DATE)])
def test_fuzzed_responses_end_in_sdk_errors(
    mock_client: tuple[Any, Replies],
    sleeps: Sleeps,
    data: st.DataObject | None,
    status: int,
    header_list: list[tuple[bytes, bytes]],
) -> None:
    """Any status, headers and body end in a model or the status's QuickshopsError."""
    handle, replies = mock_client
    route = data.draw(st.sampled_from(ROUTES)) if data is not None else ROUTES[0]
    replies.status = status
    replies.headers = header_list
    replies.body = data.draw(bodies(route)) if data is not None else b"{}"
    state = seed(new_emulator())
    error: QuickshopsError | None = None
    try:
        result = handle.call(lambda qs: route.call(qs, state))
    except QuickshopsError as exc:
        error = exc
    if error is None:
        assert 200 <= status < 300, status
        assert isinstance(result, route.returns)
    else:
        assert isinstance(error, expected_error(status)), (status, error)
        assert not isinstance(error, APIStatusError) or error.status == status
    delays = sleeps.take()
    assert all(math.isfinite(d) and 0 <= d <= 60 for d in delays), delays
    count("fuzzed_responses")


@pytest.mark.parametrize(
    "retry_after",
    [
        "Mon, 01 Jan 2020 99999999999999999999:00:00 GMT",
        "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",
        "Mon, 01 Jan 2020 00:00:00 +99999999999999999999",
        "1e309",
        "-1e309",
        "nan",
        "99999999999999999999999999999999",
    ],
)
@pytest.mark.parametrize("status", [429, 503])
def test_hostile_retry_after_ends_in_sdk_error(
    mock_client: tuple[Any, Replies], sleeps: Sleeps, retry_after: str, status: int
) -> None:
    """A Retry-After no clock can hold ends in the status's error, never another exception."""
    handle, replies = mock_client
    replies.status = status
    replies.headers = [(b"retry-after", retry_after.encode())]
    with pytest.raises(QuickshopsError) as caught:
        handle.call(lambda qs: qs.health.check())
    assert type(caught.value) is (RateLimitError if status == 429 else InternalServerError)
    assert all(0 <= d <= 60 for d in sleeps.take())


# Ids never change the route


ID_ROUTES: list[tuple[str, Callable[[Any, str, str], Any], tuple[str, ...]]] = [
    ("GET /products/{productId}", lambda qs, a, b: qs.products.get(a), ("productId",)),
    ("GET /cart/{cartId}", lambda qs, a, b: qs.cart.get(a), ("cartId",)),
    ("DELETE /cart/{cartId}", lambda qs, a, b: qs.cart.clear(a), ("cartId",)),
    (
        "POST /cart/{cartId}/lines",
        lambda qs, a, b: qs.cart.add_line(a, DIGITAL_PRODUCT_ID),
        ("cartId",),
    ),
    (
        "PATCH /cart/{cartId}/lines/{productId}",
        lambda qs, a, b: qs.cart.update_line(a, b, 1),
        ("cartId", "productId"),
    ),
    (
        "DELETE /cart/{cartId}/lines/{productId}",
        lambda qs, a, b: qs.cart.remove_line(a, b),
        ("cartId", "productId"),
    ),
    (
        "GET /checkout/sessions/{sessionId}",
        lambda qs, a, b: qs.checkout.get_session(a),
        ("sessionId",),
    ),
]
NASTY_IDS = [
    "a/b",
    "../../products/store",
    "..",
    ".",
    "...",
    "?",
    "x?limit=1",
    "#",
    "x#frag",
    "%",
    "%2F",
    "%2e%2e",
    "..%2F..%2F",
    "a b",
    "\\..\\",
    "é",
    "商品",
    "😀",
    "\u202e",
    "\n",
    "\r\nx-api-key: stolen",
    "\x00",
    "\t",
    "cart_1/lines",
    "//",
    ";",
    "+",
]
ids = st.one_of(
    st.sampled_from(NASTY_IDS),
    st.text(min_size=1, max_size=20),
    st.lists(
        st.sampled_from(["/", "?", "#", "%", "..", ".", "é", "\n", "\x00", "a"]), min_size=1
    ).map("".join),
)


def check_route(
    recorded_route: str | None, path: str, route: str, params: tuple[str, ...], values: list[str]
) -> None:
    """The request went to `route`, its parameters decoding to exactly `values`."""
    assert recorded_route == route, (recorded_route, path)
    template = route.partition(" ")[2].split("/")
    segments = path.removeprefix("/v1").split("/")
    assert len(segments) == len(template), path
    got = {
        name[1:-1]: urllib.parse.unquote(segment)
        for name, segment in zip(template, segments, strict=True)
        if name.startswith("{")
    }
    assert got == dict(zip(params, values, strict=False)), (path, values)


@pytest.fixture
def emulated(driver: Driver) -> tuple[Handle, Emulator]:
    """A client (of each flavour) answered by an emulator, through EmulatorTransport."""
    emulator = new_emulator()
    return driver.open(transport=EmulatorTransport(emulator)), emulator


@FUZZ
@given(data=st.data(), first=ids, second=ids)
def test_ids_never_change_the_route(
    emulated: tuple[Handle, Emulator], data: st.DataObject, first: str, second: str
) -> None:
    """Any id reaches the route it was given to, as one segment, or is refused unsent."""
    handle, emulator = emulated
    route, call, params = data.draw(st.sampled_from(ID_ROUTES))
    sent = len(emulator.requests)
    try:
        handle.call(lambda qs: call(qs, first, second))
    except InvalidRequestError:
        assert len(emulator.requests) == sent, "refused, but sent"
        return
    except NotFoundError:
        pass
    assert len(emulator.requests) == sent + 1
    request = emulator.requests[-1]
    assert request.query == ""
    check_route(request.route, request.path, route, params, [first, second])
    count("fuzzed_ids")


@pytest.mark.parametrize("nasty", NASTY_IDS)
def test_ids_never_change_the_route_over_sockets(
    driver: Driver, fault_servers: Callable[..., FaultServer], nasty: str
) -> None:
    """Each nasty id, sent over a real socket, reaches its route as one segment."""
    server = fault_servers()
    handle = driver.open(base_url=server.url)
    for route, call, params in ID_ROUTES:
        with pytest.raises(NotFoundError):
            handle.call(call_with(call, nasty, nasty))
        received = server.requests[-1]
        assert "?" not in received.target, received.target
        check_route(server.emulator.requests[-1].route, received.path, route, params, [nasty] * 2)


@pytest.mark.parametrize(
    ("call", "path", "sent_id"),
    [
        (
            lambda qs, v: qs.checkout.create_session(v),
            "/v1/checkout/session",
            lambda body: body["cartId"],
        ),
        (
            lambda qs, v: qs.subscription.create_portal_session(v),
            "/v1/subscription/portal",
            lambda body: body["memberSessionId"],
        ),
        (
            lambda qs, v: qs.cart.create(lines=[(v, 1)]),
            "/v1/cart",
            lambda body: body["lines"][0]["productId"],
        ),
    ],
    ids=["checkout-cart-id", "portal-member-session", "cart-line-product"],
)
def test_ids_in_bodies_never_change_the_route(
    driver: Driver,
    call: Callable[[Any, str], Any],
    path: str,
    sent_id: Callable[[Any], str],
) -> None:
    """Ids carried in a JSON body reach the server verbatim, on the route called."""
    replies = Replies()
    replies.status = 404
    handle = driver.open(transport=httpx2.MockTransport(replies), max_retries=0)
    for nasty in NASTY_IDS:
        with pytest.raises(NotFoundError):
            handle.call(call_with(call, nasty))
        sent = replies.requests[-1]
        assert sent_id(json.loads(sent.content)) == nasty
        assert sent.url.query == b""
        assert sent.url.path == path


# Keys and headers are refused before any I/O


def unsent_transport() -> tuple[httpx2.MockTransport, list[httpx2.Request]]:
    sent: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return httpx2.Response(200)

    return httpx2.MockTransport(handler), sent


CLIENTS: list[tuple[type[Quickshops] | type[AsyncQuickshops], type]] = [
    (Quickshops, httpx2.Client),
    (AsyncQuickshops, httpx2.AsyncClient),
]
CONTROL = ["\n", "\r", "\r\n", "\x00", "\x7f", "\x1b", "\t", "\u2028", "\x85", " "]


@pytest.mark.parametrize(("client_class", "http_class"), CLIENTS, ids=["sync", "async"])
@pytest.mark.parametrize("bad", CONTROL, ids=[repr(c) for c in CONTROL])
def test_control_characters_in_key_are_refused(
    client_class: type[Any], http_class: type[Any], bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key with a newline or other control character is refused before any I/O."""
    transport, sent = unsent_transport()
    http_client = http_class(transport=transport)
    for key in (KEY + bad, KEY + bad + "x-evil: 1", KEY[:10] + bad + KEY[10:]):
        with pytest.raises(InvalidAPIKeyError):
            client_class(api_key=key, http_client=http_client)
        if bad != "\x00":  # the environment cannot hold a NUL
            monkeypatch.setenv("QUICKSHOPS_API_KEY", key)
            with pytest.raises(InvalidAPIKeyError):
                client_class(http_client=http_client)
    assert not sent


@pytest.mark.parametrize(("client_class", "http_class"), CLIENTS, ids=["sync", "async"])
@given(
    name=st.sampled_from(["x-trace", "x-api-version", "x-custom"]),
    value=st.text(max_size=20),
    bad=st.sampled_from([c for c in CONTROL if c not in " \t"]),
    position=st.integers(0, 20),
)
@settings(max_examples=50, deadline=None)
def test_control_characters_in_header_values_are_refused(
    client_class: type[Any], http_class: type[Any], name: str, value: str, bad: str, position: int
) -> None:
    """A header value holding a control character is refused, before any I/O."""
    transport, sent = unsent_transport()
    http_client = http_class(transport=transport)
    poisoned = value[:position] + bad + value[position:]
    with pytest.raises(InvalidRequestError):
        client_class(api_key=KEY, default_headers={name: poisoned}, http_client=http_client)
    good = client_class(api_key=KEY, http_client=http_client)
    with pytest.raises(InvalidRequestError):
        good.with_options(default_headers={name: poisoned})
    assert not sent


@pytest.mark.parametrize(("client_class", "http_class"), CLIENTS, ids=["sync", "async"])
@pytest.mark.parametrize("name", ["x-a\nb", "x-a\r\nx-api-key", "x a", "x-a:", "", "x-é"])
def test_bad_header_names_are_refused(
    client_class: type[Any], http_class: type[Any], name: str
) -> None:
    """A header name that could split or bend the request is refused, before any I/O."""
    transport, sent = unsent_transport()
    with pytest.raises(InvalidRequestError):
        client_class(
            api_key=KEY, default_headers={name: "v"}, http_client=http_class(transport=transport)
        )
    assert not sent


def call_with(call: Callable[..., Any], *args: Any) -> Callable[[Any], Any]:
    """`call`, waiting for a client, with `args` after it."""
    return lambda qs: call(qs, *args)


def create_with_key(key: str, qs: Any) -> Any:
    return qs.cart.create(idempotency_key=key)


def test_control_characters_in_idempotency_key_are_refused(driver: Driver) -> None:
    """An Idempotency-Key with a newline is refused at the call, before any I/O."""
    transport, sent = unsent_transport()
    handle = driver.open(transport=transport)
    for bad in CONTROL[:-1]:
        with pytest.raises(InvalidRequestError):
            handle.call(partial(create_with_key, f"key{bad}x-evil: 1"))
    assert not sent


# Redirects never carry the key to another host


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("follow", [False, True], ids=["sdk-pool", "caller-pool-following"])
def test_redirects_never_carry_the_key_elsewhere(
    driver: Driver, fault_servers: Callable[..., FaultServer], status: int, follow: bool
) -> None:
    """A redirect raises APIStatusError naming its target; the other host gets nothing."""
    api_server, elsewhere = fault_servers(), fault_servers()
    target = f"http://127.0.0.1:{elsewhere.port}/v1/collect"
    if follow:
        http_client: Any = (
            httpx2.Client(follow_redirects=True)
            if driver.portal is None
            else httpx2.AsyncClient(follow_redirects=True)
        )
        handle = driver.open(base_url=api_server.url, http_client=http_client)
    else:
        handle = driver.open(base_url=api_server.url)
    for route in ROUTES:
        api_server.script(Respond(status, b"", {"location": target}))
        with pytest.raises(APIStatusError) as caught:
            handle.call(route.bound(seed(api_server.emulator)))
        assert type(caught.value) is APIStatusError, route.name
        assert caught.value.status == status
        assert target in str(caught.value)
    assert len(api_server.requests) == len(ROUTES), "a redirect was retried or followed"
    assert all(r.headers.get("x-api-key") == KEY for r in api_server.requests)
    assert elsewhere.connections == 0
    assert not elsewhere.requests


# Plain http is refused off loopback


NOT_LOOPBACK = [
    "http://api.quickshops.app/v1",
    "http://example.com",
    "HTTP://EXAMPLE.COM/v1",
    "http://10.0.0.1:8080/v1",
    "http://192.168.1.10/v1",
    "http://0.0.0.0:8787/v1",
    "http://localhost.example.com/v1",
    "http://127.0.0.1.nip.io/v1",
    "http://[2001:db8::1]/v1",
    "http://user:secret@example.com/v1",
    "http://xn--80ak6aa92e.com/v1",
]
LOOPBACK = [
    "http://127.0.0.1:9/v1",
    "http://localhost:9/v1",
    "http://[::1]:9/v1",
    "http://127.8.9.1",
]


@pytest.mark.parametrize(("client_class", "http_class"), CLIENTS, ids=["sync", "async"])
@pytest.mark.parametrize("url", NOT_LOOPBACK)
def test_plain_http_off_loopback_is_refused(
    client_class: type[Any], http_class: type[Any], url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain http to a host that is not loopback is refused, by argument, env or copy."""
    transport, sent = unsent_transport()
    http_client = http_class(transport=transport)
    with pytest.raises(InvalidRequestError):
        client_class(api_key=KEY, base_url=url, http_client=http_client)
    good = client_class(api_key=KEY, http_client=http_client)
    with pytest.raises(InvalidRequestError):
        good.with_options(base_url=url)
    monkeypatch.setenv("QUICKSHOPS_BASE_URL", url)
    with pytest.raises(InvalidRequestError):
        client_class(api_key=KEY, http_client=http_client)
    assert not sent


@given(
    host=st.from_regex(
        r"[a-z][a-z0-9-]{0,12}(\.[a-z][a-z0-9-]{0,12}){0,2}\.[a-z]{2,6}", fullmatch=True
    )
)
@settings(max_examples=100, deadline=None)
def test_plain_http_to_any_domain_is_refused(host: str) -> None:
    """Plain http to any domain name is refused (only loopback may skip TLS)."""
    with pytest.raises(InvalidRequestError):
        Quickshops(api_key=KEY, base_url=f"http://{host}/v1")


@pytest.mark.parametrize("url", LOOPBACK)
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    """Plain http to loopback (a local emulator) is allowed."""
    with Quickshops(api_key=KEY, base_url=url) as qs:
        assert qs.base_url.startswith("http://")


def test_fuzz_servers_answer_from_the_emulator(
    driver: Driver, fault_servers: Callable[..., FaultServer]
) -> None:
    """The fault server's default answer is the emulator's: the fixtures above are sound."""
    server = fault_servers()
    server.script(Emulate())
    handle = driver.open(base_url=server.url)
    assert handle.call(lambda qs: qs.products.get(DIGITAL_PRODUCT_ID)).id == DIGITAL_PRODUCT_ID
