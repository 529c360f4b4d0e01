"""Fixtures shared by every test module."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.redis_server import RedisServer, running_redis

if TYPE_CHECKING:
    from collections.abc import Iterator

    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

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
    for name in (
        "QUICKSHOPS_API_KEY",
        "HEADLESS_API_KEY",
        "QUICKSHOPS_BASE_URL",
        "QUICKSHOPS_TRACING",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(params=["httpx2", "httpx"])
def http_library(request: pytest.FixtureRequest) -> Any:
    """An HTTP library the SDK reads: httpx2 (its own), then httpx (in a caller's client)."""
    return importlib.import_module(request.param)


@pytest.fixture
def tracer_provider(monkeypatch: pytest.MonkeyPatch) -> TracerProvider:
    """An opentelemetry-sdk tracer provider that the clients made after it trace to.

    It stands in for the global one, which a process can set only once
    (tests/test_observe.py runs the global one in a child process).
    """
    from opentelemetry.sdk.trace import TracerProvider

    from quickshops import _observe

    provider = TracerProvider()
    otel = _observe.OpenTelemetry(provider)
    monkeypatch.setattr(_observe, "opentelemetry", lambda: otel)
    return provider


@pytest.fixture
def spans(tracer_provider: TracerProvider) -> InMemorySpanExporter:
    """The spans of the clients made after it, in opentelemetry-sdk's in-memory exporter."""
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A redis-server of the test's own on a free loopback port (``.url``), stopped after."""
    with running_redis() as server:
        yield server
