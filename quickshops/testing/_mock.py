"""An ``httpx.MockTransport`` that answers from an emulator, for sync and async clients."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import anyio
import httpx

from quickshops.testing._emulator import Emulator

if TYPE_CHECKING:
    from quickshops.testing._emulator import Reply

__all__ = ["EmulatorTransport"]


class EmulatorTransport(httpx.MockTransport):
    """An ``httpx.MockTransport`` bound to an `Emulator`.

    Works with both ``httpx.Client`` and ``httpx.AsyncClient``; any host is accepted,
    only the path matters. A delay sleeps (``anyio.sleep`` on the async path); when it
    exceeds the request's read timeout, the transport waits that long and raises
    ``httpx.ReadTimeout``. A dropped response raises ``httpx.RemoteProtocolError``. In
    both cases the emulator has already applied the request.

    Example:
        >>> emulator = Emulator()
        >>> client = httpx.Client(
        ...     transport=EmulatorTransport(emulator), base_url="https://api.quickshops.app/v1"
        ... )
        >>> client.get("/health").status_code
        200

    Attributes:
        emulator: The emulator answering the requests.

    """

    def __init__(self, emulator: Emulator | None = None) -> None:
        """Bind the transport to ``emulator``, or to a new one if None."""
        self.emulator = emulator if emulator is not None else Emulator()
        super().__init__(self.handle_request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` from the emulator, sleeping for any planned delay."""
        reply = self._reply(request.read(), request)
        timeout = _read_timeout(request)
        if reply.delay:
            time.sleep(min(reply.delay, timeout))
        return _deliver(reply, request, timeout)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` from the emulator, sleeping with anyio for any planned delay."""
        reply = self._reply(await request.aread(), request)
        timeout = _read_timeout(request)
        if reply.delay:
            await anyio.sleep(min(reply.delay, timeout))
        return _deliver(reply, request, timeout)

    def _reply(self, body: bytes, request: httpx.Request) -> Reply:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        return self.emulator.handle(request.method, path, query, dict(request.headers), body)


def _read_timeout(request: httpx.Request) -> float:
    timeout = request.extensions.get("timeout", {}).get("read")
    return float("inf") if timeout is None else float(timeout)


def _deliver(reply: Reply, request: httpx.Request, timeout: float) -> httpx.Response:
    if reply.delay > timeout:
        raise httpx.ReadTimeout("The read operation timed out", request=request)
    if reply.dropped:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response.", request=request
        )
    return httpx.Response(
        reply.status, headers=list(reply.headers.items()), content=reply.body, request=request
    )
