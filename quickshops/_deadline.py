"""The total bound of a call (``total_timeout``): its deadline, and what reaching it raises.

No I/O here. The sender sets `DEADLINE` for the length of a call; the SDK's own
connection pools read it on every socket operation (`_async/_deadline.py`), so that
neither a server dripping its headers nor one dripping its body a byte at a time can
keep a call past its deadline, on the sync client as on the async one, without a
helper thread or an event loop.
"""

from __future__ import annotations

import contextvars
import time
from typing import TYPE_CHECKING, Any

from ._exceptions import APITimeoutError

if TYPE_CHECKING:
    from ._config import ClientConfig
    from ._request import Call

_skipped = 0.0
_instant = False  # every client's waits skipped (`quickshops.testing.instant_retries`)


def clock() -> float:
    """The clock deadlines and rate-limit pauses are measured on.

    Monotonic seconds, plus any time skipped instead of slept (`skip`).
    """
    return time.monotonic() + _skipped


def skip(seconds: float) -> None:
    """Move `clock` forward by `seconds`: what a sleep that is skipped, not slept, leaves."""
    global _skipped
    _skipped += seconds


def set_instant(instant: bool) -> bool:
    """Make every client skip its waits (or stop); return the previous setting."""
    global _instant
    previous, _instant = _instant, instant
    return previous


def skips_waits(config: ClientConfig) -> bool:
    """Whether a client with `config` skips its backoff and rate-limit waits now.

    A skipped wait moves `clock` forward instead: it still counts against
    ``total_timeout``, and a rate-limit pause still ends when its time has passed.
    """
    return _instant or config.instant_retries


DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "quickshops_deadline", default=None
)
"""The `clock` reading by which the current call must end; None outside a bounded call."""


def remaining(timeout: float | None) -> float | None:
    """`timeout` shortened to what is left before the current call's deadline.

    Raises:
        TimeoutError: The deadline has passed; the network backend raises its own
            timeout error in its place.

    """
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - clock()
    if left <= 0:
        raise TimeoutError("the call's total_timeout has passed")
    return left if timeout is None else min(timeout, left)


def total_timeout_error(call: Call[Any], config: ClientConfig) -> APITimeoutError:
    """The error of a call that reached its total bound; it is never retried."""
    error = APITimeoutError(
        f"{call.route} did not finish within total_timeout={config.total_timeout:g} s, the "
        "bound on the whole call (every attempt, backoff and rate-limit wait, however "
        "slowly the server sends). Raise total_timeout, or pass None to lift it."
    )
    error.retryable = False
    return error
