"""The retry policy: what is retried, and how long to wait. No I/O here.

- Retried: connection failures, timeouts, 408, 429, 500, 502, 503 and 504, and any
  response marked ``x-should-retry: true``; never one marked ``false``.
- Delay: exponential with jitter, from about 0.5 s, capped at 8 s. A ``retry-after-ms``
  or ``Retry-After`` header (seconds or HTTP date) wins when it asks for more than 0 and
  at most 60 s; a server asking for longer gets no retry, and one asking for 0 gets the
  normal backoff.
- Stop: after ``max_retries`` retries, or when the next wait would pass the call's
  ``total_timeout``.
- A 429, or a 503 with ``Retry-After``, also pauses the route for every call of the
  client (`quickshops._ratelimit`); `refusal_pause` says for how long.
"""

from __future__ import annotations

import email.utils
import functools
import time
from typing import TYPE_CHECKING

from ._constants import (
    DEFAULT_RATE_LIMIT_PAUSE,
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

    from ._config import ClientConfig
    from ._deadline import Deadline
    from ._ratelimit import RateLimits


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
    return backoff()(retry_state) if delay is None or delay <= 0 else delay


def refusal_pause(status: int, headers: httpx2.Headers | httpx.Headers) -> float | None:
    """How long a refusal pauses its route for every call: a 429, or a 503 that said.

    Read from the status and headers alone, as soon as they arrive. A 429 that names no
    pause (or 0) pauses for `DEFAULT_RATE_LIMIT_PAUSE`; one that asks for more than
    `MAX_RETRY_AFTER` is not waited out, and pauses nothing.
    """
    if status not in (429, 503):
        return None
    delay = parse_retry_after(headers)
    if status == 429 and (delay is None or delay <= 0):
        return DEFAULT_RATE_LIMIT_PAUSE
    return delay if delay is not None and 0 < delay <= MAX_RETRY_AFTER else None


class RetryWait:
    """How long to wait before a retry (a tenacity ``wait``).

    The policy's delay, or the rest of the route's rate-limit pause when that is
    longer; the retry then takes its turn like any call.
    """

    def __init__(self, limits: RateLimits, route: str) -> None:
        self.limits = limits
        self.route = route

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        """The seconds until the retry may be sent."""
        return max(retry_delay(retry_state), self.limits.paused_for(self.route))


class RetryStop:
    """When a call's retries stop (a tenacity ``stop``): out of retries, or out of time.

    Attributes:
        out_of_time: Whether it stopped because the next wait would pass the deadline.
    """

    def __init__(self, config: ClientConfig, deadline: Deadline | None) -> None:
        self.max_retries = config.max_retries
        self.deadline = deadline
        self.spent = 0
        self.out_of_time = False

    def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
        """Count the failed attempt; tell whether to stop before the next one."""
        self.spent += 1
        if self.spent > self.max_retries:
            return True
        sleep = retry_state.upcoming_sleep
        if self.deadline is not None and sleep >= self.deadline.left():
            self.out_of_time = True
            return True
        return False
