"""What ``rate_limit_storage`` costs a call when nothing is paced, on a loopback server.

``products.get`` against the uvicorn app of ``benchmarks/server.py``, one call after
another, by a client with ``rate_limit_storage`` on a redis-server of the run's own and
by one without; sync and async, interleaved. With nothing paced a client asks the
storage about a route at most every few milliseconds (`quickshops._async._fleet.FRESH`),
so most calls pay no round trip to it. Without redis-server installed, the row says so.
"""

from __future__ import annotations

import asyncio
import functools
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import quickshops

from ..harness import Bench, Loop, Target, interleave_per_call, timed, timed_async
from ..payloads import KEY
from .concurrency import server

SHARED, ALONE = "quickshops, rate_limit_storage on Redis", "quickshops, in-process"
CASES = ("sync products.get, loopback", "async products.get, loopback")
TARGETS: tuple[Target, ...] = tuple(Target(case, SHARED, ALONE, 1.05) for case in CASES)


@contextmanager
def redis_server() -> Iterator[str | None]:
    """A redis-server on a free loopback port, killed after: its URL (None: not installed)."""
    executable = shutil.which("redis-server")
    if executable is None:
        yield None
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    arguments = ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([executable, *arguments], stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait(10)


def measure(url: str, storage: str, calls: int, repeats: int) -> dict[tuple[str, str], float]:
    """Seconds per call of each case on each side, named ``(case, side)``."""
    runner = asyncio.new_event_loop()
    with ExitStack() as stack:
        loops: dict[tuple[str, str], Loop] = {}
        for side, option in ((SHARED, storage), (ALONE, None)):
            qs = stack.enter_context(
                quickshops.Quickshops(api_key=KEY, base_url=url, rate_limit_storage=option)
            )
            loops[CASES[0], side] = timed(functools.partial(qs.products.get, "prod_1"))
            aqs = quickshops.AsyncQuickshops(api_key=KEY, base_url=url, rate_limit_storage=option)
            stack.callback(runner.run_until_complete, aqs.aclose())
            loops[CASES[1], side] = timed_async(
                runner, functools.partial(aqs.products.get, "prod_1")
            )
        try:
            return interleave_per_call(loops, calls, repeats)
        finally:
            stack.close()
            runner.close()


def run(bench: Bench) -> None:
    """Measure both cases; the shared client's seconds per call over the other's."""
    with server() as url, redis_server() as storage:
        if storage is None:
            bench.row(CASES[0], "not measured", "redis-server is not installed")
            return
        bench.record(measure(url, storage, *((300, 5) if bench.quick else (2000, 11))))
    for case in CASES:
        bench.report(case, SHARED, (ALONE,))
