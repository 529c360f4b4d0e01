"""The harness the cases run in: timing, targets, the table, the summary line, the exit status.

A measurement interleaves the SDK and its baselines (each timed in turn, then again),
repeats them, discards the warm-up and keeps medians, so that the load of a shared
machine falls on every side alike; only ratios measured in one run are compared.

Each case module (``benchmarks.cases``) records its figures in a `Bench` under
``(case, side)`` names, adds its rows to the table and its ratios to the summary line,
and holds a tuple of `Target` rows beside its code; the harness collects them into one
table and checks each ratio a target names as the case reports it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import gc
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

import httpx
import httpx2

import quickshops

from .payloads import RESPONSE_HEADERS, Bodies

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
K = TypeVar("K", bound=Hashable)
Loop = Callable[[int], float]
"""A timed loop: given n, it does its work n times and returns the seconds it took."""


# Timing --------------------------------------------------------------------------------


def interleave(
    runs: Mapping[K, Callable[[], float]], repeats: int, warmup: int = 2
) -> dict[K, float]:
    """Run each measurement in turn, `warmup` + `repeats` times: the median of the repeats.

    A full garbage collection before each sample keeps one side's garbage off the next.
    """
    samples: dict[K, list[float]] = {name: [] for name in runs}
    for index in range(warmup + repeats):
        for name, run in runs.items():
            gc.collect()
            value = run()
            if index >= warmup:
                samples[name].append(value)
    return {name: statistics.median(values) for name, values in samples.items()}


def seconds_per_call(loop: Loop, n: int) -> float:
    """Run `loop` for n calls and return the seconds per call."""
    return loop(n) / n


def interleave_per_call(
    loops: Mapping[K, Loop], calls: int, repeats: int, warmup: int = 2
) -> dict[K, float]:
    """`interleave` of timed loops of `calls` calls each: the median seconds per call."""
    runs = {name: functools.partial(seconds_per_call, loop, calls) for name, loop in loops.items()}
    return interleave(runs, repeats, warmup)


def timed(work: Callable[[], object]) -> Loop:
    """A loop doing `work` n times and returning the seconds it took."""

    def loop(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            work()
        return time.perf_counter() - start

    return loop


def timed_async(runner: asyncio.AbstractEventLoop, work: Callable[[], Awaitable[object]]) -> Loop:
    """A loop awaiting `work` n times on the event loop `runner`, timed inside it."""

    async def loop(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            await work()
        return time.perf_counter() - start

    return lambda n: runner.run_until_complete(loop(n))


def mock_transport(library: Any, answers: Bodies) -> Any:
    """A mock transport of `library` (httpx2 or httpx) answering each route with its body."""

    def handler(request: Any) -> Any:
        body = answers[request.method, request.url.path]
        return library.Response(200, content=body, headers=RESPONSE_HEADERS)

    return library.MockTransport(handler)


# Formatting ----------------------------------------------------------------------------


def fmt(seconds: float) -> str:
    """Seconds in us below a millisecond, else in ms."""
    return f"{seconds * 1e6:.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def rate(calls_per_second: float) -> str:
    """Calls per second, rounded."""
    return f"{calls_per_second:.0f} calls/s"


# Targets and the report ----------------------------------------------------------------


class Target(NamedTuple):
    """A limit on one figure of a case: `measurement` over `baseline`, both sides of `case`.

    With no baseline the figure itself is held to the limit (a size in KiB, say). It is
    met when at most the limit, or below it when `strict`.
    """

    case: str  # "sync products.get": the case as the module records it
    measurement: str  # the side held to the limit: "quickshops on httpx2"
    baseline: str | None  # the side it is divided by: "raw httpx2"
    limit: float
    strict: bool = False

    def met(self, value: float) -> bool:
        """Whether `value` (the ratio, or the figure) meets the target."""
        return value < self.limit if self.strict else value <= self.limit

    def bound(self, unit: str = "") -> str:
        """The limit as the summary shows it: "<= 1.10", or "< 256 KiB" with a unit."""
        limit = f"{self.limit:.2f}" if self.baseline else f"{self.limit:g}"
        if unit:
            limit += f" {unit}"
        return f"{'<' if self.strict else '<='} {limit}"


@dataclasses.dataclass
class Bench:
    """What a case is given: the run's options, and where its figures, rows and ratios go.

    `results` holds every figure under its ``(case, side)`` name; `rows` the table, one
    row a line (name, figure, baselines); `summary` the parts of the summary line;
    `checked` whether each target checked so far was met.
    """

    quick: bool
    targets: Sequence[Target] = ()
    plot: Path | None = None
    results: dict[tuple[str, str], float] = dataclasses.field(default_factory=dict)
    rows: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)
    summary: list[str] = dataclasses.field(default_factory=list)
    checked: dict[Target, bool] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        self._held: dict[tuple[str, str, str | None], Target] = {}
        for target in self.targets:
            key = (target.case, target.measurement, target.baseline)
            if key in self._held:
                raise ValueError(f"two targets for {key}")
            self._held[key] = target

    def record(self, results: Mapping[tuple[str, str], float]) -> None:
        """Keep figures under their ``(case, side)`` names."""
        self.results.update(results)

    def row(self, name: str, figure: str, baselines: str = "") -> None:
        """Add a line to the table."""
        self.rows.append((name, figure, baselines))

    def _check(
        self, case: str, measurement: str, baseline: str | None, value: float, unit: str = ""
    ) -> str:
        """Check the target held on this figure, if any: its mark ("" when none is held)."""
        target = self._held.get((case, measurement, baseline))
        if target is None:
            return ""
        ok = self.checked[target] = target.met(value)
        return f" ({target.bound(unit)}{'' if ok else ', MISSED'})"

    def report(
        self,
        case: str,
        measurement: str,
        baselines: Sequence[str],
        *,
        name: str | None = None,
        show: Callable[[float], str] = fmt,
        note: str = "",
        summary: bool = True,
    ) -> None:
        """A row of `measurement`'s figure and its ratio to each baseline of `case`.

        The row is called `name` (by default "case, measurement"). Each ratio is checked
        against the target held on it, if any; the ratios go to the summary line unless
        `summary` is false and none is held to a target. `show` formats the figures;
        `note` ends the row.
        """
        name = name or f"{case}, {measurement}"
        value = self.results[case, measurement]
        parts, ratios, held = [], [], False
        for baseline in baselines:
            other = self.results[case, baseline]
            ratio = value / other
            mark = self._check(case, measurement, baseline, ratio)
            held |= bool(mark)
            parts.append(f"{baseline} {show(other)} x{ratio:.2f}")
            ratios.append(f"/ {baseline} {ratio:.2f}{mark}")
        self.row(name, show(value), ", ".join(parts) + note)
        if summary or held:
            self.summary.append(f"{name} " + ", ".join(ratios))

    def absolute(self, case: str, measurement: str, unit: str, *, name: str | None = None) -> None:
        """A row and a summary part of a figure held to a limit of its own (no baseline)."""
        name = name or case
        value = self.results[case, measurement]
        target = self._held.get((case, measurement, None))
        self.row(name, f"{value:.1f} {unit}", f"target {target.bound(unit)}" if target else "")
        mark = self._check(case, measurement, None, value, unit)
        self.summary.append(f"{name} {value:.1f} {unit}{mark}")

    def finish(self, seconds: float) -> int:
        """Print the table and the summary line: 1 if a target was missed (or not measured)."""
        for target in self.targets:
            if target in self.checked:
                continue
            self.checked[target] = False  # a target no case checked counts as missed
            versus = f" / {target.baseline}" if target.baseline else ""
            self.summary.append(
                f"{target.case}, {target.measurement}{versus} not measured "
                f"({target.bound()}, MISSED)"
            )
        width = max((len(row[0]) for row in self.rows), default=0)
        for name, figure, baselines in self.rows:
            print(f"{name:<{width}}  {figure:>13}  {baselines}".rstrip())
        print(f"({seconds:.0f} s)")
        print("ratios: " + "; ".join(self.summary))
        met = sum(self.checked.values())
        print(f"targets: {met} of {len(self.checked)} met")
        return 0 if met == len(self.checked) else 1


class Case(Protocol):
    """A case module: the targets it holds, and the function that measures it."""

    TARGETS: tuple[Target, ...]

    def run(self, bench: Bench) -> None:
        """Measure, record the figures in `bench` and report them there."""


def targets(cases: Iterable[Case]) -> tuple[Target, ...]:
    """The one table of targets: each case module's rows, in the order of the cases."""
    return tuple(target for case in cases for target in case.TARGETS)


def environment(quick: bool) -> str:
    """The first line of a run: versions, the machine, the kind of run."""
    return (
        f"quickshops {quickshops.__version__}, httpx2 {httpx2.__version__}, "
        f"httpx {httpx.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, {'quick' if quick else 'full'} run"
    )


def run(cases: Sequence[Case], *, quick: bool, plot: Path | None = None) -> int:
    """Run every case, print the table and the summary line: 1 if a target is missed."""
    started = time.perf_counter()
    print(environment(quick), flush=True)
    bench = Bench(quick=quick, targets=targets(cases), plot=plot)
    for case in cases:
        case.run(bench)
    return bench.finish(time.perf_counter() - started)
