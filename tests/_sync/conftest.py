# Generated from tests/_async/conftest.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""Fixtures for the client tests, written async; tests/_sync is generated from here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
import respx

from quickshops import Quickshops
from quickshops._deadline import Clock
from quickshops.testing import instant_retries
from tests.conftest import BASE_URL, SECRET_KEY

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """Mock the API at its default base URL; an unmocked request fails the test."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False, using="httpcore2") as router:
        yield router


@pytest.fixture
def qs() -> Iterator[Quickshops]:
    """A client with a secret key, closed after the test."""
    with Quickshops(api_key=SECRET_KEY) as client:
        yield client


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Record every retry and rate-limit wait instead of sleeping it.

    Every client skips its waits (`instant_retries`), moving its own clock past each.
    """
    calls: list[float] = []
    skip = Clock.skip

    def record(clock: Clock, seconds: float) -> None:
        calls.append(seconds)
        skip(clock, seconds)

    monkeypatch.setattr(Clock, "skip", record)
    with instant_retries():
        yield calls
