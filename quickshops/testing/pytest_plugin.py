"""Pytest fixtures for testing an app against the emulator.

Opt in from a ``conftest.py``:

```python
pytest_plugins = ["quickshops.testing.pytest_plugin"]
```

Fixtures: `quickshops_emulator` (a fresh `Emulator` per test), `quickshops_client`
(a `Quickshops` bound to it) and `async_quickshops_client` (an `AsyncQuickshops`
bound to it; it holds no sockets, so any async test runner can use it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from quickshops.testing._clients import async_client, client
from quickshops.testing._emulator import Emulator

if TYPE_CHECKING:
    from collections.abc import Iterator

    from quickshops import AsyncQuickshops, Quickshops

__all__ = ["async_quickshops_client", "quickshops_client", "quickshops_emulator"]


@pytest.fixture
def quickshops_emulator() -> Emulator:
    """A fresh emulator: seeded store and catalogue, no carts, no faults."""
    return Emulator()


@pytest.fixture
def quickshops_client(quickshops_emulator: Emulator) -> Iterator[Quickshops]:
    """A sync client answered by `quickshops_emulator`, closed after the test."""
    with client(quickshops_emulator) as qs:
        yield qs


@pytest.fixture
def async_quickshops_client(quickshops_emulator: Emulator) -> AsyncQuickshops:
    """An async client answered by `quickshops_emulator`, for asyncio or trio tests."""
    return async_client(quickshops_emulator)
