"""Benchmarks of the SDK against raw httpx2 (its own stack) and raw httpx, in the same run.

    python benchmarks/run.py            # full run (a few minutes)
    python benchmarks/run.py --quick    # short run (under a minute)
    python benchmarks/run.py --profile  # where a call's time goes (cProfile)

Each measurement interleaves the SDK and its baseline, repeats them, discards the
warm-up and reports medians. The last line sums up the ratios against their targets.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import gc
import json
import os
import platform
import pstats
import socket
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2

import quickshops

HERE = Path(__file__).resolve().parent
KEY = "qk_bench_secret_0000000000000"
BASE = "https://api.quickshops.app/v1"
# Real responses carry fields the SDK does not map (timestamps, internal ids).
UNMAPPED = {"createdAt": "2026-01-02T03:04:05Z", "updatedAt": "2026-01-02T03:04:05Z", "__v": 0}
PRODUCT = {
    "_id": "prod_1",
    "storeId": "store_1",
    "name": "Green tea",
    "description": None,
    "priceInCents": 1999,
    "currency": "usd",
    "type": "physical",
    "billingInterval": None,
    "imageUrl": None,
    "isActive": True,
    "category": "tea",
    "details": ["100 g"],
    **UNMAPPED,
}
CART = {
    "id": "cart_1",
    "storeId": "store_1",
    "lines": [{"productId": "prod_1", "quantity": 2, "product": PRODUCT}],
    "totals": {"subtotal": 3998, "total": 3998, "currency": "usd"},
    **UNMAPPED,
}
HEADERS = {
    "x-api-key": KEY,
    "accept": "application/json",
    "user-agent": f"quickshops-python/{quickshops.__version__}",
}


def _transport(library: Any) -> Any:
    """A mock transport of `library` (httpx2 or httpx): a product for a GET, else a cart."""
    headers = {"content-type": "application/json", "x-request-id": "req_bench"}
    bodies = {
        method: json.dumps({"data": payload}).encode()
        for method, payload in (("GET", PRODUCT), ("POST", CART))
    }

    def handler(request: Any) -> Any:
        return library.Response(200, content=bodies[request.method], headers=headers)

    return library.MockTransport(handler)


TRANSPORT = _transport(httpx2)
HTTPX_TRANSPORT = _transport(httpx)


def per_call(loop: Callable[[int], float], n: int) -> float:
    """Run `loop` for n calls and return the seconds per call."""
    return loop(n) / n


def interleave(
    runs: Mapping[str, Callable[[], float]], repeats: int, warmup: int = 2
) -> dict[str, float]:
    """Run each measurement in turn, `repeats` times, and return the median of each."""
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for index in range(warmup + repeats):
        for name, run in runs.items():
            gc.collect()
            value = run()
            if index >= warmup:
                samples[name].append(value)
    return {name: statistics.median(values) for name, values in samples.items()}


# a. Per-call cost on httpx.MockTransport ------------------------------------------------


def raw_sync_loops(raw: Any, label: str) -> dict[str, Callable[[int], float]]:
    """Timed loops for a raw client (httpx2 or httpx) doing the SDK's work by hand."""
    product_url = f"{BASE}/products/prod_1"
    lines_url = f"{BASE}/cart/cart_1/lines"

    def raw_get(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            response = raw.get(product_url, headers=HEADERS)
            response.raise_for_status()
            response.json()
        return time.perf_counter() - start

    def raw_add(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            headers = {**HEADERS, "idempotency-key": str(uuid.uuid4())}
            body = {"productId": "prod_1", "quantity": 1}
            response = raw.post(lines_url, json=body, headers=headers)
            response.raise_for_status()
            response.json()
        return time.perf_counter() - start

    return {f"{label} get": raw_get, f"{label} add": raw_add}


def sync_loops() -> dict[str, Callable[[int], float]]:
    """Timed loops for the sync client and for raw httpx2 and httpx doing the same work."""
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx2.Client(transport=TRANSPORT))

    def sdk_get(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            qs.products.get("prod_1")
        return time.perf_counter() - start

    def sdk_add(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            qs.cart.add_line("cart_1", "prod_1")
        return time.perf_counter() - start

    return {
        **raw_sync_loops(httpx2.Client(transport=TRANSPORT), "raw"),
        **raw_sync_loops(httpx.Client(transport=HTTPX_TRANSPORT), "httpx"),
        "sdk get": sdk_get,
        "sdk add": sdk_add,
    }


def raw_async_loops(raw: Any, label: str) -> dict[str, Callable[[int], Awaitable[float]]]:
    """Timed loops for a raw async client (httpx2 or httpx) doing the SDK's work by hand."""
    product_url = f"{BASE}/products/prod_1"
    lines_url = f"{BASE}/cart/cart_1/lines"

    async def raw_get(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            response = await raw.get(product_url, headers=HEADERS)
            response.raise_for_status()
            response.json()
        return time.perf_counter() - start

    async def raw_add(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            headers = {**HEADERS, "idempotency-key": str(uuid.uuid4())}
            body = {"productId": "prod_1", "quantity": 1}
            response = await raw.post(lines_url, json=body, headers=headers)
            response.raise_for_status()
            response.json()
        return time.perf_counter() - start

    return {f"{label} get": raw_get, f"{label} add": raw_add}


def async_loops() -> dict[str, Callable[[int], Awaitable[float]]]:
    """Timed loops for the async client and for raw httpx2 and httpx doing the same work."""
    qs = quickshops.AsyncQuickshops(
        api_key=KEY, http_client=httpx2.AsyncClient(transport=TRANSPORT)
    )

    async def sdk_get(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            await qs.products.get("prod_1")
        return time.perf_counter() - start

    async def sdk_add(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            await qs.cart.add_line("cart_1", "prod_1")
        return time.perf_counter() - start

    return {
        **raw_async_loops(httpx2.AsyncClient(transport=TRANSPORT), "raw"),
        **raw_async_loops(httpx.AsyncClient(transport=HTTPX_TRANSPORT), "httpx"),
        "sdk get": sdk_get,
        "sdk add": sdk_add,
    }


def bench_per_call(calls: int, repeats: int) -> dict[str, float]:
    """Per-call seconds of each loop, sync and async, interleaved."""
    sync = sync_loops()
    results = {
        f"sync {name}": value
        for name, value in interleave(
            {name: functools.partial(per_call, loop, calls) for name, loop in sync.items()},
            repeats,
        ).items()
    }

    async def run_async() -> dict[str, float]:
        loops = async_loops()
        samples: dict[str, list[float]] = {name: [] for name in loops}
        for index in range(2 + repeats):
            for name, loop in loops.items():
                gc.collect()
                value = await loop(calls) / calls
                if index >= 2:
                    samples[name].append(value)
        return {f"async {name}": statistics.median(v) for name, v in samples.items()}

    results.update(asyncio.run(run_async()))
    return results


# b. The generated sync facade against asyncio.run() around the async client ---------------


def bench_facade(calls: int, repeats: int) -> dict[str, float]:
    """Per-call seconds of the sync client and of a naive asyncio.run() wrapper."""
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx2.Client(transport=TRANSPORT))
    aqs = quickshops.AsyncQuickshops(
        api_key=KEY, http_client=httpx2.AsyncClient(transport=TRANSPORT)
    )

    def facade() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            qs.products.get("prod_1")
        return (time.perf_counter() - start) / calls

    def naive() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            asyncio.run(aqs.products.get("prod_1"))
        return (time.perf_counter() - start) / calls

    return interleave({"generated sync": facade, "asyncio.run wrapper": naive}, repeats)


# c. Import time in fresh interpreters ---------------------------------------------------


def bench_import(repeats: int) -> dict[str, float]:
    """Wall seconds of `import X` in a fresh interpreter, less an empty interpreter's."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def timed(statement: str) -> Callable[[], float]:
        def run() -> float:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], env=env, check=True)
            return time.perf_counter() - start

        return run

    runs = {
        "python -c pass": timed("pass"),
        "import httpx": timed("import httpx"),
        "import httpx2": timed("import httpx2"),
        "import quickshops": timed("import quickshops"),
    }
    medians = interleave(runs, repeats, warmup=3)
    base = medians.pop("python -c pass")
    return {name: value - base for name, value in medians.items()}


# d. Loopback throughput under concurrency, against a minimal uvicorn app ----------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def bench_concurrency(
    calls: int, concurrencies: tuple[int, ...], repeats: int
) -> dict[tuple[int, str], float]:
    """Calls per second of one client shared by N tasks, each client with its defaults.

    The SDK (its own httpx2 pool), raw httpx2 and raw httpx each do `calls` product reads,
    N tasks at a time pulling from one queue, against the same server; interleaved.
    """
    port = _free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "server.py"), str(port)])
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

        async def run(kind: str, concurrency: int) -> float:
            product_url = f"{url}/products/prod_1"
            async with quickshops.AsyncQuickshops(api_key=KEY, base_url=url) as qs:
                raw: Any = None
                if kind == "raw httpx2":
                    raw = httpx2.AsyncClient()
                elif kind == "raw httpx":
                    raw = httpx.AsyncClient()
                indices = iter(range(calls))

                async def worker() -> None:
                    for _ in indices:
                        if raw is None:
                            await qs.products.get("prod_1")
                        else:
                            response = await raw.get(product_url, headers=HEADERS)
                            response.raise_for_status()
                            response.json()

                start = time.perf_counter()
                async with anyio.create_task_group() as group:
                    for _ in range(concurrency):
                        group.start_soon(worker)
                elapsed = time.perf_counter() - start
                if raw is not None:
                    await raw.aclose()
                return calls / elapsed

        runs: dict[str, Callable[[], float]] = {
            f"{concurrency} {kind}": functools.partial(anyio.run, run, kind, concurrency)
            for concurrency in concurrencies
            for kind in ("sdk", "raw httpx2", "raw httpx")
        }
        medians = interleave(runs, repeats, warmup=1)
        return {
            (int(name.split(" ", 1)[0]), name.split(" ", 1)[1]): value
            for name, value in medians.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


# e. Memory growth ---------------------------------------------------------------------


def bench_memory(calls: int) -> float:
    """Bytes still allocated after `calls` calls, once warmed up (tracemalloc)."""
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx2.Client(transport=TRANSPORT))
    for _ in range(1000):
        qs.products.get("prod_1")
        qs.cart.add_line("cart_1", "prod_1")
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(calls // 2):
        qs.products.get("prod_1")
        qs.cart.add_line("cart_1", "prod_1")
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return float(after - before)


def profile(calls: int = 5000) -> None:
    """Print where the time of `calls` sync add_line calls goes, by own time (cProfile)."""
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx2.Client(transport=TRANSPORT))
    for _ in range(500):
        qs.cart.add_line("cart_1", "prod_1")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        qs.cart.add_line("cart_1", "prod_1")
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> int:
    """Run every benchmark, print a table and a summary line; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (< 60 s)")
    parser.add_argument("--profile", action="store_true", help="profile calls instead")
    options = parser.parse_args()
    if options.profile:
        profile()
        return 0
    quick = options.quick
    calls, repeats = (300, 5) if quick else (2000, 11)
    started = time.perf_counter()
    print(
        f"quickshops {quickshops.__version__}, httpx2 {httpx2.__version__}, "
        f"httpx {httpx.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {'quick' if quick else 'full'} run"
    )
    rows: list[tuple[str, str, str]] = []
    summary: list[str] = []
    missed = False

    def ratio(name: str, value: float, target: str, ok: bool) -> None:
        nonlocal missed
        missed |= not ok
        summary.append(f"{name} {value:.2f} ({target}{'' if ok else ', MISSED'})")

    cost = bench_per_call(calls, repeats)
    for mode in ("sync", "async"):
        for call, key in (("products.get", "get"), ("cart.add_line", "add")):
            sdk, raw = cost[f"{mode} sdk {key}"], cost[f"{mode} raw {key}"]
            plain = cost[f"{mode} httpx {key}"]
            rows.append(
                (
                    f"{mode} {call} per call",
                    f"{sdk * 1e6:.1f} us",
                    f"raw httpx2 {raw * 1e6:.1f} us, raw httpx {plain * 1e6:.1f} us "
                    f"(x{sdk / plain:.2f})",
                )
            )
            ratio(f"{mode} {call}", sdk / raw, "<= 1.10", sdk / raw <= 1.10)

    facade = bench_facade(calls // 2, repeats)
    sync_cost, naive = facade["generated sync"], facade["asyncio.run wrapper"]
    rows.append(
        (
            "sync facade per call",
            f"{sync_cost * 1e6:.1f} us",
            f"asyncio.run wrapper {naive * 1e6:.1f} us",
        )
    )
    summary.append(f"sync facade / asyncio.run {sync_cost / naive:.2f}")

    imports = bench_import(7 if quick else 21)
    sdk_import, httpx_import = imports["import quickshops"], imports["import httpx"]
    rows.append(
        (
            "import (net of startup)",
            f"{sdk_import * 1e3:.1f} ms",
            f"import httpx {httpx_import * 1e3:.1f} ms, "
            f"import httpx2 {imports['import httpx2'] * 1e3:.1f} ms",
        )
    )
    # The SDK's own import cost is measured against its own stack's.
    sdk_over_stack = sdk_import / imports["import httpx2"]
    ratio("import / httpx2", sdk_over_stack, "<= 1.35", sdk_over_stack <= 1.35)
    summary.append(f"import / httpx {sdk_import / httpx_import:.2f}")

    concurrencies = (50, 300)
    throughput = bench_concurrency(1500 if quick else 4000, concurrencies, 1 if quick else 3)
    for concurrency in concurrencies:
        sdk_rps = throughput[concurrency, "sdk"]
        raw2_rps = throughput[concurrency, "raw httpx2"]
        raw_rps = throughput[concurrency, "raw httpx"]
        rows.append(
            (
                f"loopback, {concurrency} tasks, defaults",
                f"{sdk_rps:.0f} calls/s",
                f"raw httpx2 {raw2_rps:.0f} calls/s, raw httpx {raw_rps:.0f} calls/s",
            )
        )
        summary.append(f"{concurrency} tasks / raw httpx2 {sdk_rps / raw2_rps:.2f}")
        summary.append(f"{concurrency} tasks / raw httpx {sdk_rps / raw_rps:.2f}")

    growth = bench_memory(4000 if quick else 20_000)
    rows.append(
        (
            "memory growth, 20,000 calls" if not quick else "memory growth, 4,000 calls",
            f"{growth / 1024:.1f} KiB",
            "target < 256 KiB",
        )
    )
    ok = growth < 256 * 1024
    missed |= not ok
    summary.append(f"memory {growth / 1024:.0f} KiB (< 256 KiB{'' if ok else ', MISSED'})")

    width = max(len(row[0]) for row in rows)
    for name, value, baseline in rows:
        print(f"{name:<{width}}  {value:>12}  {baseline}")
    print(f"({time.perf_counter() - started:.0f} s)")
    print("ratios: " + "; ".join(summary))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
