"""What every resource shares: the transport its calls go through."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._transport import AsyncTransport


class AsyncResource:
    """A group of routes, bound to the transport of one client."""

    def __init__(self, transport: AsyncTransport) -> None:
        self._transport = transport
