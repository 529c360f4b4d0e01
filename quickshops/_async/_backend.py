"""The transport of the SDK's own pools, and its network backend: the call's deadline and turn.

httpx2 bounds each read and write by its own timeout, so a server sending a byte at a
time never trips it. Wrapped in the call backend, every connect, TLS handshake, read
and write is also bounded by what is left of the current call's ``total_timeout``
(the call that `quickshops._deadline.CURRENT` holds), and one that starts after the
deadline fails at once with the library's own timeout error.

It also holds back a request that waited in the pool for a connection while its route
was refused: before its first byte is written, it takes a new rate-limit turn, so that
a burst queued in the pool does not meet the same refusal.

httpx2 offers no public way to choose the network backend of its own transport's pool,
so the SDK's pools use the call transport below: an httpx2 transport over a pool made
with httpcore2's public ``network_backend=`` argument. No private attribute of either
library is read or replaced.
"""

from __future__ import annotations

import contextlib
import socket
import weakref
from typing import TYPE_CHECKING, Any, cast

import httpx2

from .. import _stack as stack
from .._deadline import CURRENT, afford, remaining
from .._stack import core_url, httpx2_errors, pool_options

if TYPE_CHECKING:
    import ssl
    from collections.abc import AsyncIterable, AsyncIterator, Iterable

    import httpcore2
    from httpcore2 import AsyncNetworkBackend


def _bounded(timeout: float | None, error: str) -> float | None:
    """What is left of `timeout` by the deadline; past it, httpcore2's `error` timeout.

    httpcore2 is imported here, not with the module: httpx2 imports it only when a
    pool is made, and so does the SDK (importing it takes time, with what it imports).
    """
    try:
        return remaining(timeout)
    except TimeoutError as exc:
        import httpcore2

        raise getattr(httpcore2, error)(str(exc)) from exc


def _affordable(seconds: float) -> float:
    """`seconds` of waiting, if the call can afford them; else httpcore2's write timeout."""
    try:
        afford(seconds)
    except TimeoutError as exc:
        import httpcore2

        raise httpcore2.WriteTimeout(str(exc)) from exc
    return seconds


class AsyncCallStream:
    """A connection whose every operation ends by the call's deadline.

    It is a network stream to httpcore2 by its methods, which is all httpcore2 asks.
    """

    def __init__(
        self, stream: httpcore2.AsyncNetworkStream, opened: weakref.WeakSet[AsyncCallStream]
    ) -> None:
        self._stream = stream
        self._opened = opened
        opened.add(self)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, for at most the time left."""
        return await self._stream.read(max_bytes, _bounded(timeout, "ReadTimeout"))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, for at most the time left, once the route's rate-limit turn has come."""
        call = CURRENT.get()
        if call is not None and call.limits is not None and call.sleep is not None:
            limits, route = call.limits, call.route
            if limits.refused_since(route, call.sent_at):
                for wait in (limits.paused_for, limits.turn, limits.space):
                    seconds = wait(route)
                    if seconds:
                        await call.sleep(_affordable(seconds))
                call.sent_at = limits.now()
        await self._stream.write(buffer, _bounded(timeout, "WriteTimeout"))

    async def aclose(self) -> None:
        """Close the connection."""
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> AsyncCallStream:
        """Start TLS, for at most the time left; the TLS stream is bounded as well."""
        bounded = _bounded(timeout, "ConnectTimeout")
        stream = await self._stream.start_tls(ssl_context, server_hostname, bounded)
        return AsyncCallStream(stream, self._opened)

    def get_extra_info(self, info: str) -> Any:
        """What the wrapped stream tells."""
        return self._stream.get_extra_info(info)


class AsyncCallBackend:
    """Opens connections bound by the current call's deadline and rate-limit turn.

    It is a network backend to httpcore2 by its methods.
    """

    def __init__(self, backend: httpcore2.AsyncNetworkBackend) -> None:
        self._backend = backend
        self.opened: weakref.WeakSet[AsyncCallStream] = weakref.WeakSet()
        """The streams it opened that are still in use."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncCallStream:
        """Connect, for at most the time left."""
        bounded = _bounded(timeout, "ConnectTimeout")
        stream = await self._backend.connect_tcp(host, port, bounded, local_address, socket_options)
        return AsyncCallStream(stream, self.opened)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> AsyncCallStream:
        """Connect, for at most the time left."""
        bounded = _bounded(timeout, "ConnectTimeout")
        stream = await self._backend.connect_unix_socket(path, bounded, socket_options)
        return AsyncCallStream(stream, self.opened)

    async def sleep(self, seconds: float) -> None:
        """Sleep as the wrapped backend does."""
        await self._backend.sleep(seconds)

    def shut_down(self) -> None:
        """End every connection it opened, from any thread or event loop.

        Closing a connection needs the event loop that opened it; shutting its socket
        down does not: the server sees the connection end, and the socket is closed
        when the loop that owns it runs again, or when it is collected.
        """
        for stream in list(self.opened):
            sock = stream.get_extra_info("socket")
            with contextlib.suppress(OSError):  # already shut down by the server
                sock.shutdown(socket.SHUT_RDWR)


class AsyncCallResponseStream(httpx2.AsyncByteStream):
    """The body of a response, as httpcore2 streams it, with httpx2's errors."""

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream: Any = stream  # httpcore2's stream, which closes its connection

    async def __aiter__(self) -> AsyncIterator[bytes]:
        """Each chunk of the body as it arrives."""
        with httpx2_errors():
            async for chunk in self._stream:
                yield chunk

    async def aclose(self) -> None:
        """Release the connection."""
        with httpx2_errors():
            await self._stream.aclose()


class AsyncCallTransport(httpx2.AsyncBaseTransport):
    """The transport of the SDK's own pools: httpcore2's pool over the call backend.

    httpx2's own transport makes its pool with httpcore2's default network backend,
    and offers no public way to choose another. This one makes the pool itself, with
    httpcore2's public ``network_backend=`` argument, so that every socket operation is
    bounded by the current call (the call backend), and converts requests, responses
    and errors between the two libraries as httpx2's transport does.

    Args:
        proxy: The proxy to send through, or None for direct connections.

    """

    def __init__(self, proxy: httpcore2.Proxy | None = None) -> None:
        import httpcore2

        self.backend = AsyncCallBackend(httpcore2.AnyIOBackend())
        """The network backend of the pool's connections."""
        # The call backend is a network backend by its methods: subclassing httpcore2's
        # would import httpcore2 with the SDK, which httpx2 itself defers to a first pool.
        self.pool = httpcore2.AsyncConnectionPool(
            proxy=proxy,
            network_backend=cast("AsyncNetworkBackend", self.backend),
            **pool_options(),
        )
        """The connection pool (its ``connections`` are public)."""

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Send `request` through the pool; return the response, its body still to read."""
        import httpcore2

        core_request = httpcore2.Request(
            method=request.method,
            url=core_url(request.url),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with httpx2_errors():
            response = await self.pool.handle_async_request(core_request)
        stream: AsyncIterable[bytes] = response.stream  # type: ignore[assignment]
        return httpx2.Response(
            status_code=response.status,
            headers=response.headers,
            stream=AsyncCallResponseStream(stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close every connection of the pool."""
        with httpx2_errors():
            await self.pool.aclose()


class AsyncOwnClient(httpx2.AsyncClient):
    """The connection pool the SDK makes: an httpx2 client over call transports.

    Closing it needs the event loop that opened its connections; `shut_down` ends them
    from any thread or loop.
    """

    transports: list[AsyncCallTransport]
    """Its transports: the direct one, and one per proxy from the environment."""

    def shut_down(self) -> None:
        """End every connection of every transport (each backend's `shut_down`)."""
        for transport in self.transports:
            transport.backend.shut_down()


def own_client(timeout: httpx2.Timeout) -> AsyncOwnClient:
    """The connection pool the SDK makes: bounded by each call's deadline and turn.

    Raises:
        InvalidRequestError: The environment names a proxy that cannot be used.

    """
    transports: list[AsyncCallTransport] = []

    def transport(proxy: httpcore2.Proxy | None) -> AsyncCallTransport:
        transports.append(AsyncCallTransport(proxy))
        return transports[-1]

    client: AsyncOwnClient = stack.own_client(AsyncOwnClient, timeout, transport)
    client.transports = transports
    return client
