"""Client construction: each client made with its own default pool, then closed.

``Quickshops(api_key=...)`` against ``httpx.Client()`` and ``httpx2.Client()``, and
``AsyncQuickshops(api_key=...)`` against their async clients, all interleaved.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

import httpx
import httpx2

import quickshops

from ..harness import Bench, Loop, Target, interleave_per_call, timed, timed_async
from ..payloads import KEY

SYNC = "Quickshops(api_key=...) + close"
ASYNC = "AsyncQuickshops(api_key=...) + close"
SDK = "quickshops"
# (case, the SDK's constructor, {baseline side: its constructor})
CLIENTS: tuple[tuple[str, Callable[[], Any], dict[str, Callable[[], Any]]], ...] = (
    (
        SYNC,
        functools.partial(quickshops.Quickshops, api_key=KEY),
        {"httpx.Client()": httpx.Client, "httpx2.Client()": httpx2.Client},
    ),
    (
        ASYNC,
        functools.partial(quickshops.AsyncQuickshops, api_key=KEY),
        {"httpx.AsyncClient()": httpx.AsyncClient, "httpx2.AsyncClient()": httpx2.AsyncClient},
    ),
)

TARGETS: tuple[Target, ...] = (
    Target(SYNC, SDK, "httpx.Client()", 0.25),
    Target(ASYNC, SDK, "httpx.AsyncClient()", 0.25),
)


def _make_and_close(make: Callable[[], Any]) -> None:
    make().close()


async def _make_and_aclose(make: Callable[[], Any]) -> None:
    await make().aclose()


def measure(count: int, repeats: int, warmup: int) -> dict[tuple[str, str], float]:
    """Seconds to make and close each client, named ``(case, side)``; interleaved."""
    runner = asyncio.new_event_loop()
    try:
        timed_loops: dict[tuple[str, str], Loop] = {}
        for case, sdk, baselines in CLIENTS:
            for side, make in {SDK: sdk, **baselines}.items():
                if case == SYNC:
                    timed_loops[case, side] = timed(functools.partial(_make_and_close, make))
                else:
                    work = functools.partial(_make_and_aclose, make)
                    timed_loops[case, side] = timed_async(runner, work)
        return interleave_per_call(timed_loops, count, repeats, warmup)
    finally:
        runner.close()


def run(bench: Bench) -> None:
    """Measure each client's construction and close; the SDK's against each baseline."""
    bench.record(measure(*((2, 3, 1) if bench.quick else (4, 11, 2))))
    for case, _, baselines in CLIENTS:
        bench.report(case, SDK, tuple(baselines), name=case)
