"""The total bound of a call (``total_timeout``): its clock, its deadline, its error.

No I/O here. Each client measures waiting time on a `Clock` of its own (shared with its
`with_options` copies): monotonic seconds, plus the waits it skipped instead of sleeping
them (``instant_retries``). One client skipping hours of backoff in a test therefore
moves no other client's deadline or rate-limit pause.

The sender makes the call current (`CURRENT`, the call's `quickshops._request.Call`)
for the length of a call; the SDK's own connection pools read its deadline on every
socket operation (`quickshops/_async/_backend.py`), so that
neither a server dripping its headers nor one dripping its body a byte at a time can
keep a call past its deadline, on the sync client as on the async one, without a
helper thread or an event loop.
"""

from __future__ import annotations

import contextvars
import math
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._config import ClientConfig
    from ._request import Call

_instant = False  # every client's waits skipped (`quickshops.testing.instant_retries`)


class Clock:
    """The clock one client measures deadlines and rate-limit pauses on.

    Calling it gives monotonic seconds plus every wait skipped with `skip`.
    """

    __slots__ = ("_lock", "_skipped")

    def __init__(self) -> None:
        self._skipped = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        """The clock's reading, in seconds."""
        return time.monotonic() + self._skipped

    def skip(self, seconds: float) -> None:
        """Move the clock forward by `seconds`: what a wait skipped, not slept, leaves."""
        with self._lock:
            self._skipped += seconds


class Deadline:
    """When one call must end, on its client's clock."""

    __slots__ = ("at", "clock")

    clock: Clock
    """The clock of the client that makes the call."""
    at: float
    """The clock's reading by which the call must end."""

    def __init__(self, clock: Clock, seconds: float) -> None:
        self.clock = clock
        self.at = clock() + seconds

    def left(self) -> float:
        """Seconds left before the deadline (zero or less once it has passed)."""
        return self.at - self.clock()

    def expire(self) -> None:
        """Make the deadline pass now: the call cannot end in time, and ends at once."""
        self.at = -math.inf


def set_instant(instant: bool) -> bool:
    """Make every client skip its waits (or stop); return the previous setting."""
    global _instant
    previous, _instant = _instant, instant
    return previous


def skips_waits(config: ClientConfig) -> bool:
    """Whether a client with `config` skips its backoff and rate-limit waits now.

    A skipped wait moves the client's `Clock` forward instead: it still counts against
    ``total_timeout``, and a rate-limit pause still ends when its time has passed.
    """
    return _instant or config.instant_retries


CURRENT: contextvars.ContextVar[Call[Any] | None] = contextvars.ContextVar(
    "quickshops_call", default=None
)
"""The call being sent, with its deadline and rate-limit turn; None outside a call.

httpcore2 hands its network backend no request, only each socket operation: this is
how the SDK's own pools know the call an operation belongs to."""


def _current_deadline() -> Deadline | None:
    """The deadline of the call being sent; None outside a call or for an unbounded one."""
    call = CURRENT.get()
    return None if call is None else call.deadline


def remaining(timeout: float | None) -> float | None:
    """`timeout` shortened to what is left before the current call's deadline.

    Raises:
        TimeoutError: The deadline has passed; the network backend raises its own
            timeout error in its place.

    """
    deadline = _current_deadline()
    if deadline is None:
        return timeout
    left = deadline.left()
    if left <= 0:
        raise TimeoutError("the call's total_timeout has passed")
    return left if timeout is None else min(timeout, left)


def afford(seconds: float) -> None:
    """Refuse a wait of `seconds` that would end past the current call's deadline.

    Such a wait is not slept into certain failure: the deadline passes now instead
    (`Deadline.expire`), so that the call ends at once with its total bound's error.

    Raises:
        TimeoutError: The wait would end at or after the deadline.

    """
    deadline = _current_deadline()
    if deadline is not None and seconds >= deadline.left():
        deadline.expire()
        raise TimeoutError(f"a wait of {seconds:g} s would pass the call's total_timeout")
