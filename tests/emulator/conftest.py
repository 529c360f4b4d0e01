"""Fixtures for the emulator's tests: an emulator and raw httpx2 clients bound to it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import anyio
import httpx2
import pytest

from quickshops.testing import PUBLIC_KEY, SECRET_KEY, Emulator, EmulatorTransport

if TYPE_CHECKING:
    from collections.abc import Iterator

API_URL = "https://api.quickshops.app/v1"


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        """Return the current time."""
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    """Return a clock the rate-limit tests move by hand."""
    return FakeClock()


@pytest.fixture
def emulator(clock: FakeClock) -> Emulator:
    """Return a fresh emulator on the fake clock."""
    return Emulator(clock=clock)


def make_client(emulator: Emulator, api_key: str | None = SECRET_KEY) -> httpx2.Client:
    """Return a raw httpx2 client talking to ``emulator`` through the mock transport."""
    headers = {} if api_key is None else {"x-api-key": api_key}
    return httpx2.Client(
        transport=EmulatorTransport(emulator), base_url=API_URL, headers=headers, timeout=5.0
    )


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx2.Client]:
    """Yield a client holding the secret key."""
    with make_client(emulator) as client:
        yield client


@pytest.fixture
def public_client(emulator: Emulator) -> Iterator[httpx2.Client]:
    """Yield a client holding the public key."""
    with make_client(emulator, PUBLIC_KEY) as client:
        yield client


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record every sleep of either client (``time.sleep``, ``anyio.sleep``), unslept."""
    calls: list[float] = []

    def fake_sleep(seconds: float) -> None:
        calls.append(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        calls.append(seconds)

    monkeypatch.setattr(time, "sleep", fake_sleep)
    monkeypatch.setattr(anyio, "sleep", fake_async_sleep)
    return calls
