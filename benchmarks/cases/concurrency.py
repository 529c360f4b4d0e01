"""Loopback throughput: one async client shared by N tasks, each client with its defaults.

The SDK (its own httpx2 pool), raw httpx2 and raw httpx each make product reads, N
tasks at a time pulling from one queue, against the minimal uvicorn app of
``benchmarks/server.py`` in another process; interleaved. A raw client's call that
times out (its default timeouts: waiting for a connection of its pool, connecting,
reading) is counted, not retried; calls per second count answers only.
"""

from __future__ import annotations

import functools
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import httpx
import httpx2

import quickshops

from ..harness import BENCHMARKS, Bench, Target, interleave, rate
from ..payloads import HEADERS, KEY

SDK, RAW_HTTPX2, RAW_HTTPX = "quickshops", "raw httpx2", "raw httpx"
KINDS = (SDK, RAW_HTTPX2, RAW_HTTPX)
CONCURRENCIES = (50, 300)
TARGETS: tuple[Target, ...] = ()


def case(concurrency: int) -> str:
    """The case of `concurrency` tasks: "loopback, 50 tasks, defaults"."""
    return f"loopback, {concurrency} tasks, defaults"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server() -> Iterator[str]:
    """benchmarks/server.py on a free port, once it answers: the base URL of its API."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, str(BENCHMARKS / "server.py"), str(port)])
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx2.get(f"{url}/health", timeout=1)
                break
            except httpx2.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def measure(
    calls: int, repeats: int
) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], tuple[int, int]]]:
    """Calls per second of each kind of client at each concurrency, named ``(case, kind)``.

    The second dict holds, for the raw clients, (calls timed out, calls made) over all
    the runs, warm-up included.
    """
    timeouts: dict[tuple[str, str], tuple[int, int]] = {}
    with server() as url:

        async def one_run(kind: str, concurrency: int) -> float:
            product_url = f"{url}/products/prod_1"
            async with quickshops.AsyncQuickshops(api_key=KEY, base_url=url) as qs:
                raw: Any = None
                if kind == RAW_HTTPX2:
                    raw = httpx2.AsyncClient()
                elif kind == RAW_HTTPX:
                    raw = httpx.AsyncClient()
                indices = iter(range(calls))
                failed = 0

                async def worker() -> None:
                    nonlocal failed
                    for _ in indices:
                        if raw is None:
                            await qs.products.get("prod_1")
                            continue
                        try:
                            response = await raw.get(product_url, headers=HEADERS)
                        except (httpx.TimeoutException, httpx2.TimeoutException):
                            failed += 1
                            continue
                        response.raise_for_status()
                        response.json()

                start = time.perf_counter()
                async with anyio.create_task_group() as group:
                    for _ in range(concurrency):
                        group.start_soon(worker)
                elapsed = time.perf_counter() - start
                if raw is not None:
                    await raw.aclose()
                before = timeouts.get((case(concurrency), kind), (0, 0))
                timeouts[case(concurrency), kind] = (before[0] + failed, before[1] + calls)
                return (calls - failed) / elapsed

        runs: dict[tuple[str, str], Callable[[], float]] = {
            (case(concurrency), kind): functools.partial(anyio.run, one_run, kind, concurrency)
            for concurrency in CONCURRENCIES
            for kind in KINDS
        }
        return interleave(runs, repeats, warmup=1), timeouts


def run(bench: Bench) -> None:
    """Measure each concurrency; the SDK's calls per second over each raw client's."""
    throughput, timeouts = measure(*((600, 1) if bench.quick else (2000, 3)))
    bench.record(throughput)
    for concurrency in CONCURRENCIES:
        name = case(concurrency)
        note = ""
        for kind in (RAW_HTTPX2, RAW_HTTPX):
            failed, made = timeouts.get((name, kind), (0, 0))
            if failed:
                note += f"; {kind}: {failed:,} of {made:,} calls timed out"
        bench.report(name, SDK, (RAW_HTTPX2, RAW_HTTPX), name=name, show=rate, note=note)
