"""The SDK's own pools' network backend: every operation bounded by the call, turns kept."""

from __future__ import annotations

import socket
import ssl
import time
import weakref
from typing import TYPE_CHECKING, Any, cast

import httpcore2
import httpx2
import pytest

from quickshops import APITimeoutError, AsyncQuickshops
from quickshops._async._backend import (
    AsyncCallBackend,
    AsyncCallStream,
    AsyncCallTransport,
    own_client,
)
from quickshops._constants import DEFAULT_TIMEOUT
from quickshops._deadline import CURRENT, Clock, Deadline
from quickshops._ratelimit import RateLimits
from quickshops._request import Call
from tests.conftest import SECRET_KEY
from tests.drip import dripping

if TYPE_CHECKING:
    from collections.abc import Callable


class FakeStream(httpcore2.AsyncNetworkStream):
    """Records the timeouts it is given."""

    def __init__(self) -> None:
        self.timeouts: list[tuple[str, float | None]] = []
        self.closed = False

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self.timeouts.append(("read", timeout))
        return b"data"

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.timeouts.append(("write", timeout))

    async def aclose(self) -> None:
        self.closed = True

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.AsyncNetworkStream:
        self.timeouts.append(("tls", timeout))
        return self

    def get_extra_info(self, info: str) -> Any:
        return f"info {info}"


class FakeBackend(httpcore2.AsyncNetworkBackend):
    """Opens fake streams, recording the timeouts it is given."""

    def __init__(self) -> None:
        self.stream = FakeStream()
        self.slept: list[float] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore2.AsyncNetworkStream:
        self.stream.timeouts.append(("connect", timeout))
        return self.stream

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore2.AsyncNetworkStream:
        self.stream.timeouts.append(("unix", timeout))
        return self.stream

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def current(
    deadline: Deadline | None,
    limits: RateLimits | None = None,
    route: str = "GET /health",
    sent_at: float = 0.0,
    sleep: Callable[[float], Any] | None = None,
) -> Call[Any]:
    """A call as the sender makes it current: its deadline and rate-limit turn."""
    method, _, path = route.partition(" ")
    call: Call[Any] = Call(method, path, route)
    call.deadline, call.limits, call.sent_at, call.sleep = deadline, limits, sent_at, sleep
    return call


async def test_every_operation_is_bounded_by_the_deadline() -> None:
    """Connect, TLS, read and write get at most the time left; outside a call, theirs."""
    fake = FakeBackend()
    backend = AsyncCallBackend(fake)
    context = ssl.create_default_context()
    token = CURRENT.set(current(Deadline(Clock(), 100.0)))  # far enough for a loaded machine
    try:
        stream = await backend.connect_tcp("api.example", 443, timeout=500.0)
        tls = await stream.start_tls(context, "api.example", timeout=500.0)
        await tls.write(b"GET", timeout=None)
        await tls.read(10, timeout=0.5)
        await backend.connect_unix_socket("/run/quickshops.sock", timeout=900.0)
    finally:
        CURRENT.reset(token)
    await stream.read(10, timeout=30.0)
    await backend.sleep(0.25)
    await stream.aclose()

    bounded = fake.stream.timeouts
    assert [name for name, _ in bounded] == ["connect", "tls", "write", "read", "unix", "read"]
    assert all(90.0 < timeout <= 100.0 for _, timeout in bounded[:3] + bounded[4:5])  # type: ignore[operator]
    assert (0.5, 30.0) == (bounded[3][1], bounded[5][1])
    assert isinstance(tls, AsyncCallStream)
    assert ("info socket", True, [0.25]) == (
        stream.get_extra_info("socket"),
        fake.stream.closed,
        fake.slept,
    )


async def test_past_the_deadline_an_operation_fails_as_a_timeout() -> None:
    """Started after the deadline, an operation raises the library's own timeout."""
    stream = AsyncCallStream(FakeStream(), weakref.WeakSet())
    token = CURRENT.set(current(Deadline(Clock(), -1.0)))
    try:
        with pytest.raises(httpcore2.ReadTimeout, match="total_timeout"):
            await stream.read(10, timeout=5.0)
        with pytest.raises(httpcore2.WriteTimeout, match="total_timeout"):
            await stream.write(b"x", timeout=5.0)
        with pytest.raises(httpcore2.ConnectTimeout):
            await AsyncCallBackend(FakeBackend()).connect_tcp("x", 1)
    finally:
        CURRENT.reset(token)


async def test_a_request_refused_while_queued_takes_a_new_turn_before_writing() -> None:
    """A request whose route was refused after its turn waits out the pause first."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    stream = AsyncCallStream(FakeStream(), weakref.WeakSet())
    limits = RateLimits()
    route = "GET /products"
    taken = limits.now()
    limits.refused(route, 2.0, taken + 0.001)
    call = current(None, limits, route, taken - 1.0, sleep)
    token = CURRENT.set(call)
    try:
        await stream.write(b"GET /v1/products")
        await stream.write(b"more of the same request")
    finally:
        CURRENT.reset(token)

    assert 2 == len(slept)
    assert 1.9 < slept[0] <= 2.0
    assert call.sent_at > taken


async def test_a_new_turn_past_the_deadline_ends_the_call_unslept() -> None:
    """A rate-limit wait that would outlast the call's bound is not slept: the call ends."""
    sleep = cast("Callable[[float], Any]", pytest.fail)  # sleeping here fails the test
    limits = RateLimits()
    route = "POST /cart"
    taken = limits.now()
    limits.refused(route, 60.0, taken + 0.001)
    deadline = Deadline(Clock(), 1.0)
    token = CURRENT.set(current(deadline, limits, route, taken - 1.0, sleep))
    try:
        with pytest.raises(httpcore2.WriteTimeout, match="would pass the call's total_timeout"):
            await AsyncCallStream(FakeStream(), weakref.WeakSet()).write(b"POST /v1/cart")
    finally:
        CURRENT.reset(token)

    assert deadline.left() <= 0


async def test_an_answer_dripped_a_byte_at_a_time_ends_at_the_total_bound() -> None:
    """No read timeout trips on a dripping server; the own pool's sockets stop at the bound."""
    with dripping() as origin:
        async with AsyncQuickshops(
            api_key=SECRET_KEY, base_url=f"{origin}/v1", total_timeout=0.5, max_retries=0
        ) as qs:
            start = time.monotonic()
            with pytest.raises(APITimeoutError, match=r"total_timeout=0\.5 s"):
                await qs.health.check()

    assert time.monotonic() - start < 3.0


async def test_a_proxy_from_the_environment_is_bounded_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pool made for a proxy the environment names is the SDK's own, bounded alike."""
    with dripping() as origin:
        monkeypatch.setenv("HTTPS_PROXY", origin)
        async with AsyncQuickshops(api_key=SECRET_KEY, total_timeout=0.5, max_retries=0) as qs:
            start = time.monotonic()
            with pytest.raises(APITimeoutError, match="total_timeout"):
                await qs.health.check()

    assert time.monotonic() - start < 3.0


async def test_the_transport_raises_httpx2_errors() -> None:
    """A refused connection is httpx2's ConnectError, as from httpx2's own transport."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    transport = AsyncCallTransport()
    async with httpx2.AsyncClient(transport=transport) as client:
        with pytest.raises(httpx2.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/v1/health")

    assert [] == transport.pool.connections


async def test_the_own_client_ends_its_connections_from_anywhere() -> None:
    """shut_down ends every connection its transports opened, with no event loop at all."""
    qs = own_client(DEFAULT_TIMEOUT)
    ours, theirs = socket.socketpair()
    fake = FakeStream()
    fake.get_extra_info = lambda info: ours  # type: ignore[method-assign]
    kept = AsyncCallStream(fake, qs.transports[0].backend.opened)

    with ours, theirs:
        qs.shut_down()
        theirs.settimeout(5.0)
        assert b"" == theirs.recv(1)  # the connection ended
        qs.shut_down()  # again: already shut down, nothing raised

    assert [kept] == list(qs.transports[0].backend.opened)
    assert 1 == len(qs.transports)  # no proxy in the environment: the direct one only
    await qs.aclose()
