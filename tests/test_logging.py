"""What the SDK logs: one INFO line per retry, one DEBUG line per attempt."""

from __future__ import annotations

import logging

import pytest

from quickshops import APIConnectionError
from quickshops._observe import before_retry
from quickshops._request import Call
from tests.test_retry import state_after


def test_log_retry(caplog: pytest.LogCaptureFixture) -> None:
    """One INFO line names the next attempt, the delay and the reason."""
    state = state_after(APIConnectionError("refused"), attempt=2)
    state.upcoming_sleep = 1.234
    caplog.set_level(logging.INFO, logger="quickshops")

    before_retry(Call("GET", "/health", "GET /health"), state)

    assert ["Retrying (attempt 3) in 1.23 s after: refused (code CONNECTION_ERROR)"] == [
        record.getMessage() for record in caplog.records
    ]
