"""The total bound of a call: its deadline, what is left of it, and its error."""

from __future__ import annotations

import time
from typing import Any

import pytest

from quickshops._config import ClientConfig
from quickshops._deadline import CURRENT, Clock, Deadline, remaining
from quickshops._endpoints import HEALTH_CHECK
from quickshops._request import Call, call
from quickshops._response import total_timeout_error
from tests.conftest import SECRET_KEY


def bounded(deadline: Deadline | None) -> Call[Any]:
    """A call with `deadline`, as the sender makes it current."""
    current = call(HEALTH_CHECK)
    current.deadline = deadline
    return current


def test_without_a_deadline_a_timeout_is_kept() -> None:
    """Outside a call, or in one without a bound, timeouts are what they were."""
    assert (5.0, None) == (remaining(5.0), remaining(None))
    token = CURRENT.set(bounded(None))
    try:
        assert (5.0, None) == (remaining(5.0), remaining(None))
    finally:
        CURRENT.reset(token)


def test_a_timeout_is_shortened_to_what_is_left() -> None:
    """Inside a bounded call, a timeout is at most the time left; none becomes that."""
    token = CURRENT.set(bounded(Deadline(Clock(), 2.0)))
    try:
        assert 1.0 == remaining(1.0)
        left = remaining(None)
        assert left is not None
        assert 1.9 < left <= 2.0
        assert remaining(10.0) == pytest.approx(2.0, abs=0.1)
    finally:
        CURRENT.reset(token)


def test_past_the_deadline_nothing_starts() -> None:
    """Once the deadline has passed, any operation fails at once."""
    token = CURRENT.set(bounded(Deadline(Clock(), -0.1)))
    try:
        with pytest.raises(TimeoutError, match="total_timeout has passed"):
            remaining(5.0)
    finally:
        CURRENT.reset(token)


def test_skipping_moves_only_that_clock() -> None:
    """A skipped wait moves its own clock as a slept one would, and no other clock."""
    mine, other = Clock(), Clock()
    deadline = Deadline(other, 5.0)
    before = mine()

    mine.skip(3600.0)

    assert mine() - before >= 3600.0
    assert 4.0 < deadline.left() <= 5.0
    assert abs(other() - time.monotonic()) < 1.0


def test_the_total_timeout_error_says_what_was_bounded() -> None:
    """The error names the route and the bound, says how to lift it, and is not retried."""
    config = ClientConfig(
        api_key=SECRET_KEY,
        base_url=None,
        timeout=5.0,
        max_retries=2,
        default_headers=None,
        total_timeout=7.5,
    )

    error = total_timeout_error(call(HEALTH_CHECK), config)

    assert error.message.startswith("GET /health did not finish within total_timeout=7.5 s")
    assert "pass None to lift it" in error.message
    assert ("TIMEOUT", False) == (error.code, error.retryable)
