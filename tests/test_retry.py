"""The retry policy: what is retryable, how long to wait, and parsing Retry-After."""

from __future__ import annotations

import email.utils

import httpx2
import pytest
import tenacity

from quickshops import APIConnectionError, APIResponseValidationError, InternalServerError
from quickshops._retry import (
    is_retryable,
    parse_retry_after,
    retry_delay,
)

NOW = 1_700_000_000.0


def status_error(status: int, **headers: str) -> InternalServerError:
    response = httpx2.Response(status, headers=headers)
    return InternalServerError("failed", response=response, body=None)


def state_after(error: BaseException, attempt: int = 1) -> tenacity.RetryCallState:
    state = tenacity.RetryCallState(tenacity.Retrying(), fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    state.set_exception((type(error), error, None))
    return state


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "-1"}, None),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "soon"}, None),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "bad", "retry-after": "2"}, 2.0),
        ({"retry-after-ms": "nan", "retry-after": "2"}, 2.0),
        ({"retry-after-ms": "inf"}, float("inf")),
        ({"retry-after": "1e400"}, float("inf")),
        ({"retry-after": email.utils.formatdate(NOW + 42, usegmt=True)}, 42.0),
        ({"retry-after": email.utils.formatdate(NOW - 42, usegmt=True)}, 0.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00"}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    """retry-after-ms wins; Retry-After is seconds or an HTTP date; junk is ignored."""
    assert expected == parse_retry_after(httpx2.Headers(headers), now=NOW)


def test_parse_retry_after_date_uses_the_clock() -> None:
    """Without an explicit now, a date is measured from the current time."""
    delay = parse_retry_after(httpx2.Headers({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}))

    assert 0.0 == delay


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (APIConnectionError("refused"), True),
        (status_error(503), True),
        (status_error(501), False),
        (status_error(503, **{"x-should-retry": "false"}), False),
        (status_error(501, **{"x-should-retry": "true"}), True),
        (status_error(501, **{"x-should-retry": " TRUE "}), True),
        (status_error(503, **{"x-should-retry": "False"}), False),
        (status_error(503, **{"retry-after": "1e400"}), False),
        (status_error(503, **{"retry-after": "61"}), False),
        (status_error(503, **{"retry-after": "60"}), True),
        (APIResponseValidationError("bad shape"), False),
        (ValueError("not ours"), False),
    ],
)
def test_is_retryable(error: BaseException, expected: bool) -> None:
    """Connection failures and the listed statuses are retried, as headers allow."""
    assert expected is is_retryable(error)


def test_retry_delay_prefers_the_server() -> None:
    """The server's delay wins over the backoff."""
    assert 7.0 == retry_delay(state_after(status_error(503, **{"retry-after": "7"})))


@pytest.mark.parametrize(
    ("attempt", "low", "high"), [(1, 0.5, 0.75), (2, 1.0, 1.25), (9, 7.75, 8.0)]
)
def test_backoff_grows_and_is_capped(attempt: int, low: float, high: float) -> None:
    """The backoff starts near 0.5 s, doubles, and never passes 8 s."""
    delays = [retry_delay(state_after(APIConnectionError("x"), attempt)) for _ in range(50)]

    assert all(low <= delay <= high for delay in delays)
    assert len(set(delays)) > 1
