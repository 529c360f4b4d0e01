"""What observability costs a call, on a loopback server.

``products.get`` against the uvicorn app of ``benchmarks/server.py``, one call after
another, sync and async, each side interleaved with a client constructed while
``QUICKSHOPS_TRACING=false`` is set (no tracing, as before there was any):

- tracing installed and no tracer provider set: a default client starts each call's
  span through the global tracer provider, gets a no-op span and does nothing more.
  This is what every caller who installs ``opentelemetry-api`` (or has it installed by
  something else) and never sets a provider pays; held to a target. It is measured in
  the run's own process, which never sets a global tracer provider;
- tracing to an in-memory exporter: an ``opentelemetry-sdk`` ``TracerProvider`` with a
  ``SimpleSpanProcessor`` and an ``InMemorySpanExporter`` (cleared before each sample,
  so that memory does not grow); reported. OpenTelemetry's global tracer provider can
  be set only once in a process, and once set it would trace every later case of the
  run, so this part runs in a child process of its own (its own loopback server too),
  which prints the seconds per call of both its sides as JSON for this one to report;
- an ``on_event`` hook counting the events in a ``collections.Counter`` by (event type,
  operation), with tracing off on both sides, so that only the hook is measured;
  reported.

Without ``opentelemetry-api`` (or ``opentelemetry-sdk``, for the exporter) installed,
a row says so and only the hook is measured.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import NamedTuple

import quickshops
from quickshops.events import Event, RateLimitWait

from ..harness import ROOT, Bench, Loop, Target, interleave_per_call, timed, timed_async
from ..payloads import KEY
from .concurrency import server

TRACED = "quickshops, tracing (no provider)"
OFF = "quickshops, QUICKSHOPS_TRACING=false"
EXPORTED = "quickshops, tracing to an in-memory exporter"
HOOKED = "quickshops, on_event counter"
MODES = ("sync", "async")
TRACING_ENV = "QUICKSHOPS_TRACING"
Hook = Callable[[Event], None]
Results = dict[tuple[str, str], float]


def case(mode: str, provider: bool = False) -> str:
    """The case of `mode` ("sync", "async"), in a process with a tracer provider or without."""
    where = "tracer provider set" if provider else "no tracer provider"
    return f"{mode} products.get, loopback, {where}"


def row(mode: str, side: str) -> str:
    """The name of the row of `side`: "sync products.get, loopback, quickshops, ..."."""
    return f"{mode} products.get, loopback, {side}"


TARGETS: tuple[Target, ...] = tuple(Target(case(mode), TRACED, OFF, 1.03) for mode in MODES)


class Side(NamedTuple):
    """How the clients of one side are made: tracing on or off, and their hook."""

    tracing: bool
    hook: Hook | None = None


@contextmanager
def tracing_environment(tracing: bool) -> Iterator[None]:
    """``QUICKSHOPS_TRACING`` unset (`tracing`) or "false" inside, as it was after."""
    before = os.environ.get(TRACING_ENV)
    if tracing:
        os.environ.pop(TRACING_ENV, None)
    else:
        os.environ[TRACING_ENV] = "false"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(TRACING_ENV, None)
        else:
            os.environ[TRACING_ENV] = before


def installed(module: str) -> bool:
    """Whether `module` can be imported (without importing it, bar its parent packages)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def check(client: quickshops.Quickshops | quickshops.AsyncQuickshops, side: Side) -> None:
    """Fail unless `client` traces and has a hook as `side` says (what is measured is so)."""
    observer = client._sender.observer
    traced = observer is not None and observer.otel is not None
    hooked = observer is not None and observer.hook is not None
    if (traced, hooked) != (side.tracing, side.hook is not None):
        raise RuntimeError(
            f"a {type(client).__name__} for {side} traces: {traced}, has a hook: {hooked}"
        )


def counter() -> tuple[Counter[tuple[str, str]], Hook]:
    """A counter of events by (type name, operation; a route for a wait), and its hook."""
    counts: Counter[tuple[str, str]] = Counter()

    def count(event: Event) -> None:
        operation = event.route if isinstance(event, RateLimitWait) else event.operation
        counts[type(event).__name__, operation] += 1

    return counts, count


def clearing(loop: Loop, clear: Callable[[], object]) -> Loop:
    """`loop`, calling `clear` before each run of it, outside its timing."""

    def cleared(n: int) -> float:
        clear()
        return loop(n)

    return cleared


def measure(
    url: str,
    sides: Mapping[str, Side],
    calls: int,
    repeats: int,
    *,
    provider: bool = False,
    first: Callable[[], object] | None = None,
    clear: Callable[[], object] | None = None,
) -> Results:
    """Seconds per call of ``products.get`` on each side, sync and async, interleaved.

    The figures are named ``(case(mode, provider), side)``. Each client makes a call
    first; then `first` is called, before the timing starts, and `clear` before each
    sample of a side that traces (outside its timing).
    """
    runner = asyncio.new_event_loop()
    with ExitStack() as stack:
        loops: dict[tuple[str, str], Loop] = {}
        for name, side in sides.items():
            with tracing_environment(side.tracing):
                qs = stack.enter_context(
                    quickshops.Quickshops(api_key=KEY, base_url=url, on_event=side.hook)
                )
                aqs = quickshops.AsyncQuickshops(api_key=KEY, base_url=url, on_event=side.hook)
            stack.callback(runner.run_until_complete, aqs.aclose())
            check(qs, side)
            check(aqs, side)
            qs.products.get("prod_1")
            runner.run_until_complete(aqs.products.get("prod_1"))
            sync = timed(functools.partial(qs.products.get, "prod_1"))
            asynchronous = timed_async(runner, functools.partial(aqs.products.get, "prod_1"))
            if clear is not None and side.tracing:
                sync, asynchronous = clearing(sync, clear), clearing(asynchronous, clear)
            loops[case("sync", provider), name] = sync
            loops[case("async", provider), name] = asynchronous
        if first is not None:
            first()
        try:
            return interleave_per_call(loops, calls, repeats)
        finally:
            stack.close()
            runner.close()


def child(calls: int, repeats: int) -> None:
    """In a child process: set a tracer provider, measure, print the figures as JSON.

    The last line of its output is ``{"quickshops": its file, "results": [[case, side,
    seconds per call], ...]}``.
    """
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    if trace.get_tracer_provider() is not provider:
        raise RuntimeError("the tracer provider was not set (one was set before?)")

    def one_span_a_client() -> None:
        spans = exporter.get_finished_spans()
        if len(spans) != len(MODES):  # a sync and an async client trace
            raise RuntimeError(f"{len(MODES)} spans expected, the exporter has {len(spans)}")

    sides = {EXPORTED: Side(tracing=True), OFF: Side(tracing=False)}
    with server() as url:
        results = measure(
            url,
            sides,
            calls,
            repeats,
            provider=True,
            first=one_span_a_client,
            clear=exporter.clear,
        )
    figures = [[name, side, seconds] for (name, side), seconds in results.items()]
    print(json.dumps({"quickshops": quickshops.__file__, "results": figures}))


def in_child(calls: int, repeats: int) -> Results:
    """`child`'s figures: run in a process of its own, at the root of the repository."""
    code = f"from benchmarks.cases.observability import child; child({calls}, {repeats})"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(
            f"the child measuring tracing to an exporter failed ({done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"the child measuring tracing printed nothing:\n{done.stderr}")
    answer = json.loads(lines[-1])
    if answer["quickshops"] != quickshops.__file__:
        raise RuntimeError(
            f"the child measured {answer['quickshops']}, this process {quickshops.__file__}"
        )
    return {(name, side): float(seconds) for name, side, seconds in answer["results"]}


def run(bench: Bench) -> None:
    """Measure tracing without a provider and the hook here, tracing to an exporter in a child."""
    calls, repeats = (300, 5) if bench.quick else (2000, 11)
    otel = installed("opentelemetry.trace")
    provider_set = False
    if otel:
        from opentelemetry import trace

        provider_set = not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider)
    counts, count = counter()
    sides = {OFF: Side(tracing=False), HOOKED: Side(tracing=False, hook=count)}
    if otel and not provider_set:
        sides[TRACED] = Side(tracing=True)
    with server() as url:
        bench.record(measure(url, sides, calls, repeats))
    exporter = otel and installed("opentelemetry.sdk.trace")
    if exporter:
        bench.record(in_child(calls, repeats))

    if not otel:
        bench.row(row("sync", TRACED), "not measured", "opentelemetry-api is not installed")
    elif provider_set:
        bench.row(row("sync", TRACED), "not measured", "a global tracer provider is set already")
    else:
        for mode in MODES:
            bench.report(case(mode), TRACED, (OFF,), name=row(mode, TRACED))
    if exporter:
        for mode in MODES:
            bench.report(case(mode, provider=True), EXPORTED, (OFF,), name=row(mode, EXPORTED))
    else:
        bench.row(row("sync", EXPORTED), "not measured", "opentelemetry-sdk is not installed")
    counted = sum(n for (kind, _), n in counts.items() if kind == "CallFinished")
    note = f"; the hook counted {counted:,} calls, sync and async"
    for mode in MODES:
        bench.report(case(mode), HOOKED, (OFF,), name=row(mode, HOOKED), note=note)
