"""A mock transport that answers from an emulator, for sync and async clients."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import anyio
import httpx2

from quickshops._stack import library_of
from quickshops.testing._emulator import Emulator

if TYPE_CHECKING:
    from quickshops.testing._replies import Reply

__all__ = ["EmulatorTransport"]


class EmulatorTransport(httpx2.MockTransport):
    """An ``httpx2.MockTransport`` bound to an `Emulator`.

    Works with ``httpx2.Client`` and ``httpx2.AsyncClient``, and with their httpx
    namesakes (it answers each request with a response of the request's own library);
    any host is accepted, only the path matters. A delay sleeps (``anyio.sleep`` on the
    async path); when it exceeds the request's read timeout, the transport waits that
    long and raises ``ReadTimeout``. A dropped response raises ``RemoteProtocolError``.
    In both cases the emulator has already applied the request.

    Examples:
        >>> import httpx2
        >>> emulator = Emulator()
        >>> client = httpx2.Client(
        ...     transport=EmulatorTransport(emulator), base_url="https://api.quickshops.app/v1"
        ... )
        >>> client.get("/health").status_code
        200

    Attributes:
        emulator: The emulator answering the requests.

    """

    emulator: Emulator

    def __init__(self, emulator: Emulator | None = None) -> None:
        """Bind the transport to ``emulator``, or to a new one if None."""
        self.emulator = emulator if emulator is not None else Emulator()
        super().__init__(self.handle_request)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        """Answer ``request`` from the emulator, sleeping for any planned delay."""
        reply = self._reply(request.read(), request)
        timeout = _read_timeout(request)
        if reply.delay:
            time.sleep(min(reply.delay, timeout))
        return _deliver(reply, request, timeout)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Answer ``request`` from the emulator, sleeping with anyio for any planned delay."""
        reply = self._reply(await request.aread(), request)
        timeout = _read_timeout(request)
        if reply.delay:
            await anyio.sleep(min(reply.delay, timeout))
        return _deliver(reply, request, timeout)

    def _reply(self, body: bytes, request: httpx2.Request) -> Reply:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        return self.emulator.handle(request.method, path, query, dict(request.headers), body)


def _read_timeout(request: httpx2.Request) -> float:
    timeout = request.extensions.get("timeout", {}).get("read")
    return float("inf") if timeout is None else float(timeout)


def _deliver(reply: Reply, request: httpx2.Request, timeout: float) -> httpx2.Response:
    library: Any = library_of(request, "Request")  # httpx2, or httpx for an httpx client
    if reply.delay > timeout:
        raise library.ReadTimeout("The read operation timed out", request=request)
    if reply.dropped:
        raise library.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    response: httpx2.Response = library.Response(
        reply.status, headers=list(reply.headers.items()), content=reply.body, request=request
    )
    return response
