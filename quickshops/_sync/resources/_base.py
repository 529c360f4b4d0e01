# Generated from quickshops/_async/resources/_base.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""What every resource shares: the sender its calls go through."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._sender import SyncSender


class SyncResource:
    """A group of operations, bound to the sender of one client."""

    def __init__(self, sender: SyncSender) -> None:
        self._sender = sender
