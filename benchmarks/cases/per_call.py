"""Per-call cost: the SDK against raw httpx2 and raw httpx doing the same work by hand.

For each of ``products.get``, ``cart.add_line`` and ``products.list`` of 10 products,
sync and async, on payloads with fields the SDK does not map and on payloads without
them ("mapped fields only"): the SDK on its own stack (an ``httpx2.Client`` of a mock
transport) and on a caller's ``httpx.Client``, raw httpx2 and raw httpx, all
interleaved (see `benchmarks.calls` for what each side does). Each SDK row shows its
ratio to both raw clients; the targets hold the SDK to the raw client it runs on.
"""

from __future__ import annotations

import asyncio

from ..calls import ADD, GET, LIST, RAW_HTTPX, RAW_HTTPX2, SDK_HTTPX, SDK_HTTPX2, loops
from ..harness import Bench, Loop, Target, interleave_per_call
from ..payloads import bodies

# products.list answers with 10 products here (`bodies`' default).
OPS = (GET, ADD, LIST._replace(name="products.list of 10"))
MODES = ("sync", "async")
# (the suffix of the case names, whether the payloads carry unmapped fields)
VARIANTS = (("", True), (", mapped fields only", False))

# On payloads with unmapped fields, as real ones are: the SDK on httpx2 over raw httpx2
# (its own stack), and the SDK on a caller's httpx client over raw httpx.
TARGETS: tuple[Target, ...] = (
    Target("sync products.get", SDK_HTTPX2, RAW_HTTPX2, 1.10),
    Target("async products.get", SDK_HTTPX2, RAW_HTTPX2, 1.10),
    Target("sync cart.add_line", SDK_HTTPX2, RAW_HTTPX2, 1.15),
    Target("async cart.add_line", SDK_HTTPX2, RAW_HTTPX2, 1.15),
    Target("sync products.get", SDK_HTTPX, RAW_HTTPX, 1.05),
    Target("async products.get", SDK_HTTPX, RAW_HTTPX, 1.05),
    Target("sync cart.add_line", SDK_HTTPX, RAW_HTTPX, 1.08),
    Target("async cart.add_line", SDK_HTTPX, RAW_HTTPX, 1.08),
)


def measure(calls: int, repeats: int) -> dict[tuple[str, str], float]:
    """Per-call seconds of each op on each side, named ``(case, side)``.

    A case is "{sync|async} {op}{variant}", e.g. ``("async cart.add_line, mapped fields
    only", "raw httpx")``. The sync loops are interleaved together, then the async ones.
    """
    variants = [(suffix, bodies(unmapped=unmapped)) for suffix, unmapped in VARIANTS]
    results: dict[tuple[str, str], float] = {}
    for mode in MODES:
        runner = asyncio.new_event_loop() if mode == "async" else None
        try:
            timed_loops: dict[tuple[str, str], Loop] = {}
            for suffix, answers in variants:
                for (op, side), loop in loops(answers, OPS, runner=runner).items():
                    timed_loops[f"{mode} {op}{suffix}", side] = loop
            results.update(interleave_per_call(timed_loops, calls, repeats))
        finally:
            if runner is not None:
                runner.close()
    return results


def run(bench: Bench) -> None:
    """Measure every op, sync and async, each variant; a row for each SDK side."""
    calls, repeats = (150, 5) if bench.quick else (1000, 11)
    bench.record(measure(calls, repeats))
    for mode in MODES:
        for suffix, _ in VARIANTS:
            for op in OPS:
                case = f"{mode} {op.name}{suffix}"
                bench.report(case, SDK_HTTPX2, (RAW_HTTPX2, RAW_HTTPX))
                bench.report(case, SDK_HTTPX, (RAW_HTTPX, RAW_HTTPX2))
