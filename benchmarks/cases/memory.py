"""Memory growth: what stays allocated across calls once the client is warmed up.

``tracemalloc`` after 1,000 warm-up calls of ``products.get`` and ``cart.add_line``,
around as many more (4,000 in a quick run, 20,000 in a full one), with the garbage
collected before each reading.
"""

from __future__ import annotations

import gc
import tracemalloc

import httpx2

import quickshops

from ..harness import Bench, Target, mock_transport
from ..payloads import KEY, bodies

CASE = "memory growth"
GROWTH = "growth"
TARGETS: tuple[Target, ...] = (Target(CASE, GROWTH, None, 256, strict=True),)


def measure(calls: int) -> float:
    """Bytes still allocated after `calls` calls, once warmed up."""
    transport = mock_transport(httpx2, bodies())
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx2.Client(transport=transport))
    for _ in range(1000):
        qs.products.get("prod_1")
        qs.cart.add_line("cart_1", "prod_1")
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(calls // 2):
            qs.products.get("prod_1")
            qs.cart.add_line("cart_1", "prod_1")
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return float(after - before)


def run(bench: Bench) -> None:
    """Measure the growth, held below 256 KiB."""
    calls = 4000 if bench.quick else 20_000
    bench.record({(CASE, GROWTH): measure(calls) / 1024})
    bench.absolute(CASE, GROWTH, "KiB", name=f"{CASE}, {calls:,} calls")
