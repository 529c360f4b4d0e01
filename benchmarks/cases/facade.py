"""The generated sync client against the naive alternative: asyncio.run() around the async one.

``Quickshops.products.get`` per call against ``asyncio.run()`` of an
``AsyncQuickshops`` call (one client made in each loop, sharing one ``http_client``:
an async client belongs to one event loop), on the same mock transport.
"""

from __future__ import annotations

import asyncio
import time

import httpx2

import quickshops

from ..harness import Bench, Target, interleave, mock_transport
from ..payloads import KEY, bodies

CASE = "sync facade per call"
SYNC, WRAPPER = "generated sync", "asyncio.run wrapper"
TARGETS: tuple[Target, ...] = ()


def measure(calls: int, repeats: int) -> dict[tuple[str, str], float]:
    """Per-call seconds of the sync client and of the asyncio.run() wrapper."""
    transport = mock_transport(httpx2, bodies())
    qs = quickshops.Quickshops(api_key=KEY, http_client=httpx2.Client(transport=transport))
    http = httpx2.AsyncClient(transport=transport)

    async def one_call() -> None:
        aqs = quickshops.AsyncQuickshops(api_key=KEY, http_client=http)
        await aqs.products.get("prod_1")

    def facade() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            qs.products.get("prod_1")
        return (time.perf_counter() - start) / calls

    def naive() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            asyncio.run(one_call())
        return (time.perf_counter() - start) / calls

    return interleave({(CASE, SYNC): facade, (CASE, WRAPPER): naive}, repeats)


def run(bench: Bench) -> None:
    """Measure both; the sync client's ratio to the wrapper (no target)."""
    bench.record(measure(*((50, 3) if bench.quick else (1000, 11))))
    bench.report(CASE, SYNC, (WRAPPER,), name=CASE)
