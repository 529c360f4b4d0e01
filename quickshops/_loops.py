"""Which event loop an async client belongs to. No I/O here.

An async client's connections belong to the event loop that opened them: another loop
(a second ``asyncio.run`` or ``trio.run``, another thread's loop) cannot use them, and
the libraries below say so with a bare `RuntimeError`. So a client
belongs to the first loop that uses it (`AsyncLoopGuard`); a call from any other is the
SDK's `APIConnectionError`, before anything is sent. The sync client has no loop:
`SyncLoopGuard`, which the generated sync code uses, checks nothing.
"""

from __future__ import annotations

import sys
import threading
from types import ModuleType

__all__ = ["AsyncLoopGuard", "SyncLoopGuard", "running_loop"]


def running_loop() -> object | None:
    """The event loop running in this thread: asyncio's loop, or trio's run; None if none.

    Either library is looked for only once imported (no loop of it can run before), so
    that importing the SDK does not import asyncio.
    """
    asyncio = sys.modules.get("asyncio")
    if isinstance(asyncio, ModuleType):
        try:
            loop: object = asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            return loop
    trio = sys.modules.get("trio")
    if isinstance(trio, ModuleType):
        try:
            token: object = trio.lowlevel.current_trio_token()
        except RuntimeError:
            return None
        return token
    return None


class AsyncLoopGuard:
    """The event loop an async client's pool belongs to: the first one that used it."""

    __slots__ = ("_lock", "loop")

    def __init__(self) -> None:
        self.loop: object | None = None
        """The loop (asyncio's) or run (trio's token) of the first use; None before it."""
        self._lock = threading.Lock()

    def is_foreign(self) -> bool:
        """Claim the running loop if none is claimed; tell whether another one was."""
        current = running_loop()
        if self.loop is None:
            with self._lock:  # the first of two threads claiming at once wins
                self.loop = current if self.loop is None else self.loop
        return current is not self.loop

    def is_foreign_to_close(self) -> bool:
        """Whether closing now runs in another loop than the one that used the pool."""
        return self.loop is not None and running_loop() is not self.loop


class SyncLoopGuard:
    """The sync client's guard: it runs in no event loop, so none is ever foreign."""

    __slots__ = ()

    def is_foreign(self) -> bool:
        """Never: a sync client may be used from any thread, in or out of a loop."""
        return False

    def is_foreign_to_close(self) -> bool:
        """Never."""
        return False
