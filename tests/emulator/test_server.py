"""Tests of the loopback HTTP server adapter."""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from quickshops import NotFoundError, Quickshops
from quickshops.testing import DIGITAL_PRODUCT_ID, SECRET_KEY, Emulator, EmulatorServer

if TYPE_CHECKING:
    from collections.abc import Iterator

HEADERS = {"x-api-key": SECRET_KEY}


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    """Yield a server on a free loopback port, stopped afterwards."""
    with EmulatorServer(Emulator()) as server:
        yield server


@pytest.fixture
def client(server: EmulatorServer) -> Iterator[httpx.Client]:
    """Yield a raw client for the server with the secret key and short timeouts."""
    with httpx.Client(base_url=server.url, headers=HEADERS, timeout=5.0) as client:
        yield client


def raw_exchange(server: EmulatorServer, request: bytes) -> bytes:
    """Send raw bytes to the server and return everything it answers before closing."""
    host, port = server.url.removeprefix("http://").removesuffix("/v1").split(":")
    with socket.create_connection((host, int(port)), timeout=5.0) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_url_is_loopback_with_base_path(server: EmulatorServer) -> None:
    """The URL names 127.0.0.1, the bound port and /v1."""
    host_port = server.url.removeprefix("http://").removesuffix("/v1")
    host, port = host_port.split(":")
    assert (host, int(port) > 0, server.url.endswith("/v1")) == ("127.0.0.1", True, True)


def test_cart_flow_over_http(server: EmulatorServer, client: httpx.Client) -> None:
    """Carts are created and changed over real HTTP, with request ids and totals."""
    cart = client.post("/cart", json={"lines": [{"productId": DIGITAL_PRODUCT_ID, "quantity": 2}]})
    cart_id = cart.json()["data"]["id"]
    got = client.get(f"/cart/{cart_id}")
    assert (
        cart.status_code,
        got.json()["data"]["totals"]["total"],
        got.headers["x-request-id"].startswith("req_"),
        server.emulator.effects["POST /cart"],
    ) == (200, 3998, True, 1)


def test_encoded_id_and_wrong_method(client: httpx.Client) -> None:
    """A%2F stays inside one id, and an unsupported method on a known path is 405."""
    missing = client.get("/cart/a%2Fb")
    wrong = client.put("/cart/a")
    assert (missing.json()["message"], wrong.status_code, wrong.headers["allow"]) == (
        "Cart a/b not found",
        405,
        "DELETE, GET",
    )


def test_concurrent_mutations_are_all_applied(server: EmulatorServer) -> None:
    """Many threads adding lines at once lose no update."""
    with httpx.Client(base_url=server.url, headers=HEADERS, timeout=5.0) as client:
        cart_id = client.post("/cart").json()["data"]["id"]

    def add_lines() -> None:
        with httpx.Client(base_url=server.url, headers=HEADERS, timeout=5.0) as client:
            for _ in range(10):
                client.post(
                    f"/cart/{cart_id}/lines", json={"productId": DIGITAL_PRODUCT_ID, "quantity": 1}
                )

    workers = [threading.Thread(target=add_lines) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10.0)
    with httpx.Client(base_url=server.url, headers=HEADERS, timeout=5.0) as client:
        quantity = client.get(f"/cart/{cart_id}").json()["data"]["lines"][0]["quantity"]
    assert (quantity, server.emulator.effects["POST /cart/{cartId}/lines"]) == (80, 80)


def test_dropped_response_closes_connection(server: EmulatorServer, client: httpx.Client) -> None:
    """A dropped response closes the socket without a reply, after applying the change."""
    server.emulator.faults.drop_next("POST /cart")
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/cart")
    assert (server.emulator.effects["POST /cart"], client.get("/health").status_code) == (1, 200)


def test_delay_is_served_and_can_time_out(server: EmulatorServer, client: httpx.Client) -> None:
    """A short delay is waited out; a long one makes the client time out after the change."""
    server.emulator.faults.delay("GET /health", 0.01, times=1)
    server.emulator.faults.delay("POST /cart", 30.0, times=1)
    ok = client.get("/health")
    with pytest.raises(httpx.ReadTimeout):
        client.post("/cart", timeout=0.05)
    assert (ok.status_code, server.emulator.effects["POST /cart"]) == (200, 1)


def test_invalid_content_length_is_bad_request(server: EmulatorServer) -> None:
    """A request with a non-numeric Content-Length gets a 400 from the server."""
    answer = raw_exchange(
        server,
        b"POST /v1/cart HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n",
    )
    assert answer.split(b"\r\n", 1)[0] == b"HTTP/1.1 400 Bad Request"
    assert b"bad Content-Length" in answer


def test_stop_closes_idle_keep_alive_connections() -> None:
    """Stopping with an idle keep-alive connection open ends it and joins every thread."""
    server = EmulatorServer().start()
    before = threading.active_count()
    host, port = server.url.removeprefix("http://").removesuffix("/v1").split(":")
    with socket.create_connection((host, int(port)), timeout=5.0) as sock:
        sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        while not first.endswith(b"}"):
            first += sock.recv(65536)
        started = time.monotonic()
        server.stop()
        elapsed = time.monotonic() - started
        rest = sock.recv(65536)
    assert (first.startswith(b"HTTP/1.1 200 OK"), rest, elapsed < 5.0) == (True, b"", True)
    assert threading.active_count() < before


def test_stop_cuts_a_pending_delay_short() -> None:
    """Stopping while a delayed response waits drops it instead of waiting."""
    server = EmulatorServer().start()
    server.emulator.faults.delay("GET /health", 30.0, times=1)
    errors: list[Exception] = []

    def call() -> None:
        try:
            httpx.get(f"{server.url}/health", timeout=10.0)
        except httpx.HTTPError as exc:
            errors.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    deadline = time.monotonic() + 5.0
    while not server.emulator.requests and time.monotonic() < deadline:
        time.sleep(0.001)
    server.stop()
    caller.join(timeout=5.0)
    assert (caller.is_alive(), [type(e) for e in errors]) == (False, [httpx.RemoteProtocolError])


def test_serve_forever_until_stopped() -> None:
    """serve_forever serves from the calling thread until stop() is called elsewhere."""
    server = EmulatorServer(port=0)
    runner = threading.Thread(target=server.serve_forever)
    runner.start()
    try:
        status = httpx.get(f"{server.url}/health", timeout=5.0).status_code
    finally:
        server.stop()
        runner.join(timeout=5.0)
    assert (status, runner.is_alive()) == (200, False)


def test_lifecycle_errors_and_idempotent_stop() -> None:
    """A server starts once; stop can be called again, even on a server never started."""
    idle = EmulatorServer()
    idle.stop()
    idle.stop()
    with pytest.raises(RuntimeError, match="already serving or stopped"):
        idle.start()
    with EmulatorServer() as running, pytest.raises(RuntimeError):
        running.start()


def test_a_base_url_without_the_version_gets_a_hint() -> None:
    """A 404 from a base_url missing /v1 says where the routes are; with /v1, no hint."""
    with EmulatorServer() as server:
        origin = server.url.removesuffix("/v1")
        with (
            Quickshops(api_key=SECRET_KEY, base_url=origin, max_retries=0) as wrong,
            pytest.raises(NotFoundError) as caught,
        ):
            wrong.store.get()
        with (
            Quickshops(api_key=SECRET_KEY, base_url=server.url) as right,
            pytest.raises(NotFoundError) as unknown,
        ):
            right.products.get("prod_nope")

    assert f"Check base_url ({origin!r}): the API's routes are under /v1" in caught.value.message
    assert "https://api.quickshops.app/v1" in caught.value.message
    assert "Check base_url" not in unknown.value.message
