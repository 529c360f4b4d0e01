"""Shared machinery of the reliability suite.

- `KEY`: a distinctive API key; `SecretAudit` checks, for every test of this package,
  that no log record (DEBUG and up, from every logger) and no `QuickshopsError` the
  test created (its str, repr and formatted traceback with its chain) shows it.
- `Driver`: opens clients of one flavour (sync, or async under asyncio or trio) and
  runs calls on them from plain test code, so one test body covers both clients.
- `ROUTES`: one call per operation of the endpoint table, with what it returns.
- `Sleeps`: records retry sleeps instead of waiting (``anyio.sleep`` and ``time.sleep``).
- Every test is bounded: past `TEST_LIMIT` seconds the run dumps its stacks and exits.
- `FIGURES`: counts printed at the end of the run (requests, faults, duplicates...).
- `ServerProcess`: a server script of this package (`loadserver.py`, `stressserver.py`)
  in its own process on a free loopback port.
"""

from __future__ import annotations

import collections
import contextlib
import faulthandler
import json
import logging
import os
import subprocess
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx2
import pytest
from anyio.from_thread import start_blocking_portal

from quickshops import (
    AsyncQuickshops,
    Quickshops,
    QuickshopsError,
)
from quickshops._async._backend import AsyncCallTransport
from quickshops._deadline import Clock
from quickshops._endpoints import ENDPOINTS, Endpoint
from quickshops._sync._backend import SyncCallTransport
from quickshops.testing import (
    BASE_PATH,
    DIGITAL_PRODUCT_ID,
    MEMBER_SESSION_ID,
    PHYSICAL_PRODUCT_ID,
    Emulator,
    instant_retries,
)

if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal

    from tests.reliability.faultserver import FaultServer

KEY = "qk_live_R3l1abZq8Xv2Lm7Tw4Pc9Hs6Nd1Gk5Bj"
"""The API key of every client in this suite; no output may show it."""

TEST_LIMIT = 60.0
"""Seconds after which a test that has not finished ends the run (with its stacks)."""

DRIVERS = ("sync", "asyncio", "trio")
"""The client flavours: `Quickshops`, and `AsyncQuickshops` under each event loop."""

SUCCESS_URL = "https://shop.example/thanks"

FIGURES: collections.Counter[str] = collections.Counter()
"""Counts shown at the end of the run: requests, faults injected, duplicates found..."""


# Secrets


class SecretAudit(logging.Handler):
    """Flags any log record or error text holding 16 or more consecutive key characters.

    The masked form of the key (``qk_...`` and its last four characters) stays allowed.
    """

    WINDOW = 12
    STRIDE = 4  # any run of WINDOW + STRIDE - 1 = 15 key characters holds one window

    def __init__(self, key: str) -> None:
        super().__init__(logging.DEBUG)
        self.key = key
        self.windows = [
            key[i : i + self.WINDOW] for i in range(0, len(key) - self.WINDOW + 1, self.STRIDE)
        ]
        self.records = 0
        self.errors_checked = 0
        self.leaks: list[str] = []
        self.levels: collections.Counter[tuple[str, int]] = collections.Counter()
        self.retries: list[str] = []  # the SDK's INFO retry lines of the current test
        self.created: list[QuickshopsError] = []

    def leaks_key(self, text: str) -> bool:
        """Tell whether `text` shows a part of the key longer than its masked form."""
        return any(window in text for window in self.windows)

    def emit(self, record: logging.LogRecord) -> None:
        """Check one log record: its message and any traceback or stack it carries."""
        self.records += 1
        self.levels[record.name, record.levelno] += 1
        text = record.getMessage()
        if record.name == "quickshops" and record.levelno == logging.INFO:
            self.retries.append(text)
        if record.exc_info and record.exc_info[1] is not None:
            text += "".join(traceback.format_exception(record.exc_info[1]))
        if record.stack_info:
            text += record.stack_info
        if self.leaks_key(text):
            self.leaks.append(f"log record of {record.name!r}: {self.redact(text)[:500]}")

    FULL_TRACEBACKS = 100
    """Errors per test whose whole traceback is formatted (Python 3.11+ parses the source
    of every frame for it, which is slow); of the others, every exception in the chain is
    formatted, which is all a traceback adds to the frames' source lines and file names."""

    def check_errors(self) -> None:
        """Check every error created since the last check: str, repr and traceback."""
        created, self.created = self.created, []
        for index, error in enumerate(created):
            self.errors_checked += 1
            if index < self.FULL_TRACEBACKS:
                shown = "".join(traceback.format_exception(error))
            else:
                shown = "".join(
                    line for link in _chain(error) for line in traceback.format_exception_only(link)
                )
            for what, text in (("str", str(error)), ("repr", repr(error)), ("traceback", shown)):
                if self.leaks_key(text):
                    self.leaks.append(f"{what} of {type(error).__name__}: {self.redact(text)}")

    def redact(self, text: str) -> str:
        """`text` with the key, or any part of it, replaced: reports must not print it."""
        text = text.replace(self.key, "<KEY>")
        for start in range(len(self.key) - self.WINDOW + 1):
            text = text.replace(self.key[start : start + self.WINDOW], "<PART-OF-KEY>")
        return text


def _chain(error: BaseException) -> Iterator[BaseException]:
    """`error`, then its causes and contexts, as a traceback would show them."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        link = link.__cause__ or (None if link.__suppress_context__ else link.__context__)


AUDIT = SecretAudit(KEY)
_AUDITED_LOGGERS = (
    "",
    "quickshops",
    "httpx2",
    "httpcore2",
    "httpx",
    "httpcore",
    "hpack",
    "asyncio",
    "trio",
)


@pytest.fixture(scope="package", autouse=True)
def _debug_logging_and_error_tracking() -> Iterator[None]:
    """For the whole package: every logger at DEBUG into the audit; every error tracked.

    The SDK's loggers do not propagate to the root while this runs, so that pytest does
    not keep hundreds of thousands of records of the load tests; the audit is attached to
    each of them directly.
    """
    saved = {}
    for name in _AUDITED_LOGGERS:
        logger = logging.getLogger(name)
        saved[name] = (logger.level, logger.propagate)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(AUDIT)
        if name:
            logger.propagate = False
    original_init = QuickshopsError.__init__

    def tracking_init(self: QuickshopsError, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        AUDIT.created.append(self)

    QuickshopsError.__init__ = tracking_init  # type: ignore[method-assign]
    try:
        yield
    finally:
        QuickshopsError.__init__ = original_init  # type: ignore[method-assign]
        for name, (level, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.removeHandler(AUDIT)
            logger.setLevel(level)
            logger.propagate = propagate


@contextlib.contextmanager
def quiet_pytest_log_capture() -> Iterator[None]:
    """Within the block, pytest's own log capture keeps only INFO and above.

    The audit still sees every DEBUG record; this spares pytest from formatting and
    storing, for a failure report, the hundreds of thousands of DEBUG lines of a load run.
    """
    changed = []
    for name in _AUDITED_LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if handler is not AUDIT and handler.level < logging.INFO:
                changed.append((handler, handler.level))
                handler.setLevel(logging.INFO)
    try:
        yield
    finally:
        for handler, level in changed:
            handler.setLevel(level)


@pytest.fixture(autouse=True)
def _no_key_in_any_output(_debug_logging_and_error_tracking: None) -> Iterator[None]:
    """After each test: no log record and no error of the test shows the key."""
    AUDIT.created.clear()
    AUDIT.levels.clear()
    AUDIT.retries.clear()
    yield
    AUDIT.check_errors()
    leaks, AUDIT.leaks = AUDIT.leaks, []
    assert not leaks, "the API key leaked:\n" + "\n".join(leaks)


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """End the whole run, with every thread's stack, if a test outlives TEST_LIMIT."""
    faulthandler.dump_traceback_later(TEST_LIMIT, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the figures the suite exercised, for the documentation to quote."""
    if FIGURES or AUDIT.records:
        figures = {**FIGURES, "log_records_audited": AUDIT.records}
        figures["errors_audited"] = AUDIT.errors_checked
        terminalreporter.write_line("reliability figures: " + json.dumps(figures, sort_keys=True))


# Sleeps


class Sleeps:
    """The retry and rate-limit waits the clients asked for; `hook` runs once, at the next."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.hook: Callable[[], None] | None = None

    def record(self, delay: float) -> None:
        """Note one wait and run the hook, if any."""
        self.delays.append(delay)
        hook, self.hook = self.hook, None
        if hook is not None:
            hook()

    def take(self) -> list[float]:
        """Return the delays recorded so far, and forget them."""
        delays, self.delays = self.delays, []
        return delays


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sleeps]:
    """Record the waits of both clients instead of sleeping them.

    Every client skips its waits (`instant_retries`), each moving its own clock past them.
    """
    recorder = Sleeps()
    skip = Clock.skip

    def record(clock: Clock, delay: float) -> None:
        recorder.record(delay)
        skip(clock, delay)

    monkeypatch.setattr(Clock, "skip", record)
    with instant_retries():
        yield recorder


# Clients of both flavours


Call = Callable[[Any], Any]
"""Makes one call on a client: returns the result (sync) or an awaitable (async)."""


class Handle:
    """One client, sync or async, driven from plain (synchronous) test code."""

    def __init__(
        self,
        qs: Quickshops | AsyncQuickshops,
        portal: BlockingPortal | None,
        http_client: httpx2.Client | httpx2.AsyncClient | None,
    ) -> None:
        self.qs: Any = qs
        self.portal = portal
        self.http_client = http_client

    def call(self, fn: Call) -> Any:
        """Run `fn` on the client and return its result, or raise what it raised."""
        if self.portal is None:
            return fn(self.qs)

        async def run() -> Any:
            return await fn(self.qs)

        return self.portal.call(run)

    @property
    def pool(self) -> Any:
        """The httpcore2 connection pool behind the client (private; tests only)."""
        return connection_pool(sdk_http_client(self.qs))

    def assert_pool_idle(self) -> None:
        """No request holds a connection, and every pooled connection is idle or closed."""
        pool = self.pool
        assert not pool._requests, f"requests still checked out: {pool._requests}"
        busy = [c for c in pool.connections if not (c.is_idle() or c.is_closed())]
        assert not busy, f"connections still in use: {busy}"

    def close(self) -> None:
        """Close the client and any http client made for it."""
        if self.portal is None:
            self.qs.close()
            if self.http_client is not None:
                self.http_client.close()  # type: ignore[union-attr]
        else:
            self.portal.call(self.qs.aclose)
            if self.http_client is not None:
                self.portal.call(self.http_client.aclose)  # type: ignore[union-attr]


def sdk_http_client(qs: Quickshops | AsyncQuickshops) -> Any:
    """The httpx2 client a client sends through (private attributes; tests only)."""
    return qs._shared.client


def connection_pool(http_client: Any) -> Any:
    """The httpcore2 pool of an httpx2 client: the SDK's transport's, or httpx2's own."""
    transport = http_client._transport
    return (
        transport.pool
        if isinstance(transport, (SyncCallTransport, AsyncCallTransport))
        else transport._pool
    )


class Driver:
    """Opens clients of one flavour: ``sync``, ``asyncio`` or ``trio``."""

    def __init__(self, kind: str, portal: BlockingPortal | None) -> None:
        self.kind = kind
        self.portal = portal
        self.handles: list[Handle] = []

    def open(
        self,
        *,
        transport: httpx2.BaseTransport | httpx2.AsyncBaseTransport | None = None,
        http_client: httpx2.Client | httpx2.AsyncClient | None = None,
        **options: Any,
    ) -> Handle:
        """Open a client with `KEY` and `options`, through `http_client` or `transport`.

        An http client given or made here is closed with the handle.
        """
        options.setdefault("api_key", KEY)
        qs: Quickshops | AsyncQuickshops
        if self.portal is None:
            if transport is not None:
                http_client = httpx2.Client(transport=transport)  # type: ignore[arg-type]
            qs = Quickshops(http_client=http_client, **options)  # type: ignore[arg-type]
        else:
            if transport is not None:
                http_client = httpx2.AsyncClient(transport=transport)  # type: ignore[arg-type]
            qs = AsyncQuickshops(http_client=http_client, **options)  # type: ignore[arg-type]
        handle = Handle(qs, self.portal, http_client)
        self.handles.append(handle)
        return handle

    def close(self) -> None:
        """Close every client this driver opened."""
        for handle in self.handles:
            handle.close()
        self.handles.clear()


@contextlib.contextmanager
def open_driver(kind: str) -> Iterator[Driver]:
    """A driver of `kind`, with its event loop thread for the async flavours."""
    with contextlib.ExitStack() as stack:
        portal = None if kind == "sync" else stack.enter_context(start_blocking_portal(kind))
        driver = Driver(kind, portal)
        try:
            yield driver
        finally:
            driver.close()


HTTPX_TRIO_GENERATORS = (
    r"Async generator 'http(x|core)2?\.[\w.]+' was garbage collected before it had been exhausted"
)
"""httpx and httpcore leave some async generators unexhausted when a request fails midway
(a write to a reset socket, a body that does not decode), which trio, unlike asyncio,
reports when it collects them (encode/httpx#3686, encode/httpx#3597). Those are theirs,
not the SDK's; every other warning stays an error."""


@pytest.fixture(params=DRIVERS)
def driver(request: pytest.FixtureRequest) -> Iterator[Driver]:
    """A driver for each client flavour; every client it opened is closed afterwards."""
    if request.param == "trio":  # for this test only: pytest restores the filters after it
        warnings.filterwarnings("ignore", HTTPX_TRIO_GENERATORS, ResourceWarning)
    with open_driver(request.param) as opened:
        yield opened


# Servers


@dataclass
class ServerProcess:
    """A server script of this package in its own process.

    Its URL is known once it has started, and the figures it prints as its last line of
    JSON once it has stopped.
    """

    url: str
    process: subprocess.Popen[str]
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def port(self) -> int:
        """The server's port."""
        return int(self.url.rpartition(":")[2].partition("/")[0])

    def stop(self) -> dict[str, Any]:
        """Close its stdin, wait for it to exit, and return its figures."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.close()
        line = self.process.stdout.readline()
        self.process.wait(timeout=10)
        self.process.stdout.close()
        self.figures = json.loads(line)
        return self.figures


@contextlib.contextmanager
def server_process(script: str, env: dict[str, str]) -> Iterator[ServerProcess]:
    """Run `script` (a file of this package) with `env` added; killed afterwards if running."""
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name(script))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), url
    server = ServerProcess(url, process)
    try:
        yield server
    finally:
        if process.returncode is None and not server.figures:
            process.kill()
            process.wait(timeout=10)
            for stream in (process.stdin, process.stdout):
                if stream is not None:
                    stream.close()


@pytest.fixture
def fault_servers() -> Iterator[Callable[..., FaultServer]]:
    """Make fault servers; each is stopped afterwards and must report no error."""
    from tests.reliability.faultserver import FaultServer

    servers: list[FaultServer] = []

    def make(emulator: Emulator | None = None, *, listening: bool = True) -> FaultServer:
        server = FaultServer(new_emulator() if emulator is None else emulator, listening=listening)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
        FIGURES["requests_sent"] += len(server.requests)
    errors = [error for server in servers for error in server.errors]
    assert not errors, errors


# Routes and state


def new_emulator() -> Emulator:
    """An emulator that accepts `KEY` as a secret key, and keeps every request it handled."""
    emulator = Emulator(request_log=None)
    emulator.add_key(KEY)
    return emulator


def api(emulator: Emulator, method: str, path: str, body: Any = None) -> Any:
    """Call the emulator directly (no client, no network) and return the payload."""
    content = b"" if body is None else json.dumps(body).encode()
    headers = {"x-api-key": KEY, "content-type": "application/json"}
    reply = emulator.handle(method, BASE_PATH + path, "", headers, content)
    assert reply.status < 300, reply.body
    answer = reply.json()
    return answer["data"] if isinstance(answer, dict) and "data" in answer else answer


@dataclass(frozen=True)
class State:
    """Objects the calls refer to: carts with lines and a checkout session."""

    cart_id: str
    checkout_cart_id: str
    session_id: str


def seed(emulator: Emulator) -> State:
    """Create a cart for the line routes, one to check out, and a checkout session."""
    lines = [
        {"productId": DIGITAL_PRODUCT_ID, "quantity": 1},
        {"productId": PHYSICAL_PRODUCT_ID, "quantity": 1},
    ]
    cart = api(emulator, "POST", "/cart", {"lines": lines})
    checkout_cart = api(emulator, "POST", "/cart", {"lines": lines})
    api(emulator, "POST", "/store/proposals", {"proposal": "Make the hero blue"})
    session = api(emulator, "POST", "/checkout/session", {"productId": DIGITAL_PRODUCT_ID})
    return State(cart["id"], checkout_cart["id"], session["sessionId"])


@dataclass(frozen=True)
class Route:
    """One route of the API and a call of it on a client, given the seeded state."""

    name: str
    call: Callable[[Any, State], Any]
    returns: type
    item: type | None = field(default=None)

    @property
    def is_mutation(self) -> bool:
        """Tell whether the route changes state."""
        return not self.name.startswith("GET ")

    def bound(self, state: State) -> Call:
        """The call of this route on `state`, waiting for a client."""
        return partial(_call_route, self, state)

    def check(self, result: Any) -> None:
        """Assert that `result` is what the route returns."""
        items: Any = result
        assert isinstance(result, self.returns), (self.name, result)
        if self.item is not None:
            assert items, self.name
            assert all(isinstance(item, self.item) for item in items), (self.name, result)


def _call_route(route: Route, state: State, qs: Any) -> Any:
    return route.call(qs, state)


CALLS: dict[str, Callable[[Any, State], Any]] = {
    "health.check": lambda qs, s: qs.health.check(),
    "catalog.get": lambda qs, s: qs.catalog.get(),
    "store.get": lambda qs, s: qs.store.get(),
    "store.settings": lambda qs, s: qs.store.settings(),
    "store.themes": lambda qs, s: qs.store.themes(),
    "store.page_builder_theme": lambda qs, s: qs.store.page_builder_theme(),
    "store.propose": lambda qs, s: qs.store.propose("Make the hero blue"),
    "store.apply_proposal": lambda qs, s: qs.store.apply_proposal("Make the footer green"),
    "store.discard_proposal": lambda qs, s: qs.store.discard_proposal(),
    "products.list": lambda qs, s: qs.products.list(limit=10),
    "products.get": lambda qs, s: qs.products.get(DIGITAL_PRODUCT_ID),
    "orders.list": lambda qs, s: qs.orders.list(limit=5),
    "orders.stats": lambda qs, s: qs.orders.stats(),
    "orders.chart": lambda qs, s: qs.orders.chart(range="7d"),
    "customers.list": lambda qs, s: qs.customers.list(),
    "media.list": lambda qs, s: qs.media.list(kind="image"),
    "cart.create": lambda qs, s: qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 1)]),
    "cart.get": lambda qs, s: qs.cart.get(s.cart_id),
    "cart.add_line": lambda qs, s: qs.cart.add_line(s.cart_id, DIGITAL_PRODUCT_ID, 2),
    "cart.update_line": lambda qs, s: qs.cart.update_line(s.cart_id, PHYSICAL_PRODUCT_ID, 3),
    "cart.remove_line": lambda qs, s: qs.cart.remove_line(s.cart_id, PHYSICAL_PRODUCT_ID),
    "cart.clear": lambda qs, s: qs.cart.clear(s.cart_id),
    "checkout.create_session": lambda qs, s: qs.checkout.create_session(
        s.checkout_cart_id, success_url=SUCCESS_URL
    ),
    "checkout.get_session": lambda qs, s: qs.checkout.get_session(s.session_id),
    "subscription.list": lambda qs, s: qs.subscription.list(),
    "subscription.create_portal_session": lambda qs, s: qs.subscription.create_portal_session(
        MEMBER_SESSION_ID
    ),
}
"""A call of each operation that has a method, on the seeded state, by the table's name."""


def _returns(endpoint: Endpoint[Any]) -> tuple[type, type | None]:
    model = endpoint.model
    if model is None:
        return object, None
    return (list, model) if endpoint.many else (model, None)


ROUTES: tuple[Route, ...] = tuple(
    Route(endpoint.route, CALLS[endpoint.name], *_returns(endpoint))
    for endpoint in ENDPOINTS
    if endpoint.alias_of is None
)
"""Every operation with a method, from the SDK's endpoint table, and a call of it."""


def count(name: str, amount: int = 1) -> None:
    """Add `amount` to a figure reported at the end of the run (thread-safe)."""
    with _FIGURES_LOCK:
        FIGURES[name] += amount


def count_max(name: str, amount: int) -> None:
    """Keep the largest `amount` seen as a figure reported at the end of the run."""
    with _FIGURES_LOCK:
        FIGURES[name] = max(FIGURES[name], amount)


_FIGURES_LOCK = threading.Lock()
