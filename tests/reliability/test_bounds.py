"""Bounds: a total deadline per call, a cap on the body, and nothing sent astray.

Nothing from the environment goes where it should not: no proxy gets a loopback call,
no cookie goes back to the server.

Every server here is on loopback; every test runs on the sync client and on the async
client under asyncio (and trio where the I/O backend itself is at stake).
"""

from __future__ import annotations

import os
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from quickshops import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    InternalServerError,
    InvalidRequestError,
    Quickshops,
)
from quickshops.testing import EmulatorServer
from tests.reliability.conftest import KEY, Driver, Sleeps, count, count_max, new_emulator
from tests.reliability.faultserver import Drip, Emulate, FaultServer, Flood, Respond

MiB = 1024 * 1024


def health(qs: Any) -> Any:
    """The call every test makes."""
    return qs.health.check()


# total_timeout


@pytest.mark.parametrize("part", ["head", "body"])
def test_a_dripped_answer_ends_at_the_total_bound(
    driver: Driver, fault_servers: Callable[..., FaultServer], part: str
) -> None:
    """Headers or a body sent a byte every 50 ms end the call at total_timeout, not later."""
    server = fault_servers()
    server.script(Drip("head" if part == "head" else "body", every=0.05))
    handle = driver.open(base_url=server.url, timeout=5.0, total_timeout=0.5, max_retries=2)

    start = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"total_timeout=0\.5 s") as caught:
        handle.call(health)
    elapsed = time.monotonic() - start

    assert 0.5 <= elapsed < 1.5, elapsed
    assert caught.value.retryable is False
    assert 1 == len(server.requests), "the total bound is not retried"
    handle.assert_pool_idle()
    count_max(f"total_timeout_drip_{part}_max_ms", round(elapsed * 1000))


def test_the_total_bound_covers_backoff(
    driver: Driver, fault_servers: Callable[..., FaultServer]
) -> None:
    """Retries stop when the next backoff would pass the deadline; the error says why."""
    server = fault_servers()
    server.script(*[Respond(503)] * 10)
    handle = driver.open(base_url=server.url, total_timeout=1.2, max_retries=10)

    start = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"total_timeout=1\.2 s") as caught:
        handle.call(health)
    elapsed = time.monotonic() - start

    assert isinstance(caught.value.__cause__, InternalServerError)
    assert 2 == len(server.requests), "one backoff (about 0.5 s) fits, the next (1 s) does not"
    assert elapsed < 1.2, elapsed
    handle.assert_pool_idle()
    server.clear()


def test_without_a_total_bound_a_slow_answer_is_read(
    driver: Driver, fault_servers: Callable[..., FaultServer]
) -> None:
    """total_timeout=None lifts the bound: a dripped body arrives, however slowly."""
    server = fault_servers()
    server.script(Drip("body", every=0.005))
    handle = driver.open(base_url=server.url, timeout=5.0, total_timeout=None)

    assert "dripping" == handle.call(health).service


def test_an_injected_client_is_bounded_between_reads(
    driver: Driver, fault_servers: Callable[..., FaultServer]
) -> None:
    """With a caller's own client the SDK cannot bound each read, but stops between them."""
    import httpx2

    server = fault_servers()
    server.script(Drip("body", every=0.05))
    own = httpx2.Client() if driver.kind == "sync" else httpx2.AsyncClient()
    handle = driver.open(base_url=server.url, http_client=own, total_timeout=0.5)

    start = time.monotonic()
    with pytest.raises(APITimeoutError, match="total_timeout"):
        handle.call(health)

    assert time.monotonic() - start < 1.5


# max_response_bytes


@pytest.mark.parametrize(
    ("flood", "cap", "error"),
    [
        (Flood(200, size=64 * MiB), 1 * MiB, APIResponseValidationError),
        (Flood(200), 1 * MiB, APIResponseValidationError),
        (Flood(503, size=64 * MiB), None, InternalServerError),
        (Flood(200, bomb=True), None, APIResponseValidationError),
        (Flood(503, bomb=True), None, InternalServerError),
    ],
    ids=["200-64MiB", "200-endless", "503-64MiB", "200-gzip-bomb", "503-gzip-bomb"],
)
def test_a_body_over_the_cap_is_not_held(
    driver: Driver,
    fault_servers: Callable[..., FaultServer],
    sleeps: Sleeps,
    flood: Flood,
    cap: int | None,
    error: type[Exception],
) -> None:
    """Far over the cap, memory grows by a few MiB at most, and the error keeps no copy."""
    server = fault_servers()
    server.script(flood, flood, flood)
    options: dict[str, Any] = {} if cap is None else {"max_response_bytes": cap}
    handle = driver.open(base_url=server.url, max_retries=2, **options)
    if flood.bomb:
        from tests.reliability.faultserver import gzip_bomb

        gzip_bomb()  # made before measuring
    tracemalloc.start()
    try:
        with pytest.raises(error) as caught:
            handle.call(health)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    limit = (cap or 32 * MiB) + 4 * MiB
    assert peak < limit, f"peak {peak / MiB:.1f} MiB"
    if isinstance(caught.value, InternalServerError):
        assert len(caught.value.response.content) <= 64 * 1024
        assert len(str(caught.value.body)) <= 64 * 1024
        assert 3 == len(server.requests), "an error status is retried as usual"
    else:
        assert "max_response_bytes" in str(caught.value)
    handle.assert_pool_idle()
    server.clear()
    count("bodies_capped")


# Retry-After: 0


def test_retry_after_zero_gets_the_normal_backoff(
    driver: Driver, fault_servers: Callable[..., FaultServer], sleeps: Sleeps
) -> None:
    """A 503 saying Retry-After: 0 is retried after the usual backoff, not at once."""
    server = fault_servers()
    server.script(*[Respond(503, headers={"retry-after": "0"})] * 2)
    handle = driver.open(base_url=server.url, max_retries=2)

    assert handle.call(health).ok

    delays = sleeps.take()
    assert 2 == len(delays)
    assert 0.5 <= delays[0] <= 0.75, delays
    assert 1.0 <= delays[1] <= 1.25, delays


# Proxies and cookies


@pytest.fixture
def proxy() -> Iterator[dict[str, Any]]:
    """A listening socket that counts every connection made to it, as a proxy would see."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    port = listener.getsockname()[1]
    seen: dict[str, Any] = {"connections": 0, "url": f"http://user:hunter2@127.0.0.1:{port}"}
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            seen["connections"] += 1
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield seen
    stop.set()
    thread.join()
    listener.close()


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "ALL_PROXY", "http_proxy"])
def test_a_proxy_from_the_environment_never_gets_loopback_calls(
    driver: Driver, proxy: dict[str, Any], monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    """With a proxy in the environment, calls to the loopback emulator go direct."""
    monkeypatch.setenv(variable, proxy["url"])
    with EmulatorServer(new_emulator()) as server:
        handle = driver.open(base_url=server.url)
        assert handle.call(health).ok
        assert handle.call(lambda qs: qs.products.list())

    assert 0 == proxy["connections"], "the proxy received a loopback call, key and all"


def test_a_proxy_from_the_environment_still_carries_the_api(
    proxy: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """For the real API's host, the environment's proxy is used as before."""
    monkeypatch.setenv("HTTPS_PROXY", proxy["url"])
    qs = Quickshops(api_key=KEY, max_retries=0, timeout=2.0)
    with qs, pytest.raises(APIConnectionError):
        qs.health.check()

    assert 1 == proxy["connections"]


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("ALL_PROXY", "socks5://user:pw@proxy.example:1080", "pip install 'httpx2[socks]'"),
        ("HTTPS_PROXY", "http://[::1", "HTTPS_PROXY="),
        ("HTTP_PROXY", "ftp://user:secret@proxy.example", "HTTP_PROXY="),
    ],
)
def test_a_proxy_that_cannot_be_used_is_a_clear_error(
    driver: Driver, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fragment: str
) -> None:
    """A proxy the client cannot use is an InvalidRequestError naming the variable."""
    monkeypatch.setenv(variable, value)

    with pytest.raises(InvalidRequestError) as caught:
        driver.open(base_url="https://api.quickshops.app/v1")

    assert fragment in str(caught.value)
    assert variable in str(caught.value)
    assert "secret" not in str(caught.value)
    assert ":pw@" not in str(caught.value)


def test_cookies_are_never_sent_back(
    driver: Driver, fault_servers: Callable[..., FaultServer]
) -> None:
    """A server setting a cookie on every answer never sees one sent back."""
    server = fault_servers()
    cookie = {"set-cookie": "session=abc123; Path=/", "content-type": "application/json"}
    body = b'{"ok": true, "service": "s", "version": "1"}'
    server.script(*[Respond(200, body, cookie)] * 20, Emulate())
    handle = driver.open(base_url=server.url)

    for _ in range(21):
        handle.call(health)

    assert [] == [r.headers["cookie"] for r in server.requests if "cookie" in r.headers]
    assert 0 == len(handle.qs._shared.client.cookies.jar)


# The emulator's own server


def test_the_emulator_server_holds_200_concurrent_connections() -> None:
    """200 connections at once are all accepted at once: none waits for a dropped SYN."""
    with EmulatorServer() as server:
        host, port = server.url.removeprefix("http://").removesuffix("/v1").split(":")
        barrier = threading.Barrier(200)
        connects: list[float] = []
        answers: list[bytes] = []
        lock = threading.Lock()

        def one() -> None:
            barrier.wait()
            start = time.monotonic()
            with socket.create_connection((host, int(port)), timeout=10) as sock:
                elapsed = time.monotonic() - start
                sock.sendall(b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
            with lock:
                connects.append(elapsed)
                answers.append(answer)

        threads = [threading.Thread(target=one) for _ in range(200)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert 200 == sum(answer.startswith(b"HTTP/1.1 200") for answer in answers)
    assert max(connects) < 0.9, f"a connection waited {max(connects):.2f} s to be accepted"
    count("emulator_concurrent_connections", len(answers))


def test_environment_is_clean() -> None:
    """No test of this module leaks a proxy variable into the next."""
    assert not any(os.environ.get(name) for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"))
