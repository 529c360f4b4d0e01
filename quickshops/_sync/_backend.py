# Generated from quickshops/_async/_backend.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""The network backend of the SDK's own pools: the call's deadline and rate-limit turn.

httpx2 bounds each read and write by its own timeout, so a server sending a byte at a
time never trips it. Wrapped in the call backend, every connect, TLS handshake, read
and write is also bounded by what is left of the current call's ``total_timeout``
(`quickshops._deadline.DEADLINE`), and one that starts after the deadline fails at
once with the library's own timeout error.

It also holds back a request that waited in the pool for a connection while its route
was refused (`quickshops._ratelimit.TURN`): before its first byte is written, it takes
a new rate-limit turn, so that a burst queued in the pool does not meet the same
refusal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._deadline import remaining
from .._ratelimit import TURN

if TYPE_CHECKING:
    import ssl
    from collections.abc import Iterable

    import httpcore2


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


class SyncCallStream:
    """A connection whose every operation ends by the call's deadline.

    It is a network stream to httpcore2 by its methods, which is all httpcore2 asks.
    """

    def __init__(self, stream: httpcore2.NetworkStream, backend: SyncCallBackend) -> None:
        self._stream = stream
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, for at most the time left."""
        return self._stream.read(max_bytes, _bounded(timeout, "ReadTimeout"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, for at most the time left, once the route's rate-limit turn has come."""
        turn = TURN.get()
        if turn is not None and turn[0].refused_since(turn[1], turn[2]):
            limits, route, _ = turn
            for wait in (limits.paused_for, limits.turn, limits.space):
                seconds = wait(route)
                if seconds:
                    _bounded(seconds, "WriteTimeout")
                    self._backend.sleep(seconds)
            TURN.set((limits, route, limits.now()))
        self._stream.write(buffer, _bounded(timeout, "WriteTimeout"))

    def close(self) -> None:
        """Close the connection."""
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> SyncCallStream:
        """Start TLS, for at most the time left; the TLS stream is bounded as well."""
        bounded = _bounded(timeout, "ConnectTimeout")
        stream = self._stream.start_tls(ssl_context, server_hostname, bounded)
        return SyncCallStream(stream, self._backend)

    def get_extra_info(self, info: str) -> Any:
        """What the wrapped stream tells."""
        return self._stream.get_extra_info(info)


class SyncCallBackend:
    """Opens connections bound by the current call's deadline and rate-limit turn.

    It is a network backend to httpcore2 by its methods.
    """

    def __init__(self, backend: httpcore2.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> SyncCallStream:
        """Connect, for at most the time left."""
        bounded = _bounded(timeout, "ConnectTimeout")
        stream = self._backend.connect_tcp(host, port, bounded, local_address, socket_options)
        return SyncCallStream(stream, self)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> SyncCallStream:
        """Connect, for at most the time left."""
        bounded = _bounded(timeout, "ConnectTimeout")
        stream = self._backend.connect_unix_socket(path, bounded, socket_options)
        return SyncCallStream(stream, self)

    def sleep(self, seconds: float) -> None:
        """Sleep as the wrapped backend does."""
        self._backend.sleep(seconds)


def bind_to_calls(client: Any) -> None:
    """Make the pool of the SDK's own `client` bound every operation by the current call.

    httpx2 offers no public way to choose a pool's network backend, so this wraps the
    one its transport's pool holds; a future httpx2 that moves it leaves the pool as it
    is, bounded per attempt and between reads only (``tests/test_backend.py`` fails).
    """
    import httpcore2

    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:  # the direct one, and one per proxy from the environment
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore2.NetworkBackend):
            pool._network_backend = SyncCallBackend(backend)  # type: ignore[union-attr]
