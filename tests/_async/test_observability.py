"""What a call reports: its OpenTelemetry span, and its events to the ``on_event`` hook."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import respx
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

from quickshops import (
    APIConnectionError,
    AsyncQuickshops,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
)
from quickshops.events import AttemptFinished, CallFinished, RateLimitWait, RetryScheduled
from tests import payloads
from tests.conftest import SECRET_KEY

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from quickshops.events import Event

SERVER = {"server.address": "api.quickshops.app", "server.port": 443}
URL = "https://api.quickshops.app/v1"


def only_span(spans: InMemorySpanExporter) -> ReadableSpan:
    (span,) = spans.get_finished_spans()
    return span


def traceparent(span: ReadableSpan) -> str:
    """The W3C ``traceparent`` of a span."""
    context = span.get_span_context()
    assert context is not None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def product(request_id: str = "req_1") -> httpx.Response:
    return httpx.Response(200, json=payloads.PRODUCT, headers={"x-request-id": request_id})


async def test_a_call_is_one_client_span(
    spans: InMemorySpanExporter, api: respx.MockRouter
) -> None:
    """One CLIENT span named by the route's template, with the conventions' attributes."""
    route = api.get("/products/prod_1").mock(return_value=product())

    async with AsyncQuickshops(api_key=SECRET_KEY) as qs:
        await qs.products.get("prod_1")

    span = only_span(spans)
    assert ("GET /products/{productId}", SpanKind.CLIENT) == (span.name, span.kind)
    assert {
        "http.request.method": "GET",
        **SERVER,
        "url.template": "/products/{productId}",
        "url.full": f"{URL}/products/prod_1",
        "quickshops.operation": "products.get",
        "http.response.status_code": 200,
        "quickshops.request_id": "req_1",
    } == dict(span.attributes or {})
    assert (StatusCode.UNSET, ()) == (span.status.status_code, span.events)
    assert traceparent(span) == route.calls.last.request.headers["traceparent"]


async def test_a_retry_is_an_event_and_counts_as_a_resend(
    spans: InMemorySpanExporter, api: respx.MockRouter, sleeps: list[float]
) -> None:
    """Each retry is a span event; the span counts the resends; each attempt sends its context."""
    route = api.post("/cart").mock(
        side_effect=[
            httpx.Response(503, headers={"x-request-id": "req_a"}),
            httpx.Response(200, json=payloads.CART, headers={"x-request-id": "req_b"}),
        ]
    )

    async with AsyncQuickshops(api_key=SECRET_KEY) as qs:
        await qs.cart.create()

    span = only_span(spans)
    attributes = dict(span.attributes or {})
    assert ("POST /cart", "cart.create") == (span.name, attributes["quickshops.operation"])
    assert (1, 200, "req_b") == (
        attributes["http.request.resend_count"],
        attributes["http.response.status_code"],
        attributes["quickshops.request_id"],
    )
    assert "error.type" not in attributes
    (event,) = span.events
    assert "quickshops.retry" == event.name
    assert {"quickshops.attempt": 2, "quickshops.retry.delay": sleeps[0], "error.type": "503"} == (
        dict(event.attributes or {})
    )
    sent = [call.request.headers["traceparent"] for call in route.calls]
    assert [traceparent(span)] * 2 == sent


async def test_a_rate_limit_wait_is_an_event(
    spans: InMemorySpanExporter, api: respx.MockRouter, sleeps: list[float]
) -> None:
    """A call held back by its route's pause records the wait on its span."""
    api.get("/products/prod_1").mock(
        side_effect=[httpx.Response(429, headers={"retry-after": "2"}), product()]
    )

    async with AsyncQuickshops(api_key=SECRET_KEY, max_retries=0) as qs:
        with pytest.raises(RateLimitError):
            await qs.products.get("prod_1")
        await qs.products.get("prod_1")

    refused, waited = spans.get_finished_spans()
    assert "429" == (refused.attributes or {})["error.type"]
    (event,) = waited.events
    assert "quickshops.rate_limit.wait" == event.name
    assert {"quickshops.rate_limit.wait": sleeps[0]} == dict(event.attributes or {})
    assert 1.9 < sleeps[0] <= 2


async def test_an_error_status_fails_the_span(
    spans: InMemorySpanExporter, api: respx.MockRouter
) -> None:
    """An error status sets ``error.type`` to the status, and the span's status to ERROR."""
    api.get("/cart/gone").respond(
        404, json={"error": "Cart not found."}, headers={"x-request-id": "req_404"}
    )

    async with AsyncQuickshops(api_key=SECRET_KEY) as qs:
        with pytest.raises(NotFoundError) as caught:
            await qs.cart.get("gone")

    span = only_span(spans)
    attributes = dict(span.attributes or {})
    assert ("404", 404, "req_404") == (
        attributes["error.type"],
        attributes["http.response.status_code"],
        attributes["quickshops.request_id"],
    )
    assert (StatusCode.ERROR, str(caught.value)) == (
        span.status.status_code,
        span.status.description,
    )


async def test_a_connection_failure_fails_the_span_without_a_status(
    spans: InMemorySpanExporter, api: respx.MockRouter, sleeps: list[float]
) -> None:
    """A call that got no answer names the SDK's error, and every attempt is counted."""
    api.get("/health").mock(side_effect=httpx.ConnectError("refused"))

    async with AsyncQuickshops(api_key=SECRET_KEY, max_retries=1) as qs:
        with pytest.raises(APIConnectionError):
            await qs.health.check()

    span = only_span(spans)
    attributes = dict(span.attributes or {})
    assert "APIConnectionError" == attributes["error.type"]
    assert 1 == attributes["http.request.resend_count"]
    assert "http.response.status_code" not in attributes
    assert StatusCode.ERROR == span.status.status_code
    assert ["APIConnectionError"] == [(e.attributes or {})["error.type"] for e in span.events]


async def test_the_span_is_a_child_of_the_current_one(
    tracer_provider: TracerProvider, spans: InMemorySpanExporter, api: respx.MockRouter
) -> None:
    """Inside the app's span, the call's span is its child, in the same trace."""
    api.get("/health").respond(200, json=payloads.HEALTH)
    async with AsyncQuickshops(api_key=SECRET_KEY) as qs:
        tracer = trace.get_tracer("app", tracer_provider=tracer_provider)
        with tracer.start_as_current_span("checkout") as parent:
            await qs.health.check()
            assert parent is trace.get_current_span()  # the call's span is current no more

    call_span, app_span = spans.get_finished_spans()
    assert call_span.parent is not None
    assert app_span.context is not None
    assert (app_span.context.trace_id, app_span.context.span_id) == (
        call_span.context.trace_id if call_span.context else None,
        call_span.parent.span_id,
    )


async def test_a_raw_request_span_is_named_by_its_method(
    spans: InMemorySpanExporter, api: respx.MockRouter
) -> None:
    """``qs.request`` has no template: the span is named by its method alone."""
    api.get("/store/settings").respond(200, json={"data": {}})

    async with AsyncQuickshops(api_key=SECRET_KEY) as qs:
        await qs.request("GET", "/store/settings")

    span = only_span(spans)
    attributes = dict(span.attributes or {})
    assert ("GET", "request") == (span.name, attributes["quickshops.operation"])
    assert "url.template" not in attributes


async def test_no_key_or_password_is_recorded(
    spans: InMemorySpanExporter, api: respx.MockRouter
) -> None:
    """Neither the key nor a password in the base URL reaches a span."""
    base_url = "https://shop:hunter2@api.quickshops.app/v1"
    with respx.mock(base_url=base_url, using="httpcore2") as own:
        own.get("/health").respond(200, json=payloads.HEALTH)
        async with AsyncQuickshops(api_key=SECRET_KEY, base_url=base_url) as qs:
            await qs.health.check()

    span = only_span(spans)
    exported = span.to_json()
    assert SECRET_KEY not in exported
    assert "hunter2" not in exported
    assert (
        "https://REDACTED:REDACTED@api.quickshops.app/v1/health"
        == ((span.attributes or {})["url.full"])
    )


async def test_a_span_sampled_out_still_sends_its_context(
    monkeypatch: pytest.MonkeyPatch, api: respx.MockRouter
) -> None:
    """A span the sampler drops records nothing, and the API still learns the decision."""
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    from quickshops import _observe

    otel = _observe.OpenTelemetry(TracerProvider(sampler=ALWAYS_OFF))
    monkeypatch.setattr(_observe, "opentelemetry", lambda: otel)
    route = api.get("/health").respond(200, json=payloads.HEALTH)

    async with AsyncQuickshops(api_key=SECRET_KEY) as qs:
        await qs.health.check()

    flags = route.calls.last.request.headers["traceparent"].rpartition("-")[2]
    assert not int(flags, 16) & trace.TraceFlags.SAMPLED


async def test_a_propagator_that_fails_fails_no_call(
    spans: InMemorySpanExporter,
    api: respx.MockRouter,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The app's propagator raising costs the request its trace context, not the call."""
    from opentelemetry import propagate
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    class Broken(TraceContextTextMapPropagator):
        def inject(self, carrier: Any, context: Any = None, setter: Any = None) -> None:
            raise ValueError("no tracing today")

    route = api.get("/health").respond(200, json=payloads.HEALTH)
    previous = propagate.get_global_textmap()
    propagate.set_global_textmap(Broken())
    try:
        async with AsyncQuickshops(api_key=SECRET_KEY) as qs:
            health = await qs.health.check()
    finally:
        propagate.set_global_textmap(previous)

    assert health.ok
    assert "traceparent" not in route.calls.last.request.headers
    assert "GET /health" == only_span(spans).name
    (warning,) = [r for r in caplog.records if r.name == "quickshops"]
    assert "The OpenTelemetry propagator failed; GET /health goes without its trace context." == (
        warning.getMessage()
    )


async def test_tracing_off_sends_and_records_nothing(
    spans: InMemorySpanExporter, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``QUICKSHOPS_TRACING=false``, read as a client is made: no span, no trace context.

    The hook is still given its events.
    """
    route = api.get("/health").respond(200, json=payloads.HEALTH)
    monkeypatch.setenv("QUICKSHOPS_TRACING", " Off ")
    events: list[Event] = []

    async with AsyncQuickshops(api_key=SECRET_KEY, on_event=events.append) as qs:
        await qs.health.check()
        await qs.with_options(on_event=None).health.check()

    assert () == spans.get_finished_spans()
    assert [False, False] == ["traceparent" in call.request.headers for call in route.calls]
    assert [AttemptFinished, CallFinished] == [type(event) for event in events]


@pytest.mark.parametrize("value", ["maybe", "disabled", "2"])
async def test_a_tracing_switch_that_is_not_a_bool_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """A value that is not true or false is an error that says what to set."""
    monkeypatch.setenv("QUICKSHOPS_TRACING", value)

    with pytest.raises(InvalidRequestError, match="QUICKSHOPS_TRACING must be true or false"):
        AsyncQuickshops(api_key=SECRET_KEY)


async def test_events_of_a_call_with_a_retry(api: respx.MockRouter, sleeps: list[float]) -> None:
    """The hook is given each attempt, the retry between them, then the call's end."""
    api.post("/cart").mock(
        side_effect=[
            httpx.Response(503, headers={"x-request-id": "req_a"}),
            httpx.Response(200, json=payloads.CART, headers={"x-request-id": "req_b"}),
        ]
    )
    events: list[Event] = []

    async with AsyncQuickshops(api_key=SECRET_KEY, on_event=events.append) as qs:
        await qs.cart.create()

    first, retry, second, end = events
    assert isinstance(first, AttemptFinished)
    assert isinstance(second, AttemptFinished)
    assert isinstance(end, CallFinished)
    assert ("cart.create", "POST /cart", 1, 503, "503") == (
        first.operation,
        first.route,
        first.attempt,
        first.status,
        first.error,
    )
    assert RetryScheduled("cart.create", "POST /cart", 2, sleeps[0], "503") == retry
    assert (2, 200, None) == (second.attempt, second.status, second.error)
    assert ("cart.create", "POST /cart", 200, 2, "req_b", None) == (
        end.operation,
        end.route,
        end.status,
        end.attempts,
        end.request_id,
        end.error,
    )
    assert 0 <= first.seconds <= end.seconds
    assert 0 <= second.seconds <= end.seconds


async def test_events_of_a_failed_call_and_a_wait(
    api: respx.MockRouter, sleeps: list[float]
) -> None:
    """A refusal ends its call with the error; the next call reports its wait first."""
    api.get("/products/prod_1").mock(
        side_effect=[
            httpx.Response(429, headers={"retry-after": "1", "x-request-id": "req_429"}),
            product(),
        ]
    )
    events: list[Event] = []

    async with AsyncQuickshops(api_key=SECRET_KEY, max_retries=0, on_event=events.append) as qs:
        with pytest.raises(RateLimitError):
            await qs.products.get("prod_1")
        await qs.products.get("prod_1")

    assert [AttemptFinished, CallFinished, RateLimitWait, AttemptFinished, CallFinished] == [
        type(event) for event in events
    ]
    refused = events[1]
    assert isinstance(refused, CallFinished)
    assert (429, 1, "req_429", "429") == (
        refused.status,
        refused.attempts,
        refused.request_id,
        refused.error,
    )
    assert RateLimitWait("GET /products/{productId}", sleeps[0]) == events[2]


async def test_a_call_on_a_closed_client_ends_with_no_attempt(api: respx.MockRouter) -> None:
    """A call that sent nothing ends with 0 attempts and no status."""
    events: list[Event] = []
    qs = AsyncQuickshops(api_key=SECRET_KEY, on_event=events.append)
    await qs.aclose()

    with pytest.raises(APIConnectionError):
        await qs.health.check()

    (end,) = events
    assert isinstance(end, CallFinished)
    assert (None, 0, None, "APIConnectionError") == (
        end.status,
        end.attempts,
        end.request_id,
        end.error,
    )


async def test_a_hook_that_raises_is_logged_and_the_call_goes_on(
    api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """Each event the hook fails on is one WARNING with its traceback; the call returns."""
    api.get("/products/prod_1").mock(return_value=product())

    def broken(event: Event) -> None:
        raise ValueError(f"no metrics for {type(event).__name__}")

    async with AsyncQuickshops(api_key=SECRET_KEY, on_event=broken) as qs:
        got = await qs.products.get("prod_1")

    assert "prod_1" == got.id
    warnings = [r for r in caplog.records if r.name == "quickshops"]
    assert [
        "The on_event hook raised on AttemptFinished; the call goes on.",
        "The on_event hook raised on CallFinished; the call goes on.",
    ] == [r.getMessage() for r in warnings]
    assert all(r.levelno == logging.WARNING and r.exc_info for r in warnings)


async def test_copies_carry_the_hook_until_told_otherwise(api: respx.MockRouter) -> None:
    """``with_options`` keeps the hook; ``with_options(on_event=None)`` drops it."""
    api.get("/health").respond(200, json=payloads.HEALTH)
    events: list[Event] = []

    async with AsyncQuickshops(api_key=SECRET_KEY, on_event=events.append) as qs:
        await qs.with_options(max_retries=0).health.check()
        await qs.with_options(on_event=None).health.check()

    assert [AttemptFinished, CallFinished] == [type(event) for event in events]


async def test_a_hook_that_is_not_callable_is_refused() -> None:
    """``on_event`` must be a callable, and the error says so."""
    with pytest.raises(InvalidRequestError, match="on_event must be a callable"):
        AsyncQuickshops(api_key=SECRET_KEY, on_event="print")  # type: ignore[arg-type]
