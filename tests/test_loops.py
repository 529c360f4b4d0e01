"""Which event loop an async client belongs to, checked in this process (no sockets)."""

from __future__ import annotations

import socket
import sys

import anyio
import pytest

from quickshops import APIConnectionError, AsyncQuickshops
from quickshops._loops import AsyncLoopGuard, SyncLoopGuard, running_loop
from quickshops.testing import SECRET_KEY, async_client


def test_the_running_loop_is_asyncios_or_trios_run() -> None:
    """asyncio's loop, trio's token (one per run), or None outside any loop."""
    seen: list[object | None] = []

    async def note() -> None:
        seen.append(running_loop())
        seen.append(running_loop())

    anyio.run(note, backend="asyncio")
    anyio.run(note, backend="trio")
    anyio.run(note, backend="trio")

    assert running_loop() is None
    assert all(loop is not None for loop in seen)
    assert (seen[0], seen[2], seen[4]) == (seen[1], seen[3], seen[5])
    assert len({id(seen[0]), id(seen[2]), id(seen[4])}) == 3


def test_a_library_not_imported_is_not_looked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """With asyncio not imported, a trio run is still found; with neither, there is none."""
    import trio

    seen: list[object | None] = []

    async def note() -> None:
        seen.append(running_loop())

    monkeypatch.setitem(sys.modules, "asyncio", None)
    trio.run(note)
    monkeypatch.setitem(sys.modules, "trio", None)

    assert seen[0] is not None
    assert running_loop() is None


def test_a_guard_belongs_to_the_first_loop_that_asks() -> None:
    """The first loop claims the guard; it stays the guard's loop; any other is foreign."""
    guard = AsyncLoopGuard()
    answers: list[bool] = []

    async def ask() -> None:
        answers.append(guard.is_foreign())
        answers.append(guard.is_foreign_to_close())

    assert guard.is_foreign_to_close() is False  # unclaimed: closing is always fine
    anyio.run(ask, backend="asyncio")
    anyio.run(ask, backend="trio")

    assert [False, False, True, True] == answers


def test_the_sync_guard_never_finds_a_foreign_loop() -> None:
    """The sync client runs in no loop: from any thread or loop, it is never foreign."""
    guard = SyncLoopGuard()

    async def ask() -> tuple[bool, bool]:
        return guard.is_foreign(), guard.is_foreign_to_close()

    assert (False, False) == anyio.run(ask)
    assert (False, False) == (guard.is_foreign(), guard.is_foreign_to_close())


def test_an_async_client_from_a_second_loop_is_refused_unsent() -> None:
    """A call and a close from another loop are the SDK's error, never retried."""
    qs = async_client()
    errors: list[APIConnectionError] = []

    async def call() -> None:
        await qs.store.get()

    async def attempt(step: str) -> None:
        try:
            await (qs.store.get() if step == "call" else qs.aclose())
        except APIConnectionError as exc:
            errors.append(exc)

    anyio.run(call, backend="trio")
    anyio.run(attempt, "call", backend="asyncio")
    anyio.run(attempt, "close", backend="asyncio")

    assert 2 == len(errors)
    assert errors[0].message.startswith("GET /products/store was not sent from another")
    assert errors[1].message.startswith("The client was closed from another event loop")
    assert not any(error.retryable for error in errors)


def test_the_sdks_own_pool_closed_from_a_second_loop_is_closed_for_good() -> None:
    """Its connections are ended from the second loop; after it, a call finds it closed."""
    with socket.socket() as unused:  # nothing listens: no connection is ever kept
        unused.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{unused.getsockname()[1]}/v1"
    qs = AsyncQuickshops(api_key=SECRET_KEY, base_url=url, max_retries=0)
    errors: list[APIConnectionError] = []

    async def step(name: str) -> None:
        try:
            await (qs.aclose() if name == "close" else qs.health.check())
        except APIConnectionError as exc:
            errors.append(exc)

    anyio.run(step, "call", backend="trio")  # refused: the pool is now trio's
    anyio.run(step, "close", backend="asyncio")
    anyio.run(step, "call", backend="trio")

    refused, closed, after = (error.message for error in errors)
    assert "got no usable response" in refused
    assert closed.startswith("The client was closed from another event loop")
    assert after.startswith("GET /health was not sent: the client is closed")
