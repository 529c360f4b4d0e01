"""What every resource shares: the sender its calls go through."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._sender import AsyncSender


class AsyncResource:
    """A group of operations, bound to the sender of one client."""

    def __init__(self, sender: AsyncSender) -> None:
        self._sender = sender
