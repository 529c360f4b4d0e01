"""Fixtures shared by every test module."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.redis_server import RedisServer, running_redis

if TYPE_CHECKING:
    from collections.abc import Iterator

pytest_plugins = ["quickshops.testing.pytest_plugin"]

SECRET_KEY = "qk_secret_test_0123456789abcd"
BASE_URL = "https://api.quickshops.app/v1"

# The slow suites: the tests under tests/<name>/ carry the marker <name>, which plain
# `pytest` deselects (pyproject.toml's addopts) and their nox sessions select.
SLOW_SUITES = ("examples", "reliability")
TESTS = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test of a slow suite with the suite's marker."""
    for item in items:
        for suite in SLOW_SUITES:
            if TESTS / suite in item.path.parents:
                item.add_marker(suite)


@pytest.fixture
def anyio_backend() -> str:
    """Run async tests under asyncio unless a module asks for more backends."""
    return "asyncio"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own Quickshops variables out of every test."""
    for name in ("QUICKSHOPS_API_KEY", "HEADLESS_API_KEY", "QUICKSHOPS_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["httpx2", "httpx"])
def http_library(request: pytest.FixtureRequest) -> Any:
    """An HTTP library the SDK reads: httpx2 (its own), then httpx (in a caller's client)."""
    return importlib.import_module(request.param)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A redis-server of the test's own on a free loopback port (``.url``), stopped after."""
    with running_redis() as server:
        yield server
