"""A rate-limit storm: 200 callers, 5 reads each, against an API that takes 50 a second.

The emulator serves over loopback HTTP, from its own process as a remote API would,
with a limit of 50 requests per second; 200
tasks on one `AsyncQuickshops` (or 200 threads on one `Quickshops`), default settings,
each read a product 5 times: 1,000 calls, so ideally 20 s. Without shared waits each
call waited out its own ``Retry-After`` and they all came back at once, in waves: about
half the calls failed and most requests were refused. With them, one refusal pauses
the route for every call, and the calls go on at a pace the API takes.

Targets: at least 99% of calls succeed, at most 10% of requests are answered 429, and
the storm ends within 1.3 times the ideal time.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import anyio
import pytest

from quickshops import AsyncQuickshops, Quickshops
from quickshops.testing import DIGITAL_PRODUCT_ID
from tests.reliability.conftest import (
    KEY,
    ServerProcess,
    count,
    quiet_pytest_log_capture,
    server_process,
)

CALLERS = 200
CALLS_EACH = 5
LIMIT = 50  # requests per second
IDEAL = CALLERS * CALLS_EACH / LIMIT


@pytest.fixture
def limited() -> Iterator[ServerProcess]:
    """The emulator in its own process, taking 50 requests a second per key and route."""
    env = {"LOAD_API_KEY": KEY, "LOAD_FAILURE_RATE": "0", "LOAD_RATE_LIMIT": str(LIMIT)}
    with server_process("loadserver.py", env) as server:
        yield server


def check(server: ServerProcess, outcome: Counter[str], elapsed: float, label: str) -> None:
    """The storm's figures meet the targets; they are reported either way."""
    statuses = server.stop()["statuses"]
    requests, refused = sum(statuses.values()), statuses.get("429", 0)
    calls = CALLERS * CALLS_EACH
    figures = (
        f"storm {label}: {outcome['ok']} of {calls} calls succeeded, {refused} of "
        f"{requests} requests refused, {elapsed:.1f} s ({elapsed / IDEAL:.2f}x ideal)"
    )
    print(figures)
    count(f"storm_{label}_calls_ok", outcome["ok"])
    count(f"storm_{label}_requests", requests)
    count(f"storm_{label}_refused", refused)
    count(f"storm_{label}_milliseconds", round(elapsed * 1000))
    assert outcome["ok"] >= 0.99 * calls, (figures, outcome.most_common(3))
    assert refused <= 0.10 * requests, figures
    assert elapsed <= 1.3 * IDEAL, figures


def test_storm_of_tasks_on_one_async_client(limited: ServerProcess) -> None:
    """200 tasks on one AsyncQuickshops: nearly all succeed, few refusals, near ideal time."""
    outcome: Counter[str] = Counter()

    async def run() -> None:
        async with AsyncQuickshops(api_key=KEY, base_url=limited.url) as qs:

            async def caller() -> None:
                for _ in range(CALLS_EACH):
                    try:
                        await qs.products.get(DIGITAL_PRODUCT_ID)
                        outcome["ok"] += 1
                    except Exception as exc:  # counted: the figures say what went wrong
                        outcome[type(exc).__name__] += 1

            async with anyio.create_task_group() as group:
                for _ in range(CALLERS):
                    group.start_soon(caller)

    start = time.monotonic()
    with quiet_pytest_log_capture():
        anyio.run(run)
    check(limited, outcome, time.monotonic() - start, "tasks")


def test_storm_of_threads_on_one_sync_client(limited: ServerProcess) -> None:
    """200 threads on one Quickshops: nearly all succeed, few refusals, near ideal time."""
    outcome: Counter[str] = Counter()
    lock = threading.Lock()
    qs = Quickshops(api_key=KEY, base_url=limited.url)

    def caller() -> None:
        for _ in range(CALLS_EACH):
            try:
                qs.products.get(DIGITAL_PRODUCT_ID)
                verdict = "ok"
            except Exception as exc:  # counted: the figures say what went wrong
                verdict = type(exc).__name__
            with lock:
                outcome[verdict] += 1

    threads = [threading.Thread(target=caller) for _ in range(CALLERS)]
    start = time.monotonic()
    with quiet_pytest_log_capture():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=50)
    elapsed = time.monotonic() - start
    qs.close()
    check(limited, outcome, elapsed, "threads")
