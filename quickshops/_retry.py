"""The retry policy: what is retried, and how long to wait. No I/O here.

- Retried: connection failures, timeouts, 408, 429, 500, 502, 503 and 504, and any
  response marked ``x-should-retry: true``; never one marked ``false``.
- Delay: exponential with jitter, from about 0.5 s, capped at 8 s. A ``retry-after-ms``
  or ``Retry-After`` header (seconds or HTTP date) wins when it asks for at most 60 s;
  a server asking for longer gets no retry.
"""

from __future__ import annotations

import email.utils
import functools
import time
from typing import TYPE_CHECKING

from ._constants import (
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    RETRY_JITTER,
    RETRY_STATUSES,
)
from ._exceptions import APIConnectionError, APIStatusError, RateLimitError

if TYPE_CHECKING:
    import httpx
    import httpx2
    import tenacity


@functools.cache
def backoff() -> tenacity.wait.wait_base:
    """The delay before a retry the server did not time, exponential with jitter.

    0.5 s doubling, plus up to 0.25 s of jitter, never more than 8 s. Built on first
    use: most calls never retry.
    """
    import tenacity

    return tenacity.wait_exponential(
        multiplier=INITIAL_RETRY_DELAY, max=MAX_RETRY_DELAY - RETRY_JITTER
    ) + tenacity.wait_random(0, RETRY_JITTER)


def parse_retry_after(
    headers: httpx2.Headers | httpx.Headers, now: float | None = None
) -> float | None:
    """Return the delay in seconds a response asks for, or None if it names none.

    ``retry-after-ms`` wins over ``Retry-After``; the latter may be a number of
    seconds or an HTTP date. A date in the past means zero.
    """
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            millis = float(value)
        except ValueError:
            pass
        else:
            if millis >= 0:  # NaN compares false; infinity means "too long"
                return millis / 1000
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            date = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if date.tzinfo is None:
            return None
        now = time.time() if now is None else now
        return max(0.0, date.timestamp() - now)
    return seconds if seconds >= 0 else None  # NaN compares false


def server_delay(error: BaseException | None) -> float | None:
    """Return the delay the server asked for with the response behind `error`, if any."""
    if isinstance(error, RateLimitError):
        return error.retry_after
    if isinstance(error, APIStatusError):
        return parse_retry_after(error.response.headers)
    return None


def is_retryable(error: BaseException) -> bool:
    """Tell whether the attempt that raised `error` may be tried again."""
    if isinstance(error, APIConnectionError):
        return error.retryable
    if not isinstance(error, APIStatusError):
        return False
    should = error.response.headers.get("x-should-retry", "").strip().lower()
    if should == "false":
        return False
    if should != "true" and error.response.status_code not in RETRY_STATUSES:
        return False
    delay = server_delay(error)
    return delay is None or delay <= MAX_RETRY_AFTER


def retry_delay(retry_state: tenacity.RetryCallState) -> float:
    """Return how long to sleep before the next attempt (a tenacity ``wait``)."""
    outcome = retry_state.outcome
    assert outcome is not None  # tenacity waits only after an attempt
    delay = server_delay(outcome.exception())
    return backoff()(retry_state) if delay is None else delay
