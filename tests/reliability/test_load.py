"""Load: 10,000 calls through one client against the emulator over loopback, 10% 503s.

The emulator serves from its own process (`loadserver.py`), so every socket in this
process's ``/proc/self/fd`` during the run is a client socket. A sampling thread counts
them (and the pool's connections) every few milliseconds; they must never exceed the
pool limit given to the client with `httpx2.Limits`. After the client is closed, the
process must hold exactly the file descriptors it held before.

Each call is tagged (header ``x-load-call``, from a context variable, by an httpx event
hook) so that the server can fail 10% of requests with 503 yet never one call more than
twice: with the default ``max_retries=2`` every call must succeed, and the client's
retries must match the 503s the server injected one for one.
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import os
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx2
import pytest

from quickshops import (
    AsyncQuickshops,
    Cart,
    CheckoutSession,
    CheckoutSessionDetails,
    Health,
    PortalSession,
    Product,
    Quickshops,
    Store,
)
from quickshops.testing import DIGITAL_PRODUCT_ID, MEMBER_SESSION_ID, Emulator, EmulatorServer
from tests.reliability.conftest import (
    AUDIT,
    KEY,
    ServerProcess,
    Sleeps,
    connection_pool,
    count,
    quiet_pytest_log_capture,
    server_process,
)

CALLS = 10_000
ASYNC_CONCURRENCY = 200
ASYNC_POOL = 10  # far fewer connections than concurrent calls: calls queue for the pool
THREADS = 16
SYNC_POOL = 8
FAILURE_RATE = 0.1
MAX_RETRIES = 2
SAMPLE_SECONDS = 0.005

CALL_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("call_id", default=None)


def tag(request: httpx2.Request) -> None:
    """Name the call each request belongs to, for the server's fault budget."""
    call = CALL_ID.get()
    if call is not None:
        request.headers["x-load-call"] = call


async def tag_async(request: httpx2.Request) -> None:
    """`tag`, for the async client's event hooks."""
    tag(request)


@dataclass(frozen=True)
class Seeded:
    """The cart and checkout session the load's reads and writes refer to."""

    cart_id: str
    session_id: str


MIX: tuple[tuple[str, Callable[[Any, Seeded], Any], type], ...] = (
    ("GET /health", lambda qs, s: qs.health.check(), Health),
    ("GET /products/store", lambda qs, s: qs.store.get(), Store),
    ("GET /products", lambda qs, s: qs.products.list(), list),
    ("GET /products/{productId}", lambda qs, s: qs.products.get(DIGITAL_PRODUCT_ID), Product),
    ("GET /cart/{cartId}", lambda qs, s: qs.cart.get(s.cart_id), Cart),
    (
        "POST /cart/{cartId}/lines",
        lambda qs, s: qs.cart.add_line(s.cart_id, DIGITAL_PRODUCT_ID, 1),
        Cart,
    ),
    ("POST /cart", lambda qs, s: qs.cart.create(), Cart),
    (
        "GET /checkout/sessions/{sessionId}",
        lambda qs, s: qs.checkout.get_session(s.session_id),
        CheckoutSessionDetails,
    ),
    (
        "POST /checkout/session",
        lambda qs, s: qs.checkout.create_session(product_id=DIGITAL_PRODUCT_ID),
        CheckoutSession,
    ),
    (
        "POST /subscription/portal",
        lambda qs, s: qs.subscription.create_portal_session(MEMBER_SESSION_ID),
        PortalSession,
    ),
)


@pytest.fixture
def load_server() -> Iterator[ServerProcess]:
    """The emulator in its own process on a free loopback port; stopped afterwards."""
    env = {"LOAD_API_KEY": KEY, "LOAD_FAILURE_RATE": str(FAILURE_RATE)}
    env["LOAD_MAX_FAILURES"] = str(MAX_RETRIES)
    with server_process("loadserver.py", env) as server:
        yield server


def open_fds() -> dict[int, str]:
    """Return the open file descriptors of this process, and what each one is."""
    fds = {}
    for name in os.listdir("/proc/self/fd"):
        try:
            fds[int(name)] = os.readlink(f"/proc/self/fd/{name}")
        except OSError:  # closed meanwhile, or the listing's own descriptor
            continue
    return fds


def socket_count() -> int:
    """Return how many sockets this process holds open."""
    return sum(1 for target in open_fds().values() if target.startswith("socket:"))


def sockets_to(port: int) -> int:
    """Return how many sockets of this process are connected to `port` on loopback."""
    inodes = {t[len("socket:[") : -1] for t in open_fds().values() if t.startswith("socket:[")}
    found = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if fields[9] in inodes and int(fields[2].rpartition(":")[2], 16) == port:
                    found += 1
    return found


class Sampler:
    """Samples, from a thread, the client's sockets and the pool's connections.

    Counting this process's sockets is cheap; when the count passes the limit, the
    sockets actually connected to the server are counted from ``/proc/net/tcp``, so
    that a socket of something else (an event loop's self-pipe) is never mistaken for
    one of the client's.
    """

    def __init__(self, pool: Any, baseline_sockets: int, limit: int, port: int) -> None:
        self.pool = pool
        self.baseline = baseline_sockets
        self.limit = limit
        self.port = port
        self.max_sockets = 0
        self.max_connections = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="socket-sampler", daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            sockets = socket_count() - self.baseline
            if sockets > self.limit:
                sockets = sockets_to(self.port)
            self.max_sockets = max(self.max_sockets, sockets)
            self.max_connections = max(self.max_connections, len(self.pool.connections))
            self.samples += 1


@dataclass
class Outcome:
    """What the calls of a load run returned."""

    calls: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    succeeded: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """The calls (``call-N``) that returned their model, by route."""

    def record(self, index: int, result: Any, returns: type, route: str) -> None:
        """Count a result of the right type; note anything else as a failure."""
        if isinstance(result, returns):
            self.calls[route] += 1
            self.succeeded[route].add(f"call-{index}")
        else:
            self.failures.append(f"call {index} ({route}) gave {result!r}")


def check_exactly_once(figures: dict[str, Any], outcome: Outcome) -> None:
    """No call's effect was applied twice, and every mutation that returned was applied once.

    Judged by what the server applied for each call, not by what the calls returned:
    a call whose effect the server applied may still fail (its answer lost), and must
    then have been applied once all the same, never twice.
    """
    for route, applied in figures["applied"].items():
        twice = {call: n for call, n in applied.items() if n > 1}
        assert not twice, f"{route}: applied more than once: {twice}"
        missing = outcome.succeeded[route] - set(applied)
        assert not missing, f"{route}: returned without being applied: {sorted(missing)[:5]}"


def check_run(
    server: ServerProcess,
    outcome: Outcome,
    final_quantity: int,
    sampler: Sampler,
    pool_limit: int,
    sleeps: Sleeps,
    seeding_requests: int,
    fds_before: dict[int, str],
    fds_after: dict[int, str],
    elapsed: float,
    label: str,
) -> None:
    """Exactly once by what the server applied; every call succeeded, within the pool."""
    figures = server.stop()
    check_exactly_once(figures, outcome)
    added = sum(figures["applied"]["POST /cart/{cartId}/lines"].values())
    assert 1 + added == final_quantity, "the cart does not hold each applied line exactly once"
    assert not outcome.failures, outcome.failures[:10]
    assert sum(outcome.calls.values()) == CALLS
    assert sampler.samples > 10, "the sampler did not run"
    assert 0 < sampler.max_sockets <= pool_limit, sampler.max_sockets
    assert sampler.max_connections <= pool_limit, sampler.max_connections
    assert sorted(fds_after.items()) == sorted(fds_before.items()), "file descriptors leaked"
    retries = AUDIT.levels["quickshops", logging.INFO]  # one INFO line per retry
    backoffs = [delay for delay in sleeps.delays if 0.5 <= delay <= 1.25]
    assert retries == len(backoffs), (retries, len(backoffs))
    # Every injected 503 was retried; a rare retry may have another cause (a kept-alive
    # connection the server dropped), which the SDK must absorb as well.
    others = [line for line in AUDIT.retries if "503" not in line]
    assert figures["injected_503"] + len(others) == retries, (figures, retries, others)
    assert len(others) <= 5, others
    assert figures["requests"] == CALLS + retries + seeding_requests, figures
    assert 0.08 * CALLS <= figures["injected_503"] <= 0.14 * CALLS, figures
    count(f"load_{label}_calls", CALLS)
    count(f"load_{label}_requests", figures["requests"])
    count(f"load_{label}_injected_503", figures["injected_503"])
    count(f"load_{label}_other_retries", len(others))
    count(f"load_{label}_max_client_sockets", sampler.max_sockets)
    count(f"load_{label}_milliseconds", round(elapsed * 1000))
    count("requests_sent", figures["requests"])
    count("faults_injected", figures["injected_503"])
    print(
        f"load {label}: {CALLS} calls, {figures['requests']} requests, "
        f"{figures['injected_503']} injected 503s, max {sampler.max_sockets} client sockets "
        f"(limit {pool_limit}), {len(others)} other retries {others}, in {elapsed:.1f} s"
    )


async def test_load_async_client(load_server: ServerProcess, sleeps: Sleeps) -> None:
    """10,000 calls, 200 at a time, through one AsyncQuickshops: all succeed, no leak."""
    fds_before = open_fds()
    baseline_sockets = socket_count()
    limits = httpx2.Limits(max_connections=ASYNC_POOL, max_keepalive_connections=ASYNC_POOL)
    http_client = httpx2.AsyncClient(limits=limits, event_hooks={"request": [tag_async]})
    qs = AsyncQuickshops(
        api_key=KEY, base_url=load_server.url, http_client=http_client, max_retries=MAX_RETRIES
    )
    cart = await qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 1)])
    session = await qs.checkout.create_session(cart.id)
    assert session.session_id is not None
    seeded = Seeded(cart.id, session.session_id)
    outcome = Outcome()
    indices = iter(range(CALLS))

    async def worker() -> None:
        for index in indices:
            route, call, returns = MIX[index % len(MIX)]
            CALL_ID.set(f"call-{index}")
            try:
                result = await call(qs, seeded)
            except Exception as exc:  # recorded, so that one failure does not hide others
                result = exc
            outcome.record(index, result, returns, route)

    start = time.monotonic()
    pool = connection_pool(http_client)
    sampler = Sampler(pool, baseline_sockets, ASYNC_POOL, load_server.port)
    with quiet_pytest_log_capture(), sampler:
        async with anyio.create_task_group() as group:
            for _ in range(ASYNC_CONCURRENCY):
                group.start_soon(worker)
    elapsed = time.monotonic() - start
    final = await qs.cart.get(cart.id)
    await qs.aclose()
    assert not http_client.is_closed, "the SDK closed a client it did not create"
    await http_client.aclose()
    check_run(
        load_server,
        outcome,
        final.lines[0].quantity,
        sampler,
        ASYNC_POOL,
        sleeps,
        3,
        fds_before,
        open_fds(),
        elapsed,
        "async",
    )
    count("load_async_concurrency", ASYNC_CONCURRENCY)


def test_load_threads_sharing_sync_client(load_server: ServerProcess, sleeps: Sleeps) -> None:
    """10,000 calls from 16 threads sharing one Quickshops: all succeed, no leak."""
    fds_before = open_fds()
    baseline_sockets = socket_count()
    limits = httpx2.Limits(max_connections=SYNC_POOL, max_keepalive_connections=SYNC_POOL)
    http_client = httpx2.Client(limits=limits, event_hooks={"request": [tag]})
    qs = Quickshops(
        api_key=KEY, base_url=load_server.url, http_client=http_client, max_retries=MAX_RETRIES
    )
    cart = qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 1)])
    session = qs.checkout.create_session(cart.id)
    assert session.session_id is not None
    seeded = Seeded(cart.id, session.session_id)
    outcome = Outcome()
    indices = itertools.count()
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                index = next(indices)
            if index >= CALLS:
                return
            route, call, returns = MIX[index % len(MIX)]
            CALL_ID.set(f"call-{index}")
            try:
                result = call(qs, seeded)
            except Exception as exc:  # recorded, so that one failure does not hide others
                result = exc
            with lock:
                outcome.record(index, result, returns, route)

    threads = [threading.Thread(target=worker, name=f"load-{i}") for i in range(THREADS)]
    start = time.monotonic()
    pool = connection_pool(http_client)
    sampler = Sampler(pool, baseline_sockets, SYNC_POOL, load_server.port)
    with quiet_pytest_log_capture(), sampler:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=50)
    elapsed = time.monotonic() - start
    assert not any(thread.is_alive() for thread in threads), "a load thread is stuck"
    final = qs.cart.get(cart.id)
    qs.close()
    assert not http_client.is_closed, "the SDK closed a client it did not create"
    http_client.close()
    check_run(
        load_server,
        outcome,
        final.lines[0].quantity,
        sampler,
        SYNC_POOL,
        sleeps,
        3,
        fds_before,
        open_fds(),
        elapsed,
        "threads",
    )
    count("load_threads", THREADS)


def test_emulator_server_answers_kept_alive_requests_promptly() -> None:
    """The loopback emulator answers each request on a kept-alive connection in under 20 ms."""
    emulator = Emulator()
    with EmulatorServer(emulator) as server, httpx2.Client(base_url=server.url) as client:
        client.get("/health").raise_for_status()  # connect, and warm up
        timings = []
        for _ in range(20):
            start = time.perf_counter()
            client.get("/health").raise_for_status()
            timings.append(time.perf_counter() - start)
    timings.sort()
    median = timings[len(timings) // 2]
    assert median < 0.02, f"median {median * 1000:.0f} ms per request over one connection"
