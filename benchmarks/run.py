"""Benchmarks of the SDK against raw httpx, measured in the same run.

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
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx

import quickshops

HERE = Path(__file__).resolve().parent
KEY = "qk_bench_secret_0000000000000"
BASE = "https://api.quickshops.app/v1"
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
}
CART = {
    "id": "cart_1",
    "storeId": "store_1",
    "lines": [{"productId": "prod_1", "quantity": 2, "product": PRODUCT}],
    "totals": {"subtotal": 3998, "total": 3998, "currency": "usd"},
}
HEADERS = {
    "x-api-key": KEY,
    "accept": "application/json",
    "user-agent": f"quickshops-python/{quickshops.__version__}",
}
# Explicit, modest limits: on loopback, pools of many keep-alive connections stall at
# random and measure the stalls rather than the clients.
LIMITS = httpx.Limits(max_connections=10, max_keepalive_connections=10)


def _answer(payload: Any) -> Callable[[httpx.Request], httpx.Response]:
    body = json.dumps({"data": payload}).encode()
    headers = {"content-type": "application/json", "x-request-id": "req_bench"}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers=headers)

    return handler


def _handler(request: httpx.Request) -> httpx.Response:
    route = PRODUCT_ANSWER if request.method == "GET" else CART_ANSWER
    return route(request)


PRODUCT_ANSWER = _answer(PRODUCT)
CART_ANSWER = _answer(CART)
TRANSPORT = httpx.MockTransport(_handler)


def per_call(loop: Callable[[int], float], n: int) -> float:
    """Run `loop` for n calls and return the seconds per call."""
    return loop(n) / n


def interleave(
    runs: dict[str, Callable[[], float]], repeats: int, warmup: int = 2
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


def sync_loops() -> dict[str, Callable[[int], float]]:
    """Timed loops for the sync client and for raw httpx doing the same work."""
    raw = httpx.Client(transport=TRANSPORT)
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx.Client(transport=TRANSPORT))
    product_url = f"{BASE}/products/prod_1"
    lines_url = f"{BASE}/cart/cart_1/lines"

    def raw_get(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            response = raw.get(product_url, headers=HEADERS)
            response.raise_for_status()
            response.json()
        return time.perf_counter() - start

    def sdk_get(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            qs.products.get("prod_1")
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

    def sdk_add(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            qs.cart.add_line("cart_1", "prod_1")
        return time.perf_counter() - start

    return {"raw get": raw_get, "sdk get": sdk_get, "raw add": raw_add, "sdk add": sdk_add}


def async_loops() -> dict[str, Callable[[int], Awaitable[float]]]:
    """Timed loops for the async client and for raw httpx doing the same work."""
    raw = httpx.AsyncClient(transport=TRANSPORT)
    qs = quickshops.AsyncQuickshops(api_key=KEY, http_client=httpx.AsyncClient(transport=TRANSPORT))
    product_url = f"{BASE}/products/prod_1"
    lines_url = f"{BASE}/cart/cart_1/lines"

    async def raw_get(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            response = await raw.get(product_url, headers=HEADERS)
            response.raise_for_status()
            response.json()
        return time.perf_counter() - start

    async def sdk_get(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            await qs.products.get("prod_1")
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

    async def sdk_add(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            await qs.cart.add_line("cart_1", "prod_1")
        return time.perf_counter() - start

    return {"raw get": raw_get, "sdk get": sdk_get, "raw add": raw_add, "sdk add": sdk_add}


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
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx.Client(transport=TRANSPORT))
    aqs = quickshops.AsyncQuickshops(
        api_key=KEY, http_client=httpx.AsyncClient(transport=TRANSPORT)
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
        "import quickshops": timed("import quickshops"),
    }
    medians = interleave(runs, repeats, warmup=3)
    base = medians.pop("python -c pass")
    return {name: value - base for name, value in medians.items()}


# d. Loopback throughput against a minimal uvicorn app -----------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def bench_throughput(requests: int, concurrency: int, repeats: int) -> dict[str, float]:
    """Requests per second through one client, SDK and raw httpx, same limits."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "server.py"), str(port)])
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{url}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

        async def run(use_sdk: bool) -> float:
            async with httpx.AsyncClient(limits=LIMITS, timeout=30) as client:
                qs = quickshops.AsyncQuickshops(api_key=KEY, base_url=url, http_client=client)
                limiter = anyio.Semaphore(concurrency)

                async def one() -> None:
                    async with limiter:
                        if use_sdk:
                            await qs.products.get("prod_1")
                        else:
                            response = await client.get(f"{url}/products/prod_1", headers=HEADERS)
                            response.raise_for_status()
                            response.json()

                start = time.perf_counter()
                async with anyio.create_task_group() as group:
                    for _ in range(requests):
                        group.start_soon(one)
                return requests / (time.perf_counter() - start)

        return interleave(
            {"raw httpx": lambda: anyio.run(run, False), "sdk": lambda: anyio.run(run, True)},
            repeats,
            warmup=1,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


# e. Memory growth ---------------------------------------------------------------------


def bench_memory(calls: int) -> float:
    """Bytes still allocated after `calls` calls, once warmed up (tracemalloc)."""
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx.Client(transport=TRANSPORT))
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
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx.Client(transport=TRANSPORT))
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
        f"quickshops {quickshops.__version__}, httpx {httpx.__version__}, "
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
            rows.append(
                (f"{mode} {call} per call", f"{sdk * 1e6:.1f} us", f"raw httpx {raw * 1e6:.1f} us")
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
            f"import httpx {httpx_import * 1e3:.1f} ms",
        )
    )
    ratio("import", sdk_import / httpx_import, "<= 1.35", sdk_import / httpx_import <= 1.35)

    throughput = bench_throughput(2000, 100, 3 if quick else 7)
    sdk_rps, raw_rps = throughput["sdk"], throughput["raw httpx"]
    rows.append(
        (
            "loopback 2,000 req, concurrency 100",
            f"{sdk_rps:.0f} req/s",
            f"raw httpx {raw_rps:.0f} req/s",
        )
    )
    ratio("throughput", sdk_rps / raw_rps, ">= 0.95", sdk_rps / raw_rps >= 0.95)

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
