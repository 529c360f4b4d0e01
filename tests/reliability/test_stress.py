"""Stress: one client shared by 150 threads, or by 300 tasks, drops no call and does not churn.

The server (`stressserver.py`, its own process) answers every request 200 after 5 ms,
so any call that fails is the client's failure. Clients keep their default settings
but ``max_retries=0``, so that no retry can hide a dropped request. More threads or
tasks than the pool's 100 connections queue for a connection, which is where httpx's
pool lost requests (a connection handed to a queued request, closed by another
thread). Every call must succeed, the server must have answered exactly the calls
made, and the pool must not churn: it opens no more connections than its limit.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from quickshops import AsyncQuickshops, Cart, Product, Quickshops
from quickshops._constants import DEFAULT_LIMITS
from tests.reliability.conftest import (
    KEY,
    ServerProcess,
    count,
    quiet_pytest_log_capture,
    server_process,
)

THREADS = 150
TASKS = 300
CALLS = 6_000


@pytest.fixture
def stress_server() -> Iterator[ServerProcess]:
    """The minimal server in its own process, answering every request after 5 ms."""
    with server_process("stressserver.py", {"STRESS_LATENCY": "0.005"}) as server:
        yield server


def call(qs: Any, index: int) -> Any:
    """Every fourth call a mutation (a cart line), the others a read (a product)."""
    if index % 4 == 3:
        return qs.cart.add_line("cart_1", "prod_1")
    return qs.products.get("prod_1")


def expected(index: int) -> type:
    """The model call `index` returns."""
    return Cart if index % 4 == 3 else Product


def check(server: ServerProcess, outcome: Counter[str], label: str) -> None:
    """Nothing dropped, every call answered once, no more connections than the pool holds."""
    figures = server.stop()
    limit = DEFAULT_LIMITS.max_connections
    assert {"ok": CALLS} == dict(outcome), outcome.most_common(5)
    assert CALLS == figures["requests"], figures
    assert 0 < figures["connections"] <= limit, figures
    count(f"stress_{label}_calls", CALLS)
    count(f"stress_{label}_connections", figures["connections"])
    print(f"stress {label}: {CALLS} calls, nothing dropped, {figures}")


def test_threads_sharing_one_sync_client(stress_server: ServerProcess) -> None:
    """150 threads share one Quickshops (pool of 100): no call dropped, no churn."""
    qs = Quickshops(api_key=KEY, base_url=stress_server.url, max_retries=0)
    outcome: Counter[str] = Counter()
    indices = itertools.count()
    lock = threading.Lock()

    def worker() -> None:
        while (index := next(indices)) < CALLS:
            try:
                result = call(qs, index)
                verdict = "ok" if isinstance(result, expected(index)) else repr(result)
            except Exception as exc:  # counted, so that one failure does not hide others
                verdict = f"{type(exc).__name__}: {exc}"
            with lock:
                outcome[verdict] += 1

    threads = [threading.Thread(target=worker, name=f"stress-{i}") for i in range(THREADS)]
    with quiet_pytest_log_capture():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=50)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    qs.close()
    check(stress_server, outcome, "threads")


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_tasks_sharing_one_async_client(stress_server: ServerProcess, backend: str) -> None:
    """300 tasks share one AsyncQuickshops (pool of 100): no call dropped, no churn."""
    outcome: Counter[str] = Counter()

    async def run() -> None:
        indices = iter(range(CALLS))
        async with AsyncQuickshops(api_key=KEY, base_url=stress_server.url, max_retries=0) as qs:

            async def worker() -> None:
                for index in indices:
                    try:
                        result = await call(qs, index)
                        verdict = "ok" if isinstance(result, expected(index)) else repr(result)
                    except Exception as exc:  # counted, so that one failure hides no other
                        verdict = f"{type(exc).__name__}: {exc}"
                    outcome[verdict] += 1

            with anyio.fail_after(50):
                async with anyio.create_task_group() as group:
                    for _ in range(TASKS):
                        group.start_soon(worker)

    with quiet_pytest_log_capture():
        anyio.run(run, backend=backend)
    check(stress_server, outcome, f"tasks_{backend}")


def test_32_threads_under_cpu_load_reuse_their_connections(stress_server: ServerProcess) -> None:
    """32 threads on one Quickshops, another burning CPU: connections are kept, not churned."""
    calls, threads_count = 3_200, 32
    qs = Quickshops(api_key=KEY, base_url=stress_server.url, max_retries=0)
    outcome: Counter[str] = Counter()
    indices = itertools.count()
    lock = threading.Lock()
    burning = threading.Event()

    def burn() -> None:  # half of a core's time, in slices the GIL hands around
        while not burning.wait(0.001):
            deadline = time.perf_counter() + 0.001
            while time.perf_counter() < deadline:
                pass

    def worker() -> None:
        while next(indices) < calls:
            try:
                qs.products.get("prod_1")
                verdict = "ok"
            except Exception as exc:  # counted, so that one failure does not hide others
                verdict = f"{type(exc).__name__}: {exc}"
            with lock:
                outcome[verdict] += 1

    burner = threading.Thread(target=burn, daemon=True)
    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    with quiet_pytest_log_capture():
        burner.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=50)
        burning.set()
    qs.close()
    figures = stress_server.stop()
    assert {"ok": calls} == dict(outcome), outcome.most_common(3)
    # Kept alive, the connections serve every call: a few may idle past the keep-alive
    # expiry while the CPU is elsewhere, and be opened again; churn would be one a call.
    assert figures["connections"] <= threads_count + calls // 100, figures
    count("threads_32_connections", figures["connections"])
    count("threads_32_calls", calls)
