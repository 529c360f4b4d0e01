"""The fault matrix: every route, every client flavour, every fault, over real sockets.

Each case scripts a `FaultServer` for one call, then checks that the call ends as the
contract says (the documented model after retries, or exactly the right
`QuickshopsError` subclass), that the server read the expected number of attempts,
that the retry sleeps were the documented ones, that the call took a bounded time, and
that the connection pool holds no checked-out request or busy connection afterwards.
"""

from __future__ import annotations

import email.utils
import gzip
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx2
import pytest

from quickshops import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    InternalServerError,
    PermissionDeniedError,
    QuickshopsError,
    RateLimitError,
)
from tests.reliability.conftest import (
    AUDIT,
    DRIVERS,
    ROUTES,
    Driver,
    Handle,
    Route,
    Sleeps,
    State,
    count,
    seed,
)
from tests.reliability.faultserver import (
    HTML_PROXY_PAGE,
    Action,
    Emulate,
    FaultServer,
    Raw,
    Reset,
    ResetOnAccept,
    Respond,
    Stall,
)

MAX_RETRIES = 2  # the default
BACKOFF = ((0.5, 0.75), (1.0, 1.25))  # 0.5 s doubling, plus up to 0.25 s of jitter
READ_TIMEOUT = 0.05  # for the stalled server, which waits 1 s
CALL_LIMIT = 2.0  # seconds any one call may take, retries included (sleeps are recorded)
JSON = {"content-type": "application/json"}


def error_body(status: int, code: str) -> bytes:
    return json.dumps({"status": status, "code": code, "message": "upstream trouble"}).encode()


def retry_after_date(seconds: float) -> str:
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


@dataclass(frozen=True)
class Case:
    """One fault, the script that plays it, and how the call must end."""

    id: str
    script: Callable[[], list[Action]]
    error: type[QuickshopsError] | None  # None: the call succeeds after its retries
    requests: int  # requests the server reads during the call
    delays: tuple[tuple[float, float], ...] = ()  # bounds of each retry sleep
    status: int | None = None  # the error's status, for a status error
    timeout: float = 5.0
    socket_level: bool = False  # run under trio too: faults in the I/O backend itself
    wrong_shape: bool = False  # valid JSON of the wrong shape: a plain-JSON operation takes it

    def expected(self, route: Route) -> type[QuickshopsError] | None:
        """How the call of `route` must end: an operation returning plain JSON takes any."""
        return None if self.wrong_shape and route.returns is object else self.error

    @property
    def drivers(self) -> tuple[str, ...]:
        """The client flavours this case runs on: trio only for faults below HTTP."""
        return DRIVERS if self.socket_level or "gzip" in self.id else DRIVERS[:2]


def status_cases() -> list[Case]:
    cases = []
    bodies = {
        500: (error_body(500, "INTERNAL_ERROR"), JSON),
        502: (HTML_PROXY_PAGE, {"content-type": "text/html"}),
        503: (b"", {}),
        504: (b"upstream request timeout", {"content-type": "text/plain"}),
    }
    for status, (body, headers) in bodies.items():
        for run in (1, MAX_RETRIES, MAX_RETRIES + 1, MAX_RETRIES + 3):

            def script(
                status: int = status,
                body: bytes = body,
                headers: dict[str, str] = headers,
                run: int = run,
            ) -> list[Action]:
                return [Respond(status, body, headers) for _ in range(run)]

            fails = run > MAX_RETRIES
            cases.append(
                Case(
                    f"{status}-run-of-{run}",
                    script,
                    InternalServerError if fails else None,
                    min(run, MAX_RETRIES) + 1,
                    BACKOFF[: min(run, MAX_RETRIES)],
                    status if fails else None,
                )
            )
    return cases


def repeat(make: Callable[[], Action], times: int) -> list[Action]:
    return [make() for _ in range(times)]


def socket_cases() -> list[Case]:
    """Faults below HTTP: once (then success) and on every attempt (then the error)."""
    faults: list[tuple[str, Callable[[], Action], type[QuickshopsError], float]] = [
        ("reset-after-request", lambda: Emulate(after="reset"), APIConnectionError, 5.0),
        ("reset-unapplied", lambda: Reset(), APIConnectionError, 5.0),
        ("dropped-after-apply", lambda: Emulate(after="drop"), APIConnectionError, 5.0),
        (
            "cut-mid-body",
            lambda: Respond(200, b'{"data": {"i', {**JSON, "content-length": "100"}, close=True),
            APIConnectionError,
            5.0,
        ),
        ("cut-mid-body-applied", lambda: Emulate(after="truncate"), APIConnectionError, 5.0),
        ("cut-in-headers", lambda: Raw(b"HTTP/1.1 200 OK\r\nContent-Ty"), APIConnectionError, 5.0),
        ("not-http-ssh-banner", lambda: Raw(b"SSH-2.0-OpenSSH_9.6\r\n"), APIConnectionError, 5.0),
        (
            "not-http-tls-alert",
            lambda: Raw(b"\x15\x03\x03\x00\x02\x02\x46"),
            APIConnectionError,
            5.0,
        ),
        ("stalled", lambda: Stall(1.0), APITimeoutError, READ_TIMEOUT),
    ]
    cases = []
    for name, make, error, timeout in faults:
        cases.append(
            Case(
                f"{name}-once",
                partial(repeat, make, 1),
                None,
                2,
                BACKOFF[:1],
                timeout=timeout,
                socket_level=True,
            )
        )
        cases.append(
            Case(
                f"{name}-every-attempt",
                partial(repeat, make, MAX_RETRIES + 1),
                error,
                MAX_RETRIES + 1,
                BACKOFF,
                timeout=timeout,
                socket_level=True,
            )
        )
    # A reset right after connecting: the request is never read. The answers close their
    # connection so that every attempt opens a new one.
    cases.append(
        Case(
            "reset-on-connect-once",
            lambda: [ResetOnAccept(), Emulate(close=True)],
            None,
            1,
            BACKOFF[:1],
            socket_level=True,
        )
    )
    cases.append(
        Case(
            "reset-on-connect-every-attempt",
            lambda: [ResetOnAccept() for _ in range(MAX_RETRIES + 1)],
            APIConnectionError,
            0,
            BACKOFF,
            socket_level=True,
        )
    )
    return cases


def http_cases() -> list[Case]:
    """Statuses and bodies: rate limits, proxies' pages, empty and wrong-shaped 200s."""
    rate_limited = error_body(429, "RATE_LIMITED")
    gzip_json = gzip.compress(b'{"data": 1}')
    return [
        Case(
            "429-retry-after-seconds",
            lambda: [Respond(429, rate_limited, {**JSON, "retry-after": "1"})],
            None,
            2,
            ((1.0, 1.0),),
        ),
        Case(
            "429-retry-after-http-date",
            lambda: [Respond(429, rate_limited, {**JSON, "retry-after": retry_after_date(5)})],
            None,
            2,
            ((3.0, 5.0),),
        ),
        Case(
            "429-every-attempt",
            lambda: [Respond(429, rate_limited, {**JSON, "retry-after": "1"})] * 3,
            RateLimitError,
            3,
            ((1.0, 1.0), (1.0, 1.0)),
            429,
        ),
        Case(
            "429-retry-after-beyond-60s",
            lambda: [Respond(429, rate_limited, {**JSON, "retry-after": "120"})],
            RateLimitError,
            1,
            (),
            429,
        ),
        Case(
            "429-http-date-beyond-60s",
            lambda: [Respond(429, rate_limited, {"retry-after": retry_after_date(600)})],
            RateLimitError,
            1,
            (),
            429,
        ),
        Case("408-once", lambda: [Respond(408)], None, 2, BACKOFF[:1]),
        Case(
            "400-marked-x-should-retry-true",
            lambda: [Respond(400, error_body(400, "X"), {**JSON, "x-should-retry": "true"})],
            None,
            2,
            BACKOFF[:1],
        ),
        Case(
            "503-marked-x-should-retry-false",
            lambda: [Respond(503, b"", {"x-should-retry": "false"})],
            InternalServerError,
            1,
            (),
            503,
        ),
        Case(
            "html-403-from-a-firewall",
            lambda: [
                Respond(403, b"<html><h1>Access denied</h1></html>", {"content-type": "text/html"})
            ],
            PermissionDeniedError,
            1,
            (),
            403,
        ),
        Case(
            "html-200-from-a-captive-portal",
            lambda: [Respond(200, b"<html><body>Sign in to Wi-Fi</body></html>")],
            APIResponseValidationError,
            1,
            (),
            200,
        ),
        Case("empty-200", lambda: [Respond(200, b"", JSON)], APIResponseValidationError, 1),
        Case(
            "empty-200-without-length",
            lambda: [Raw(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n")],
            APIResponseValidationError,
            1,
        ),
        Case(
            "200-wrong-shape-number",
            lambda: [Respond(200, b'{"data": 42}', JSON)],
            APIResponseValidationError,
            1,
            wrong_shape=True,
        ),
        Case(
            "200-wrong-shape-list",
            lambda: [Respond(200, b'{"data": [{"unexpected": true}]}', JSON)],
            APIResponseValidationError,
            1,
            wrong_shape=True,
        ),
        Case(
            "200-undecodable-gzip",
            lambda: [Respond(200, b"not gzip", {**JSON, "content-encoding": "gzip"})],
            APIResponseValidationError,
            1,
        ),
        Case(
            "200-gzip-of-wrong-shape",
            lambda: [Respond(200, gzip_json, {**JSON, "content-encoding": "gzip"})],
            APIResponseValidationError,
            1,
            wrong_shape=True,
        ),
        Case(
            "503-with-undecodable-gzip-every-attempt",
            lambda: [Respond(503, b"not gzip", {"content-encoding": "gzip"})] * 3,
            InternalServerError,
            3,
            BACKOFF,
            503,
        ),
    ]


CASES = status_cases() + socket_cases() + http_cases()


def is_fault(action: Action) -> bool:
    return not (isinstance(action, Emulate) and action.after == "reply")


def run_case(handle: Handle, server: FaultServer, sleeps: Sleeps, case: Case, route: Route) -> str:
    """Play `case` on `route`; return what went wrong, or "" if it ended as it should."""
    state = seed(server.emulator)
    script = case.script()
    server.script(*script)
    before = len(server.requests)
    AUDIT.levels.clear()
    start = time.monotonic()
    try:
        result = handle.call(lambda qs: route.call(qs, state))
    except QuickshopsError as exc:
        error: QuickshopsError | None = exc
    else:
        error = None
    elapsed = time.monotonic() - start
    problems = []
    expected = case.expected(route)
    if expected is None:
        if error is not None:
            problems.append(f"raised {error!r}")
        else:
            route.check(result)
    elif type(error) is not expected:
        problems.append(f"expected {expected.__name__}, got {error!r}")
    elif case.status is not None and error.status != case.status:
        problems.append(f"status {error.status}, expected {case.status}")
    elif isinstance(error, RateLimitError) and error.retry_after is None:
        problems.append("RateLimitError without retry_after")
    if isinstance(error, APIConnectionError) and error.__cause__ is None:
        problems.append("the transport error is not chained as __cause__")
    read = len(server.requests) - before
    if read != case.requests:
        problems.append(f"server read {read} requests, expected {case.requests}")
    keys = {r.headers.get("idempotency-key") for r in server.requests[before:]}
    if route.is_mutation and read and (len(keys) != 1 or None in keys):
        problems.append(f"attempts carried Idempotency-Keys {keys}")
    delays = sleeps.take()
    if len(delays) != len(case.delays) or not all(
        low <= delay <= high for delay, (low, high) in zip(delays, case.delays, strict=False)
    ):
        problems.append(f"slept {delays}, expected within {case.delays}")
    retries_logged = AUDIT.levels["quickshops", logging.INFO]
    if retries_logged != len(case.delays):
        problems.append(f"{retries_logged} INFO retry lines for {len(case.delays)} retries")
    if elapsed > CALL_LIMIT:
        problems.append(f"took {elapsed:.2f} s")
    try:
        handle.assert_pool_idle()
    except AssertionError as exc:
        problems.append(str(exc))
    left = server.clear()
    if expected is None and left:
        problems.append(f"{len(left)} scripted faults were not met")
    count("calls")
    count("faults_injected", sum(map(is_fault, script[: len(script) - len(left)])))
    return "; ".join(problems)


@pytest.mark.parametrize(
    ("driver", "case"),
    [pytest.param(kind, case, id=f"{kind}-{case.id}") for case in CASES for kind in case.drivers],
    indirect=["driver"],
)
def test_fault_matrix(
    driver: Driver,
    fault_servers: Callable[..., FaultServer],
    sleeps: Sleeps,
    case: Case,
) -> None:
    """Every route ends as the contract says under this fault, leaving the pool idle."""
    server = fault_servers()
    timeout = httpx2.Timeout(5.0, read=case.timeout)
    handle = driver.open(base_url=server.url, timeout=timeout, max_retries=MAX_RETRIES)
    failures = {}
    for route in ROUTES:
        problem = run_case(handle, server, sleeps, case, route)
        if problem:
            failures[route.name] = problem
    assert not failures, failures


def test_connection_refused(
    driver: Driver, fault_servers: Callable[..., FaultServer], sleeps: Sleeps
) -> None:
    """A refused connection is retried, then raises APIConnectionError, on every route."""
    server = fault_servers(listening=False)  # holds the port, never listens
    state = seed(server.emulator)
    handle = driver.open(base_url=server.url, timeout=5.0)
    for route in ROUTES:
        start = time.monotonic()
        with pytest.raises(APIConnectionError) as caught:
            handle.call(route.bound(state))
        assert type(caught.value) is APIConnectionError, route.name
        assert isinstance(caught.value.__cause__, httpx2.ConnectError), route.name
        assert time.monotonic() - start < CALL_LIMIT, route.name
        delays = sleeps.take()
        assert len(delays) == MAX_RETRIES, (route.name, delays)
        assert all(low <= d <= high for d, (low, high) in zip(delays, BACKOFF, strict=False)), (
            delays
        )
        handle.assert_pool_idle()
        count("faults_injected", MAX_RETRIES + 1)
    assert server.connections == 0


def call_at(url: str, route: Route, state: State, qs: Any) -> Any:
    """Call `route` through a copy of `qs` (sharing its pool) aimed at `url`."""
    return route.call(qs.with_options(base_url=url), state)


def test_connection_refused_then_server_comes_up(
    driver: Driver, fault_servers: Callable[..., FaultServer], sleeps: Sleeps
) -> None:
    """A call whose first connection is refused succeeds once the server listens."""
    handle = driver.open(timeout=5.0)  # each route gets its own server, via with_options
    for route in ROUTES:
        server = fault_servers(listening=False)
        state = seed(server.emulator)
        sleeps.hook = server.start  # the server comes up while the client backs off
        result = handle.call(partial(call_at, server.url, route, state))
        route.check(result)
        assert len(sleeps.take()) == 1, route.name
        assert len(server.requests) == 1, route.name
        handle.assert_pool_idle()
        count("faults_injected")
