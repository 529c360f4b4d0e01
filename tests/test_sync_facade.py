"""The generated sync facade mirrors the async core and does no async work."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import quickshops
from quickshops import AsyncQuickshops, Quickshops
from tests.conftest import SECRET_KEY

# Where the package is imported from: the source tree, or an installed wheel.
SYNC_DIR = Path(quickshops.__file__).parent / "_sync"
RESOURCES = ["health", "store", "products", "cart", "checkout", "subscription"]


def normalise(text: str) -> str:
    """Map async names to their sync twins, as scripts/unasync.py does."""
    return re.sub(r"\bAsync(\w)", r"\1", text)


def public_methods(obj: Any) -> dict[str, Any]:
    return {
        name: member
        for name, member in inspect.getmembers(obj, callable)
        if not name.startswith("_")
    }


def signature(function: Any) -> str:
    return normalise(str(inspect.signature(function)))


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_async_method_has_a_sync_twin(resource: str) -> None:
    """Each resource method exists on both clients with the same signature.

    Each is a coroutine function on the async client, but ``iter``, which returns an
    async iterator there and an iterator on the sync client.
    """
    async_resource = getattr(AsyncQuickshops(api_key=SECRET_KEY), resource)
    sync_resource = getattr(Quickshops(api_key=SECRET_KEY), resource)
    async_methods = public_methods(async_resource)
    sync_methods = public_methods(sync_resource)

    assert set(async_methods) == set(sync_methods)
    assert async_methods
    for name, method in async_methods.items():
        assert inspect.iscoroutinefunction(method) is (name != "iter"), name
        assert not inspect.iscoroutinefunction(sync_methods[name]), name
        assert signature(method) == signature(sync_methods[name]), name


def test_clients_have_twin_signatures() -> None:
    """The clients' constructors and public methods match, aclose pairing with close."""
    async_methods = public_methods(AsyncQuickshops)
    sync_methods = public_methods(Quickshops)
    async_methods["close"] = async_methods.pop("aclose")

    assert set(async_methods) == set(sync_methods)
    for name, method in async_methods.items():
        assert signature(method) == signature(sync_methods[name]), name
    assert signature(AsyncQuickshops) == signature(Quickshops)
    assert hasattr(Quickshops, "__enter__")
    assert hasattr(Quickshops, "__exit__")


def test_sync_code_uses_no_event_loop_or_threads() -> None:
    """The generated code imports neither asyncio, anyio, trio nor threading."""
    sources = sorted(SYNC_DIR.rglob("*.py"))
    assert len(sources) >= 4, SYNC_DIR
    for path in sources:
        source = path.read_text(encoding="utf-8")
        for forbidden in (
            r"\basyncio\b",
            r"\banyio\b",
            r"\btrio\b",
            r"\bthreading\b",
            r"\bawait\b",
        ):
            assert not re.search(forbidden, source), f"{path.name}: {forbidden}"
        assert not re.search(r"\basync (def|with|for)\b", source), path.name
        assert not re.search(r"\bAsync[A-Z]", source), path.name
        assert source.startswith("# Generated from quickshops/_async/")
