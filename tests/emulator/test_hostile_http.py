"""EmulatorServer against hostile HTTP, over raw sockets: each request no client should send.

Every test here reproduces a report against the server built on ``http.server``:
response splitting through a return URL, a paid session left unanswered, bodies
misread, limits missing, connections held for good. Sockets time out after
`TIMEOUT` seconds, and the servers' own timeouts are shortened, so each test is quick.
"""

from __future__ import annotations

import json
import logging
import select
import socket
import struct
import threading
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    SECRET_KEY,
    Emulator,
    EmulatorServer,
    Reply,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

TIMEOUT = 2.0
MAX_INT = 2**31 - 1


@attrs.frozen
class Answer:
    """One HTTP answer as it came over the wire."""

    status: int
    head: bytes
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The value of header `name`, if sent."""
        return next((value for key, value in self.headers if key == name), None)

    def json(self) -> Any:
        """The body decoded from JSON."""
        return json.loads(self.body)


def server_address(server: EmulatorServer) -> tuple[str, int]:
    """The host and port `server` listens on."""
    host, port = server.url.removeprefix("http://").removesuffix("/v1").split(":")
    return host, int(port)


class Raw:
    """A raw connection to a server, for bytes no well-behaved client sends."""

    def __init__(self, server: EmulatorServer) -> None:
        self.sock = socket.create_connection(server_address(server), timeout=TIMEOUT)
        self.buffer = b""

    def __enter__(self) -> Raw:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        """Send `data` as it is."""
        self.sock.sendall(data)

    def _fill_until(self, done: Callable[[], bool]) -> None:
        while not done():
            chunk = self.sock.recv(65536)
            assert chunk, f"the connection closed before a whole answer: {self.buffer!r}"
            self.buffer += chunk

    def answer(self, *, head_only: bool = False) -> Answer:
        """Read one answer; its body framed by Content-Length (none with `head_only`)."""
        self._fill_until(lambda: b"\r\n\r\n" in self.buffer)
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = [
            (name.lower(), value.strip()) for name, value in (line.split(":", 1) for line in lines)
        ]
        length = 0 if head_only else int(dict(headers).get("content-length", "0"))
        self._fill_until(lambda: len(self.buffer) >= length)
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return Answer(int(status_line.split(" ")[1]), head, headers, body)

    def rest(self) -> bytes:
        """Everything the server sends until it closes the connection."""
        rest = self.buffer + b"".join(iter(lambda: self.sock.recv(65536), b""))
        self.buffer = b""
        return rest

    def drip(self, byte: int) -> bool:
        """Send one byte, then wait a little: whether the server has answered meanwhile."""
        self.send(bytes([byte]))
        return self.answers_within(0.02)

    def answers_within(self, seconds: float) -> bool:
        """Whether the server sends anything (or closes) within `seconds`."""
        return bool(self.buffer) or bool(select.select([self.sock], [], [], seconds)[0])


@pytest.fixture
def serve() -> Iterator[Callable[..., EmulatorServer]]:
    """Start servers with the given keyword arguments; stop them all afterwards."""
    servers: list[EmulatorServer] = []

    def start(emulator: Emulator | None = None, **limits: Any) -> EmulatorServer:
        server = EmulatorServer(emulator or Emulator(), **limits).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def server(serve: Callable[..., EmulatorServer]) -> EmulatorServer:
    """A server with the default limits."""
    return serve()


def request(
    method: str,
    target: str,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """A well-formed request carrying the secret key, its body framed by Content-Length."""
    fields = {"host": "emulator", "x-api-key": SECRET_KEY, **(headers or {})}
    if body:
        fields["content-length"] = str(len(body))
    head = "".join(f"{name}: {value}\r\n" for name, value in fields.items())
    return f"{method} {target} HTTP/1.1\r\n{head}\r\n".encode() + body


def post_json(target: str, payload: Any) -> bytes:
    """A POST of `payload` as JSON."""
    return request("POST", target, json.dumps(payload).encode())


def exchange(server: EmulatorServer, data: bytes, *, head_only: bool = False) -> Answer:
    """Send `data` on a new connection and read one answer."""
    with Raw(server) as raw:
        raw.send(data)
        return raw.answer(head_only=head_only)


def new_session(server: EmulatorServer, **urls: str) -> str:
    """A checkout session for one product, created over raw HTTP; return its id."""
    payload = {"productId": DIGITAL_PRODUCT_ID, **urls}
    answer = exchange(server, post_json("/v1/checkout/session", payload))
    assert 200 == answer.status, answer.body
    session_id: str = answer.json()["data"]["sessionId"]
    return session_id


def refusals(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The records the server logged on the quickshops.testing logger."""
    return [record for record in caplog.records if record.name == "quickshops.testing"]


# Response splitting through a return URL


@pytest.mark.parametrize("field", ["successUrl", "cancelUrl"])
@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/ok\r\nSet-Cookie: stolen=1\r\n\r\n<h1>owned</h1>",
        "https://shop.example/ok\nSet-Cookie: stolen=1",
        "https://shop.example/ok\rx",
        "https://shop.example/\x00",
        "https://shop.example/\x7f",
        "https://shop.example/\x85",
        "javascript:alert(1)",
        "https:///no-host",
        "https://ü" + "a" * 70 + ".example/",  # a label too long for IDNA
    ],
)
def test_a_return_url_with_a_control_character_is_refused_at_creation(
    server: EmulatorServer, field: str, url: str
) -> None:
    """A successUrl or cancelUrl with CR, LF or any control character, or no host, is 400."""
    answer = exchange(
        server, post_json("/v1/checkout/session", {"productId": "prod_ebook", field: url})
    )

    assert (400, "VALIDATION_ERROR") == (answer.status, answer.json()["code"])
    assert answer.json()["message"].startswith(f"{field} must be an absolute https URL")
    assert {} == server.emulator.checkout_sessions


def test_a_return_url_with_cr_lf_set_by_hand_cannot_split_the_answer(
    server: EmulatorServer,
) -> None:
    """A CR/LF URL put in return_urls directly: Pay and Cancel answer 500, nothing is paid."""
    session_id = new_session(server)
    injected = "https://shop.example/ok\r\nSet-Cookie: stolen=1\r\n\r\n<h1>owned</h1>"
    server.emulator.return_urls[session_id] = (injected, injected)

    with Raw(server) as raw:
        raw.send(request("POST", f"/pages/checkout/{session_id}/pay"))
        paid = raw.answer()
        raw.send(request("POST", f"/pages/checkout/{session_id}/cancel"))
        cancelled = raw.answer()

    assert (500, 500) == (paid.status, cancelled.status)
    assert b"stolen" not in paid.head + cancelled.head
    assert "open" == server.emulator.checkout_sessions[session_id]["status"]
    assert [] == server.emulator.orders


@pytest.mark.parametrize(
    "value", ["ok\r\nSet-Cookie: stolen=1", "ok\nSet-Cookie: stolen=1", "ok\x00", "ありがとう"]
)
def test_no_header_the_server_writes_can_hold_cr_or_lf(server: EmulatorServer, value: str) -> None:
    """A reply header that cannot be sent becomes a 500; the connection still serves."""
    server.emulator.faults.fail_next("GET /health", status=503, headers={"x-note": value})

    with Raw(server) as raw:
        raw.send(request("GET", "/v1/health"))
        refused = raw.answer()
        raw.send(request("GET", "/v1/health"))
        then = raw.answer()

    assert (500, "INTERNAL_ERROR") == (refused.status, refused.json()["code"])
    assert b"stolen" not in refused.head
    assert None is refused.header("x-note")
    assert 200 == then.status


# A non-Latin-1 return URL: the Pay is answered


@pytest.mark.parametrize(
    ("url", "location"),
    [
        (
            "https://shop.example/ありがとう?s={CHECKOUT_SESSION_ID}",
            "https://shop.example/%E3%81%82%E3%82%8A%E3%81%8C%E3%81%A8%E3%81%86?s={id}",
        ),
        ("https://shop.example/ok?price=€5", "https://shop.example/ok?price=%E2%82%AC5"),
        ("https://bücher.example/ok", "https://xn--bcher-kva.example/ok"),
    ],
)
def test_a_non_ascii_success_url_is_encoded_and_the_pay_answered(
    server: EmulatorServer, url: str, location: str
) -> None:
    """Pay answers 303 to the URL in ASCII (IDNA host, UTF-8 escapes); paying again is 409."""
    delivered: list[bytes] = []
    server.emulator.add_webhook(lambda body, headers: delivered.append(body), "whsec_hostile")
    session_id = new_session(server, successUrl=url)

    with Raw(server) as raw:
        raw.send(request("POST", f"/pages/checkout/{session_id}/pay"))
        paid = raw.answer()
        raw.send(request("POST", f"/pages/checkout/{session_id}/pay"))
        again = raw.answer()

    assert (303, location.replace("{id}", session_id)) == (paid.status, paid.header("location"))
    assert 409 == again.status
    assert (1, 1) == (len(delivered), len(server.emulator.orders))


def test_a_non_ascii_cancel_url_is_encoded(server: EmulatorServer) -> None:
    """Cancel answers 303 to the cancel URL, percent-encoded as UTF-8."""
    session_id = new_session(server, cancelUrl="https://shop.example/panier/épuisé")

    cancelled = exchange(server, request("POST", f"/pages/checkout/{session_id}/cancel"))

    assert (303, "https://shop.example/panier/%C3%A9puis%C3%A9") == (
        cancelled.status,
        cancelled.header("location"),
    )


# Framing: chunked bodies, Content-Length


def test_a_chunked_body_is_read_and_the_next_request_follows(server: EmulatorServer) -> None:
    """A chunked POST /cart creates its lines; a request pipelined after it is answered."""
    body = json.dumps({"lines": [{"productId": DIGITAL_PRODUCT_ID, "quantity": 2}]}).encode()
    half = len(body) // 2
    chunked = (
        f"{half:x}\r\n".encode()
        + body[:half]
        + f"\r\n{len(body) - half:x}\r\n".encode()
        + body[half:]
        + b"\r\n0\r\n\r\n"
    )
    head = request("POST", "/v1/cart", headers={"transfer-encoding": "chunked"})

    with Raw(server) as raw:
        raw.send(head + chunked + request("GET", "/v1/health"))
        created = raw.answer()
        health = raw.answer()

    assert 200 == created.status, created.body
    assert [(DIGITAL_PRODUCT_ID, 2)] == [
        (line["productId"], line["quantity"]) for line in created.json()["data"]["lines"]
    ]
    assert (200, True) == (health.status, health.json()["ok"])


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: 2\r\nContent-Length: 2\r\n",
        b"Content-Length: 2\r\ncontent-length: 2\r\n",
        b"Content-Length: 2, 2\r\n",
        b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n",
        b"Content-Length: -1\r\n",
        b"Content-Length: 1e3\r\n",
    ],
)
def test_ambiguous_or_negative_content_length_is_400(
    server: EmulatorServer, caplog: pytest.LogCaptureFixture, framing: bytes
) -> None:
    """Two Content-Lengths, a list, one with chunked, or a negative one: 400, then closed."""
    with Raw(server) as raw:
        raw.send(b"POST /v1/cart HTTP/1.1\r\nHost: x\r\n" + framing + b"\r\n{}")
        answer = raw.answer()
        rest = raw.rest()

    assert (400, "close", b"") == (answer.status, answer.header("connection"), rest)
    assert [] == list(server.emulator.requests)
    (record,) = refusals(caplog)
    assert (logging.WARNING, None) == (record.levelno, record.exc_info)
    assert "refused with 400" in record.getMessage()


def test_a_huge_content_length_is_413_before_the_body_is_read(server: EmulatorServer) -> None:
    """Content-Length past the body limit is 413 at once, with no body sent."""
    answer = exchange(
        server, b"POST /v1/cart HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999\r\n\r\n"
    )

    assert (413, "PAYLOAD_TOO_LARGE") == (answer.status, answer.json()["code"])
    assert "max_body_bytes" in answer.json()["message"]


def test_bodies_over_the_limit_are_413_chunked_too(serve: Callable[..., EmulatorServer]) -> None:
    """Over max_body_bytes is 413: by Content-Length, or once the chunks pass it."""
    server = serve(max_body_bytes=1000)
    chunks = b"".join(b"258\r\n" + b"x" * 600 + b"\r\n" for _ in range(3)) + b"0\r\n\r\n"

    with Raw(server) as declared:
        declared.send(request("POST", "/v1/cart", headers={"content-length": "2000"}))
        too_long = declared.answer()
        declared.send(b"x" * 2000)  # read after the answer, only to be discarded
        declared_rest = declared.rest()
    with Raw(server) as chunked:
        chunked.send(request("POST", "/v1/cart", headers={"transfer-encoding": "chunked"}))
        chunked.send(chunks)
        too_many = chunked.answer()
    within = exchange(server, post_json("/v1/cart", {"lines": []}))

    assert (413, 413, b"") == (too_long.status, too_many.status, declared_rest)
    assert 200 == within.status
    assert 1 == len(server.emulator.requests)


def test_expect_100_continue_is_honoured(server: EmulatorServer) -> None:
    """A client waiting for 100 Continue gets it, then the answer to its body."""
    body = json.dumps({"lines": []}).encode()
    with Raw(server) as raw:
        raw.send(
            request(
                "POST",
                "/v1/cart",
                headers={"expect": "100-continue", "content-length": str(len(body))},
            )
        )
        interim = raw.answer(head_only=True)
        raw.send(body)
        created = raw.answer()

    assert (100, 200) == (interim.status, created.status)


# JSON past the depth limit, numbers past the SDK's bounds


@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("/v1/cart", b"[" * 100_000),
        ("/v1/cart", b'{"lines": ' + b"[" * 65 + b"]" * 65 + b"}"),
        (
            "/v1/checkout/session",
            b'{"productId": "prod_ebook", "x": ' + b'{"a":' * 70 + b"1" + b"}" * 71,
        ),
    ],
)
def test_json_nested_past_the_depth_limit_is_400(
    server: EmulatorServer, target: str, body: bytes
) -> None:
    """A body nested deeper than 64 levels is 400 VALIDATION_ERROR, not a dropped connection."""
    answer = exchange(server, request("POST", target, body))

    assert (400, "VALIDATION_ERROR") == (answer.status, answer.json()["code"])
    assert "nests deeper than 64 levels" in answer.json()["message"]


def test_a_quantity_past_max_int_is_refused_and_the_cart_stays_readable(
    server: EmulatorServer,
) -> None:
    """4,299 digits, or 2**31: 400; the cart is unchanged and still read."""
    created = exchange(server, post_json("/v1/cart", {}))
    cart_id = created.json()["data"]["id"]
    lines = f"/v1/cart/{cart_id}/lines"
    digits = b'{"productId": "prod_ebook", "quantity": ' + b"9" * 4299 + b"}"

    huge = exchange(server, request("POST", lines, digits))
    over = exchange(server, post_json(lines, {"productId": "prod_ebook", "quantity": MAX_INT + 1}))
    most = exchange(server, post_json(lines, {"productId": "prod_ebook", "quantity": MAX_INT}))
    more = exchange(server, post_json(lines, {"productId": "prod_ebook", "quantity": 1}))
    seeded = exchange(
        server,
        post_json("/v1/cart", {"lines": [{"productId": "prod_ebook", "quantity": MAX_INT}] * 2}),
    )
    read = exchange(server, request("GET", f"/v1/cart/{cart_id}"))
    checkout = exchange(
        server,
        post_json("/v1/checkout/session", {"productId": "prod_ebook", "quantity": MAX_INT + 1}),
    )

    assert [400, 400, 200, 400, 400, 400] == [
        answer.status for answer in (huge, over, most, more, seeded, checkout)
    ]
    assert f"quantity must be an integer from 1 to {MAX_INT}" == over.json()["message"]
    assert f"larger than {MAX_INT}" in more.json()["message"]
    assert [MAX_INT] == [line["quantity"] for line in read.json()["data"]["lines"]]


@pytest.mark.parametrize("limit", [str(MAX_INT + 1), "9" * 5000, "0"])
def test_a_limit_past_max_int_is_400(server: EmulatorServer, limit: str) -> None:
    """A limit query above 2**31-1, however long, is 400 VALIDATION_ERROR."""
    answer = exchange(server, request("GET", f"/v1/orders?limit={limit}"))

    assert (400, f"limit must be an integer from 1 to {MAX_INT}") == (
        answer.status,
        answer.json()["message"],
    )


# Timeouts and the connection bound


def test_an_idle_connection_is_closed(serve: Callable[..., EmulatorServer]) -> None:
    """A connection that sends nothing, or nothing after an answer, is closed quietly."""
    server = serve(idle_timeout=0.05)
    with Raw(server) as silent:
        assert b"" == silent.rest()
    with Raw(server) as kept_alive:
        kept_alive.send(request("GET", "/v1/health"))
        assert 200 == kept_alive.answer().status
        assert b"" == kept_alive.rest()


def test_a_request_dripping_in_is_cut_off_with_408(
    serve: Callable[..., EmulatorServer], caplog: pytest.LogCaptureFixture
) -> None:
    """A request sent a byte at a time is bounded as a whole, not per read: 408, closed."""
    server = serve(request_timeout=0.2)
    drip = request("GET", "/v1/health", headers={"x-padding": "p" * 200})
    with Raw(server) as raw:
        answered = any(raw.drip(byte) for byte in drip[:-2])  # never whole: no final CRLF
        answer = raw.answer()
        rest = raw.rest()

    assert (True, 408, "close", b"") == (answered, answer.status, answer.header("connection"), rest)
    assert "refused with 408" in refusals(caplog)[0].getMessage()


def test_a_body_that_stops_arriving_gets_408(serve: Callable[..., EmulatorServer]) -> None:
    """A body cut short by a client that stays connected gets 408 once its time is up."""
    server = serve(request_timeout=0.05)
    head = b"POST /v1/cart HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"

    answer = exchange(server, head + b"{}   ")

    assert (408, "REQUEST_TIMEOUT") == (answer.status, answer.json()["code"])


def test_a_request_with_no_time_left_is_408_without_another_read(
    serve: Callable[..., EmulatorServer],
) -> None:
    """A request not whole when its time is up gets 408, even with bytes still to come."""
    server = serve(request_timeout=1e-6)

    answer = exchange(server, b"GET /v1/health HTTP/1.1\r\n")

    assert 408 == answer.status


def test_connections_beyond_the_bound_wait_in_the_backlog(
    serve: Callable[..., EmulatorServer],
) -> None:
    """With max_connections busy, a new connection is answered only once one ends."""
    server = serve(max_connections=1)
    with Raw(server) as first, Raw(server) as second:
        first.send(request("GET", "/v1/health"))
        assert 200 == first.answer().status  # kept alive: it holds the only thread
        second.send(request("GET", "/v1/health"))
        waited = not second.answers_within(0.1)
        first.sock.close()
        assert 200 == second.answer().status

    assert (True, 1) == (waited, server.max_connections)


# Malformed requests


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /v1/health HTTP/1.1\r\n\r\n", 400),  # no Host
        (b"GET /v1/health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n", 400),
        (b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Bad: a\x00b\r\n\r\n", 400),
        (b"GET /v1/health HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"p" * 70_000 + b"\r\n\r\n", 431),
        (
            b"GET /v1/health HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: pppppppppp\r\n" * 5_000 + b"\r\n",
            431,
        ),
        (b"POST /v1/cart HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
    ],
)
def test_a_malformed_request_gets_an_answer_and_one_log_line(
    server: EmulatorServer, caplog: pytest.LogCaptureFixture, data: bytes, status: int
) -> None:
    """A bad request line, a missing Host, a bad header or a huge head: an answer, one line."""
    with Raw(server) as raw:
        raw.send(data)
        answer = raw.answer()
        rest = raw.rest()

    assert (status, "close", b"") == (answer.status, answer.header("connection"), rest)
    (record,) = refusals(caplog)
    assert (logging.WARNING, None, 1) == (
        record.levelno,
        record.exc_info,
        len(record.getMessage().splitlines()),
    )


def test_a_head_over_its_limit_is_431_even_when_it_arrives_whole(
    serve: Callable[..., EmulatorServer],
) -> None:
    """A head larger than max_head_bytes is 431, however it was cut into reads."""
    server = serve(max_head_bytes=1000)

    answer = exchange(server, request("GET", "/v1/health", headers={"x-pad": "p" * 1000}))
    within = exchange(server, request("GET", "/v1/health", headers={"x-pad": "p" * 500}))

    assert (431, 200) == (answer.status, within.status)
    assert "max_head_bytes" in answer.json()["message"]


def test_a_head_growing_past_its_limit_is_431_before_it_ends(
    serve: Callable[..., EmulatorServer],
) -> None:
    """A head still arriving when it passes max_head_bytes is 431 without waiting for its end."""
    server = serve(max_head_bytes=1000)

    answer = exchange(server, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"p" * 1500)

    assert (431, "REQUEST_HEADER_FIELDS_TOO_LARGE") == (answer.status, answer.json()["code"])
    assert "max_head_bytes" in answer.json()["message"]


# What a well-formed request gets: every corner of the answer


def test_headers_sent_twice_reach_the_emulator_joined(server: EmulatorServer) -> None:
    """A request header sent twice is one value, joined by a comma and a space."""
    raw = request("GET", "/v1/health", headers={"x-trace": "a"}).replace(
        b"\r\n\r\n", b"\r\nX-Trace: b\r\n\r\n"
    )

    assert 200 == exchange(server, raw).status
    assert "a, b" == server.emulator.requests[-1].headers["x-trace"]


def test_head_and_bodiless_statuses_carry_no_body(server: EmulatorServer) -> None:
    """HEAD gets the head alone; a 204 neither body nor Content-Length; the connection serves on."""
    server.emulator.faults.fail_next("GET /health", status=204)
    server.emulator.faults.fail_next("GET /products", status=299, headers={"Content-Length": "7"})

    with Raw(server) as raw:
        raw.send(request("HEAD", "/v1/health"))
        head = raw.answer(head_only=True)
        raw.send(request("GET", "/v1/health"))
        empty = raw.answer(head_only=True)
        raw.send(request("GET", "/v1/products"))
        odd = raw.answer()
        raw.send(request("GET", "/v1/health"))
        health = raw.answer()

    assert (405, int(head.header("content-length") or 0) > 0) == (head.status, True)
    assert (204, None) == (empty.status, empty.header("content-length"))
    assert (299, b"HTTP/1.1 299 \r") == (odd.status, odd.head.split(b"\n")[0])
    assert str(len(odd.body)) == odd.header("content-length")
    assert 200 == health.status


@pytest.mark.parametrize(
    "data",
    [
        b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /v1/health HTTP/1.0\r\n\r\n",
    ],
)
def test_connection_close_and_http_1_0_are_honoured(server: EmulatorServer, data: bytes) -> None:
    """After a Connection: close or an HTTP/1.0 request, the answer ends the connection."""
    with Raw(server) as raw:
        raw.send(data)
        answer = raw.answer()
        rest = raw.rest()

    assert (200, b"") == (answer.status, rest)


def test_an_emulator_error_is_a_500_with_its_traceback_logged(
    serve: Callable[..., EmulatorServer], caplog: pytest.LogCaptureFixture
) -> None:
    """An emulator that raises gets a 500 and its traceback logged; the connection serves on."""

    class Broken(Emulator):
        def handle(self, *args: Any, **kwargs: Any) -> Reply:
            raise RuntimeError("broken on purpose")

    server = serve(Broken())
    with Raw(server) as raw:
        raw.send(request("GET", "/v1/health"))
        first = raw.answer()
        raw.send(request("GET", "/pages/nowhere"))
        page = raw.answer()

    (record,) = refusals(caplog)
    assert (500, 404) == (first.status, page.status)
    assert record.exc_info is not None
    assert "broken on purpose" == str(record.exc_info[1])


def test_a_client_that_resets_its_connection_is_not_reported(
    server: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A kept-alive connection reset by its client ends quietly: no log line, no error."""
    with Raw(server) as raw:
        raw.send(request("GET", "/v1/health"))
        answer = raw.answer()
        raw.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    server.stop()  # joins the connection's thread: an exception there would fail the test

    assert (200, []) == (answer.status, refusals(caplog))


def test_stop_in_the_middle_of_a_request_answers_and_logs_nothing(
    server: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Stopping while a body is awaited closes the connection without a refusal."""
    with Raw(server) as raw:
        raw.send(
            request("POST", "/v1/cart", headers={"expect": "100-continue", "content-length": "10"})
        )
        assert 100 == raw.answer(head_only=True).status
        server.stop()
        rest = raw.rest()

    assert (b"", []) == (rest, refusals(caplog))


def test_stop_from_a_request_thread_does_not_wait_for_itself(
    serve: Callable[..., EmulatorServer],
) -> None:
    """A webhook endpoint in the same process may stop the server it is called from."""
    emulator = Emulator()
    server = serve(emulator)
    emulator.add_webhook(lambda body, headers: server.stop(), "whsec_hostile")
    session_id = new_session(server)

    with Raw(server) as raw:
        raw.send(request("POST", f"/pages/checkout/{session_id}/pay"))
        rest = raw.rest()

    assert (b"", "complete") == (rest, emulator.checkout_sessions[session_id]["status"])


def test_limits_must_be_positive() -> None:
    """A limit or timeout of 0 or less is refused, naming them all."""
    with pytest.raises(ValueError, match="must all be positive"):
        EmulatorServer(idle_timeout=0)


def test_a_connection_no_thread_can_serve_is_closed_and_serving_goes_on(
    server: EmulatorServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """When no thread can be started, that connection is closed and logged; others follow."""

    def fail(thread: threading.Thread) -> None:  # only the server starts threads meanwhile
        raise RuntimeError("can't start new thread")

    with monkeypatch.context() as patch:
        patch.setattr(threading.Thread, "start", fail)
        with Raw(server) as raw:  # nothing sent: closing it unread cannot reset it
            unserved = raw.rest()
    with Raw(server) as raw:
        raw.send(request("GET", "/v1/health"))
        served = raw.answer()

    assert (b"", 200) == (unserved, served.status)
    assert ["closed unserved, no thread could serve it"] == [
        record.getMessage().partition(": ")[2].partition(" (")[0]
        for record in caplog.records
        if "unserved" in record.getMessage()
    ]


def test_a_connection_reset_before_it_is_served_ends_quietly(
    server: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Connections reset at once, before their thread sets them up, leave no error behind."""
    for _ in range(20):
        with socket.create_connection(server_address(server), timeout=TIMEOUT) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with Raw(server) as raw:
        raw.send(request("GET", "/v1/health"))
        served = raw.answer()
    server.stop()  # joins every connection's thread: an exception there would fail the test

    assert (200, []) == (served.status, refusals(caplog))


def test_two_threads_stopping_at_once_stop_it_once() -> None:
    """stop() from two threads at once: one stops the server, the other returns."""
    server = EmulatorServer().start()
    stoppers = [threading.Thread(target=server.stop) for _ in range(4)]
    for stopper in stoppers:
        stopper.start()
    for stopper in stoppers:
        stopper.join(TIMEOUT)

    assert not any(stopper.is_alive() for stopper in stoppers)
    with pytest.raises(ConnectionRefusedError):  # the listener is closed
        socket.create_connection(server_address(server), timeout=TIMEOUT).close()
