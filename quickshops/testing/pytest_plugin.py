"""Pytest fixtures for testing an app against the emulator.

Opt in from a ``conftest.py``:

```python
pytest_plugins = ["quickshops.testing.pytest_plugin"]
```

Fixtures: `quickshops_emulator` (a fresh `Emulator` per test), `quickshops_client`
(a `Quickshops` bound to it), `async_quickshops_client` (an `AsyncQuickshops`
bound to it; it holds no sockets, so any async test runner can use it) and
`quickshops_server` (the emulator served over HTTP on loopback, with the environment
set so that an app building its own client from it talks to the server).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from quickshops.testing._clients import async_client, client, instant_retries
from quickshops.testing._emulator import Emulator
from quickshops.testing._seed import SECRET_KEY
from quickshops.testing._server import EmulatorServer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from quickshops import AsyncQuickshops, Quickshops

__all__ = [
    "async_quickshops_client",
    "quickshops_client",
    "quickshops_emulator",
    "quickshops_server",
]


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


@pytest.fixture
def quickshops_server(
    quickshops_emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmulatorServer]:
    """`quickshops_emulator` served over HTTP on loopback, for an app that makes its client.

    For the length of the test, ``QUICKSHOPS_API_KEY`` is the emulator's `SECRET_KEY`
    and ``QUICKSHOPS_BASE_URL`` the server's URL (both restored after), so that
    ``Quickshops()`` or ``AsyncQuickshops()`` built from the environment talks to it;
    every client retries without waiting (`instant_retries`). It yields the server
    (``.url``, ``.emulator``).
    """
    monkeypatch.setenv("QUICKSHOPS_API_KEY", SECRET_KEY)
    with EmulatorServer(quickshops_emulator) as server, instant_retries():
        monkeypatch.setenv("QUICKSHOPS_BASE_URL", server.url)
        yield server
