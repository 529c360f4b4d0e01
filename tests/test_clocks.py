"""Each client waits on a clock of its own: one client's skipped waits move no other's."""

from __future__ import annotations

import threading
import time

import anyio
import pytest

from quickshops import AsyncQuickshops, Quickshops
from quickshops.testing import SECRET_KEY, Emulator, EmulatorServer, async_client, client

HOURS_OF_BACKOFF = 120  # retries, each told to wait 60 s: two hours, skipped


def skipping_emulator() -> Emulator:
    """An emulator whose next carts fail, asking for a minute's wait before each retry."""
    emulator = Emulator()
    emulator.faults.fail_next("POST /cart", status=503, retry_after=60, times=HOURS_OF_BACKOFF)
    return emulator


def test_a_test_clients_skipped_hours_leave_a_real_deadline_alone() -> None:
    """While a testing client skips two hours of backoff, a real call bounded at 3 s waits 1.5 s."""
    slow = Emulator()
    slow.faults.delay("GET /health", 1.5, times=1)
    skipping = skipping_emulator()
    skipped: list[float] = []

    def skip_hours() -> None:
        time.sleep(0.3)  # the real call is waiting for its answer by now
        with client(skipping, max_retries=HOURS_OF_BACKOFF, total_timeout=None) as qs:
            before = qs._shared.clock()
            qs.cart.create()
            skipped.append(qs._shared.clock() - before)

    with EmulatorServer(slow) as server:
        real = Quickshops(api_key=SECRET_KEY, base_url=server.url, total_timeout=3.0)
        other = threading.Thread(target=skip_hours)
        other.start()
        with real:
            health = real.health.check()
        other.join()

    assert health.ok
    assert skipped[0] >= 7200.0


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
async def test_an_async_test_clients_skipped_hours_leave_a_real_deadline_alone() -> None:
    """The same with async clients, in one event loop: the real call's bound is its own."""
    slow = Emulator()
    slow.faults.delay("GET /health", 1.5, times=1)
    skipping = skipping_emulator()
    skipped: list[float] = []

    async def skip_hours() -> None:
        await anyio.sleep(0.3)
        qs = async_client(skipping, max_retries=HOURS_OF_BACKOFF, total_timeout=None)
        async with qs:
            before = qs._shared.clock()
            await qs.cart.create()
            skipped.append(qs._shared.clock() - before)

    with EmulatorServer(slow) as server:
        async with (
            AsyncQuickshops(api_key=SECRET_KEY, base_url=server.url, total_timeout=3.0) as real,
            anyio.create_task_group() as group,
        ):
            group.start_soon(skip_hours)
            health = await real.health.check()

    assert health.ok
    assert skipped[0] >= 7200.0
