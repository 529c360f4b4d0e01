# Generated from quickshops/_async/resources/_base.py by scripts/unasync.py: edit that file, not this one.
"""What every resource shares: the transport its calls go through."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._transport import SyncTransport


class SyncResource:
    """A group of routes, bound to the transport of one client."""

    def __init__(self, transport: SyncTransport) -> None:
        self._transport = transport
