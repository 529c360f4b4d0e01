# Generated from tests/_async/test_bounds.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""The bounds of a call: total_timeout, max_response_bytes, and the shared rate-limit pause."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import httpx2
import pytest

from quickshops import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    InternalServerError,
    InvalidRequestError,
    Quickshops,
    RateLimitError,
)
from quickshops._constants import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TOTAL_TIMEOUT
from quickshops._deadline import Clock, Deadline
from quickshops._endpoints import HEALTH_CHECK
from quickshops._request import call
from quickshops.testing import Emulator, client
from tests import payloads
from tests.conftest import SECRET_KEY

if TYPE_CHECKING:
    import respx


def test_defaults_and_options() -> None:
    """120 s and 32 MiB by default; the constructor and with_options change them."""
    qs = Quickshops(api_key=SECRET_KEY)
    copy = qs.with_options(total_timeout=None, max_response_bytes=1024)

    assert (DEFAULT_TOTAL_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES) == (
        qs.total_timeout,
        qs.max_response_bytes,
    )
    assert (120.0, 32 * 1024 * 1024) == (qs.total_timeout, qs.max_response_bytes)
    assert (None, 1024) == (copy.total_timeout, copy.max_response_bytes)
    assert (120.0, 1024) == (
        copy.with_options(total_timeout=120).total_timeout,
        copy.with_options(max_retries=0).max_response_bytes,
    )
    qs.close()


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"total_timeout": 0}, "total_timeout"),
        ({"total_timeout": float("inf")}, "total_timeout"),
        ({"total_timeout": float("nan")}, "total_timeout"),
        ({"total_timeout": 10**400}, "total_timeout"),
        ({"total_timeout": "5"}, "total_timeout"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
        ({"max_response_bytes": 1.5}, "max_response_bytes"),
        ({"max_response_bytes": True}, "max_response_bytes"),
    ],
)
def test_bad_bounds_are_refused(options: dict[str, Any], fragment: str) -> None:
    """A bound must be positive (or None); anything else is refused at construction."""
    with pytest.raises(InvalidRequestError, match=fragment):
        Quickshops(api_key=SECRET_KEY, **options)


def test_a_slow_answer_ends_at_the_total_bound() -> None:
    """An answer slower than total_timeout is a non-retried APITimeoutError at the bound."""
    emulator = Emulator()
    emulator.faults.delay("GET /health", 30.0, times=1)
    with client(emulator, total_timeout=0.2, timeout=30.0) as qs:
        start = time.monotonic()
        with pytest.raises(APITimeoutError, match=r"total_timeout=0\.2 s") as caught:
            qs.health.check()

    assert time.monotonic() - start < 5.0
    assert 1 == len(emulator.requests)
    assert caught.value.retryable is False


def test_without_a_total_bound_the_attempt_keeps_its_timeouts(
    api: respx.MockRouter, qs: Quickshops
) -> None:
    """total_timeout=None: nothing shortens the per-attempt timeouts."""
    route = api.get("/health").respond(200, json=payloads.HEALTH)

    qs.with_options(total_timeout=None).health.check()

    timeouts = route.calls.last.request.extensions["timeout"]
    assert {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0} == timeouts


def test_each_attempt_gets_at_most_the_time_left(api: respx.MockRouter, qs: Quickshops) -> None:
    """With less left than a phase's timeout, the attempt's timeouts are shortened to it."""
    route = api.get("/health").respond(200, json=payloads.HEALTH)
    bounded = qs.with_options(total_timeout=2.0, timeout=httpx2.Timeout(30.0, connect=1.0))

    bounded.health.check()
    qs.health.check()

    short, default = (call.request.extensions["timeout"] for call in route.calls)
    assert all(0 < value <= 2.0 for value in short.values())
    assert 1.0 == short["connect"]
    assert {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0} == default


def test_retries_stop_before_a_wait_past_the_deadline(
    api: respx.MockRouter, qs: Quickshops, sleeps: list[float]
) -> None:
    """When the next backoff would pass the deadline, the call ends: the total bound says so."""
    route = api.get("/health").mock(return_value=httpx.Response(503))
    bounded = qs.with_options(total_timeout=1.2, max_retries=10)

    with pytest.raises(APITimeoutError, match="total_timeout") as caught:
        bounded.health.check()

    assert isinstance(caught.value.__cause__, InternalServerError)
    assert (2, 1) == (route.call_count, len(sleeps))


def test_a_pause_past_the_deadline_is_not_waited_out(
    api: respx.MockRouter, qs: Quickshops, sleeps: list[float]
) -> None:
    """A route paused for longer than the call may wait fails at once, unsent."""
    route = api.get("/health").mock(
        side_effect=[
            httpx.Response(429, headers={"retry-after": "30"}),
            httpx.Response(200, json=payloads.HEALTH),
        ]
    )
    bounded = qs.with_options(total_timeout=5.0)

    with pytest.raises(APITimeoutError, match="total_timeout") as first:
        bounded.health.check()
    with pytest.raises(APITimeoutError, match="total_timeout"):
        bounded.health.check()

    assert isinstance(first.value.__cause__, RateLimitError)
    assert (1, []) == (route.call_count, sleeps)


def test_a_refusal_pauses_every_call_of_the_route(
    api: respx.MockRouter, qs: Quickshops, sleeps: list[float]
) -> None:
    """After a 429, the client's other calls to that route wait out its pause; others don't."""
    health = api.get("/health").mock(
        side_effect=[
            httpx.Response(429, headers={"retry-after": "3"}),
            httpx.Response(200, json=payloads.HEALTH),
            httpx.Response(200, json=payloads.HEALTH),
        ]
    )
    api.get("/products/store").respond(200, json=payloads.STORE)
    copy = qs.with_options(max_retries=0)

    with pytest.raises(RateLimitError):
        copy.health.check()
    qs.store.get()
    assert [] == sleeps
    qs.health.check()
    qs.health.check()

    assert 3 == health.call_count
    assert [pytest.approx(3.0, abs=0.1)] == sleeps


def test_a_503_with_retry_after_pauses_the_route(
    api: respx.MockRouter, qs: Quickshops, sleeps: list[float]
) -> None:
    """A 503 that names a pause pauses the route; one that names none does not."""
    api.get("/health").mock(
        side_effect=[
            httpx.Response(503, headers={"retry-after": "2"}),
            httpx.Response(503),
            httpx.Response(200, json=payloads.HEALTH),
            httpx.Response(200, json=payloads.HEALTH),
        ]
    )
    once = qs.with_options(max_retries=0)

    with pytest.raises(InternalServerError):
        once.health.check()
    with pytest.raises(InternalServerError):
        once.health.check()
    once.health.check()

    assert [pytest.approx(2.0, abs=0.1)] == sleeps


def test_a_body_over_the_cap_is_refused(api: respx.MockRouter, qs: Quickshops) -> None:
    """A 2xx larger than max_response_bytes is a validation error; smaller ones are read."""
    api.get("/health").respond(200, json={**payloads.HEALTH, "pad": "x" * 5000})
    small = qs.with_options(max_response_bytes=1000)

    with pytest.raises(APIResponseValidationError, match="larger than max_response_bytes"):
        small.health.check()
    assert (qs.with_options(max_response_bytes=None).health.check()).ok


def test_an_error_body_is_read_only_as_far_as_needed(api: respx.MockRouter, qs: Quickshops) -> None:
    """An error status keeps its class; of a huge body only the first 64 KiB are read."""
    api.get("/health").respond(500, content=b"<html>" + b"x" * 1_000_000)

    with pytest.raises(InternalServerError) as caught:
        qs.with_options(max_retries=0, max_response_bytes=None).health.check()

    assert 64 * 1024 == len(caught.value.response.content)
    assert len(caught.value.message) < 400


def built_from_bytes(request: httpx2.Request) -> httpx2.Response:
    """A mock transport's answers, read already: a padded health, else a huge 500."""
    if request.url.path.endswith("/health"):
        return httpx2.Response(200, json={**payloads.HEALTH, "pad": "x" * 5000})
    return httpx2.Response(500, content=b"<html>" + b"x" * 1_000_000)


def test_a_body_read_already_is_held_to_the_same_caps() -> None:
    """An answer the transport built from bytes is taken as read, within the same caps."""
    transport = httpx2.MockTransport(built_from_bytes)
    with httpx2.Client(transport=transport) as http:
        qs = Quickshops(api_key=SECRET_KEY, http_client=http, max_retries=0)

        assert (qs.health.check()).ok
        with pytest.raises(APIResponseValidationError, match="larger than max_response_bytes"):
            qs.with_options(max_response_bytes=1000).health.check()
        with pytest.raises(InternalServerError) as caught:
            qs.store.get()
    assert 64 * 1024 == len(caught.value.response.content)


class OneChunk(httpx2.SyncByteStream):
    """A body not read yet: one chunk."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"ok": true}'


def test_a_body_an_event_hook_consumed_without_keeping_is_an_error() -> None:
    """A caller's hook that drained the body leaves nothing to read: an error, not a guess."""

    def drain(response: httpx2.Response) -> None:
        for _ in response.iter_raw():
            pass

    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, stream=OneChunk()))
    hooks = {"response": [drain]}
    with httpx2.Client(transport=transport, event_hooks=hooks) as http:
        qs = Quickshops(api_key=SECRET_KEY, http_client=http, max_retries=0)

        with pytest.raises(APIConnectionError, match="already been streamed"):
            qs.health.check()


class SlowStream(httpx2.SyncByteStream):
    """A body whose every chunk takes ten seconds on `clock` (skipped, not slept)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def __iter__(self) -> Iterator[bytes]:
        while True:
            self.clock.skip(10.0)
            yield b" "


def test_a_body_is_bounded_between_chunks_with_any_client() -> None:
    """Even with a caller's own client, the SDK stops reading a body past the deadline."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, stream=SlowStream(qs._shared.clock))

    transport = httpx2.MockTransport(handler)
    with httpx2.Client(transport=transport) as http:
        qs = Quickshops(api_key=SECRET_KEY, http_client=http, total_timeout=30.0)
        with pytest.raises(APITimeoutError, match="total_timeout=30 s"):
            qs.health.check()


def test_an_attempt_past_the_deadline_is_not_sent(qs: Quickshops) -> None:
    """The last check before sending: nothing goes out once the deadline has passed."""
    sender = qs._sender
    request = qs._shared.client.build_request("GET", "https://api.quickshops.app/v1/health")

    late = call(HEALTH_CHECK)
    late.deadline = Deadline(qs._shared.clock, -1.0)

    with pytest.raises(APITimeoutError):
        sender._attempt(request, late, 1)
