"""A fleet of worker processes on one key, sharing what they learn through Redis.

Four worker processes (tests/reliability/fleetworker.py), each an `AsyncQuickshops`
with 50 tasks reading a product 5 times: 1,000 calls against an API that takes 50
requests a second per key and route, so ideally 20 s. Without a shared storage each
process learns of the limit on its own and backs off on its own (about a quarter of
the requests refused, 3.7 times the ideal time). With ``rate_limit_storage`` on a
redis-server of the test's own, a pause one worker meets holds every worker back, and
the turns after it are given out across the fleet.

Targets: at least 99% of calls succeed; at most 200 requests answered 429 (the first
burst of 200 calls against a limit of 50 costs 150 before anyone knows the limit);
at most 1.3 times the ideal time plus 3 s. A storage that is unreachable, or that goes
away in the middle, fails no call; and 4 workers x 50 ``load_catalog()`` with
``catalog_max_age=60`` and ``catalog_storage`` read ``GET /catalog`` at most twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from quickshops.testing import EmulatorServer
from tests.redis_server import RedisServer, free_port
from tests.reliability.conftest import KEY, ServerProcess, count, server_process

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

WORKERS = 4
TASKS = 50
CALLS = 5
LIMIT = 50  # requests per second
IDEAL = WORKERS * TASKS * CALLS / LIMIT
WORKER = Path(__file__).with_name("fleetworker.py")
FLEET_TIMEOUT = 50  # seconds a worker may take (a test's own bound is TEST_LIMIT, 60)


@pytest.fixture
def limited() -> Iterator[ServerProcess]:
    """The emulator in its own process, taking 50 requests a second per key and route."""
    env = {"LOAD_API_KEY": KEY, "LOAD_FAILURE_RATE": "0", "LOAD_RATE_LIMIT": str(LIMIT)}
    with server_process("loadserver.py", env) as server:
        yield server


def run_fleet(
    base_url: str,
    storage: str | None,
    *,
    mode: str = "storm",
    workers: int = WORKERS,
    tasks: int = TASKS,
    calls: int = CALLS,
    meanwhile: Callable[[], None] | None = None,
) -> tuple[list[dict[str, Any]], float]:
    """Run `workers` worker processes together; their figures and the wall time."""
    start_at = time.time() + 1.5  # time for every interpreter to start
    env = {
        **os.environ,
        "FLEET_MODE": mode,
        "FLEET_BASE_URL": base_url,
        "FLEET_KEY": KEY,
        "FLEET_STORAGE": storage or "",
        "FLEET_TASKS": str(tasks),
        "FLEET_CALLS": str(calls),
        "FLEET_START": str(start_at),
    }
    processes = [
        subprocess.Popen([sys.executable, str(WORKER)], stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(workers)
    ]
    try:
        if meanwhile is not None:
            time.sleep(max(0.0, start_at - time.time()))
            meanwhile()
        outputs = [process.communicate(timeout=FLEET_TIMEOUT)[0] for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
            if process.stdout is not None:
                process.stdout.close()  # not left for a later test to find unclosed
    elapsed = time.time() - start_at
    assert all(process.returncode == 0 for process in processes), outputs
    return [json.loads(output.strip().splitlines()[-1]) for output in outputs], elapsed


def storm_figures(
    server: ServerProcess, results: list[dict[str, Any]], elapsed: float, label: str
) -> tuple[int, int, int]:
    """The calls that succeeded, the requests and the refusals; reported and counted."""
    statuses = server.stop()["statuses"]
    requests, refused = sum(statuses.values()), statuses.get("429", 0)
    ok = sum(result.get("ok", 0) for result in results)
    calls = sum(result["calls"] for result in results)
    print(
        f"fleet storm {label}: {ok} of {calls} calls succeeded, {refused} of {requests} "
        f"requests refused, {elapsed:.1f} s ({elapsed / IDEAL:.2f}x ideal)"
    )
    count(f"fleet_{label}_calls_ok", ok)
    count(f"fleet_{label}_requests", requests)
    count(f"fleet_{label}_refused", refused)
    count(f"fleet_{label}_milliseconds", round(elapsed * 1000))
    return ok, requests, refused


def test_a_fleet_sharing_pauses_through_redis_keeps_to_the_limit(
    limited: ServerProcess, redis_server: RedisServer
) -> None:
    """4 processes x 50 tasks x 5 reads with a shared storage: near the ideal, few refusals."""
    results, elapsed = run_fleet(limited.url, redis_server.url)

    ok, _, refused = storm_figures(limited, results, elapsed, "shared")
    assert ok >= 0.99 * WORKERS * TASKS * CALLS, results
    assert refused <= 200
    assert elapsed <= 1.3 * IDEAL + 3
    assert sum(result["warnings"] for result in results) == 0


def test_an_unreachable_storage_fails_no_call(limited: ServerProcess) -> None:
    """With nothing listening at the storage's address, every call still succeeds.

    Each worker warns once, and keeps its pauses in its own process.
    """
    nowhere = f"redis://127.0.0.1:{free_port()}/0"

    # Not sharing, each worker learns its own share of the limit: one that learned a
    # small share while the other was sending keeps to it once alone (the in-process
    # pacing goes no faster than its estimate until the route is idle), at worst one
    # call a pause (1 s). 30 calls a worker keep that worst case within FLEET_TIMEOUT,
    # and 60 in all still meet the limit of 50 a second.
    results, elapsed = run_fleet(limited.url, nowhere, workers=2, tasks=10, calls=3)

    ok, _, _ = storm_figures(limited, results, elapsed, "unreachable")
    assert ok == 2 * 10 * 3
    assert [result["warnings"] for result in results] == [1, 1]


def test_a_storage_that_goes_away_mid_storm_fails_no_call(
    limited: ServerProcess, redis_server: RedisServer
) -> None:
    """Redis stops 4 s into the storm and starts again 3 s later, empty.

    The workers go on with their own pauses meanwhile, each warning at most once, and
    share again once it is back: the storm still ends well within the bound.
    """
    stopper = threading.Timer(4.0, redis_server.stop)
    starter = threading.Timer(7.0, redis_server.start)

    def outage() -> None:
        stopper.start()
        starter.start()

    results, elapsed = run_fleet(limited.url, redis_server.url, meanwhile=outage)
    starter.join()

    ok, _, _ = storm_figures(limited, results, elapsed, "outage")
    assert ok >= 0.99 * WORKERS * TASKS * CALLS, results
    warnings = [result["warnings"] for result in results]  # a worker asleep the while: 0
    assert max(warnings) == 1, results
    assert elapsed <= 2 * IDEAL


def test_the_catalogue_is_read_once_for_the_fleet(redis_server: RedisServer) -> None:
    """4 workers x 50 ``load_catalog()``, shared through Redis: ``GET /catalog`` at most twice."""
    with EmulatorServer() as api:
        api.emulator.add_key(KEY)
        results, _ = run_fleet(api.url, redis_server.url, mode="catalog", calls=50)
        routes = Counter(request.route for request in api.emulator.requests)

    assert [result["ok"] for result in results] == [50] * WORKERS
    count("fleet_catalog_requests", routes["GET /catalog"])
    assert routes["GET /catalog"] <= 2, routes
    assert sum(result["warnings"] for result in results) == 0


def test_without_a_storage_each_worker_reads_the_catalogue() -> None:
    """The same without ``catalog_storage``: each worker reads the catalogue once."""
    with EmulatorServer() as api:
        api.emulator.add_key(KEY)
        run_fleet(api.url, None, mode="catalog", calls=50)
        routes = Counter(request.route for request in api.emulator.requests)

    assert routes["GET /catalog"] == WORKERS
