"""What a call reports as it runs: log lines, the ``on_event`` hook's events, a span.

No I/O here. The sender reports each step of a call through the functions below:

- `attempted`, after each request: a DEBUG line (method, path, outcome, elapsed ms,
  request id, attempt number);
- `before_retry`, before each retry (tenacity's ``before_sleep``): an INFO line;
- `pausing`, before each rate-limit wait: a DEBUG line;

and, for a call that has a `Watch`, the same steps to it, and its end (`Watch.finished`).
A client has an `Observer` when it has an ``on_event`` hook or tracing is on
(``opentelemetry-api`` installed and ``QUICKSHOPS_TRACING`` not false). The observer
makes a watch for a call only when there is something to tell: a hook, or a span that
a tracer provider records (or whose trace context is to be sent on). A call without one
costs the sender a check of ``call.watch`` at each step.

The span follows OpenTelemetry's semantic conventions for an HTTP client span, as one
span per call (kind CLIENT): its name is ``"{METHOD} {route template}"`` (the method
alone for ``qs.request``, whose path is not a template), its attributes those of
`Observer.attributes` and those `Watch.finished` adds, each retry and each rate-limit
wait an event, and the request carries its trace context (``traceparent``). Neither
the key nor a header is ever recorded. The key is never logged either; a request id a
server echoed is masked like everything else.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import TYPE_CHECKING, Any

from ._constants import LOGGER_NAME
from ._exceptions import APIStatusError, QuickshopsError
from ._response import mask, request_id_of
from ._version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    import tenacity
    from opentelemetry.context import Context
    from opentelemetry.trace import Span, SpanKind, Tracer, TracerProvider

    from ._config import ClientConfig
    from ._request import Call
    from ._stack import HTTPResponse
    from .events import Event

clock = time.perf_counter
"""The clock an attempt's and a call's elapsed time is measured with."""

logger = logging.getLogger(LOGGER_NAME)

_REDACTED = "REDACTED"  # a URL's user and password, as the conventions hide them
SCHEMA_URL = "https://opentelemetry.io/schemas/1.27.0"
"""The version of OpenTelemetry's semantic conventions the span's attributes follow."""


class OpenTelemetry:
    """What the SDK uses of ``opentelemetry-api``, imported once, on first need.

    Args:
        provider: The tracer provider; by default the global one, set before or after.

    """

    def __init__(self, provider: TracerProvider | None = None) -> None:
        from opentelemetry import context, propagate, trace

        self.tracer: Tracer = trace.get_tracer(
            LOGGER_NAME, __version__, tracer_provider=provider, schema_url=SCHEMA_URL
        )
        """The SDK's tracer: by default it follows the global tracer provider."""
        self.client: SpanKind = trace.SpanKind.CLIENT
        self.error_status: Callable[[str], Any] = functools.partial(
            trace.Status, trace.StatusCode.ERROR
        )
        self.in_context: Callable[[Span], Context] = trace.set_span_in_context
        self.attach: Callable[[Context], object] = context.attach
        self.detach: Callable[[Any], None] = context.detach
        self.inject: Callable[..., None] = propagate.inject


@functools.cache
def opentelemetry() -> OpenTelemetry | None:
    """OpenTelemetry's API, or None when ``opentelemetry-api`` is not installed."""
    try:
        return OpenTelemetry()
    except ImportError:
        return None


def error_type(error: BaseException) -> str:
    """What failed an attempt or a call, as OpenTelemetry's ``error.type`` names it.

    The status as text for an error status (``"503"``), else the class of the error:
    the SDK's (``"APITimeoutError"``), or what cancelled or interrupted the call.
    """
    if isinstance(error, APIStatusError):
        return str(error.status)
    return type(error).__name__


class Observer:
    """A client's reporting of its calls: its hook, its tracing, and what each span starts with."""

    def __init__(self, config: ClientConfig, otel: OpenTelemetry | None) -> None:
        self.hook: Callable[[Event], None] | None = config.on_event
        self.events: ModuleType | None = None
        """`quickshops.events`, imported only for a client with a hook (None: no hook)."""
        if self.hook is not None:
            from . import events

            self.events = events
        self.otel: OpenTelemetry | None = otel
        host, port = config.server
        self.server: dict[str, str | int] = {"server.address": host, "server.port": port}
        self._attributes: dict[str, dict[str, str | int]] = {}

    @classmethod
    def of(cls, config: ClientConfig) -> Observer | None:
        """The observer of a client with `config`; None when there is nothing to report to."""
        otel = opentelemetry() if config.tracing else None
        if config.on_event is None and otel is None:
            return None
        return cls(config, otel)

    def attributes(self, call: Call[Any], name: str) -> dict[str, str | int]:
        """The attributes a call's span (called `name`) starts with: those a sampler sees.

        They depend on the name alone (a route's, or a method's for ``qs.request``).
        """
        attributes = self._attributes.get(name)
        if attributes is None:
            attributes = {"http.request.method": call.method, **self.server}
            if not call.raw:
                attributes["url.template"] = call.route.partition(" ")[2]
            attributes["quickshops.operation"] = call.operation
            self._attributes[name] = attributes
        return attributes

    def watch(self, call: Call[Any]) -> Watch | None:
        """Start watching `call`: its span, if traced, and its clock; None if nothing listens."""
        span = None
        otel = self.otel
        if otel is not None:
            name = call.method if call.raw else call.route
            span = otel.tracer.start_span(
                name, kind=otel.client, attributes=self.attributes(call, name)
            )
            if not span.is_recording() and not span.get_span_context().is_valid:
                span = None  # no tracer provider: nothing to record or to send on
        if span is None and self.hook is None:
            return None
        return Watch(call, self, span)


class Watch:
    """What a call reports to its client's hook and its span, step by step."""

    __slots__ = (
        "attempts",
        "call",
        "context",
        "observer",
        "recording",
        "span",
        "start",
        "status",
        "token",
    )

    call: Call[Any]
    observer: Observer
    """The client's: its hook, its events module, its OpenTelemetry."""
    span: Span | None
    recording: bool
    """Whether the span records (a tracer provider set, and the span sampled)."""
    attempts: int
    """The requests sent so far."""
    status: int | None
    """The status of the last answer, if one came."""
    start: float
    token: object
    """What restores the context the call started in."""
    context: Context
    """The context with the call's span current."""

    def __init__(self, call: Call[Any], observer: Observer, span: Span | None) -> None:
        self.call = call
        self.observer = observer
        self.span = span
        self.recording = span is not None and span.is_recording()
        self.attempts = 0
        self.status = None
        self.start = clock()
        self.token = None
        if span is not None:
            otel = observer.otel
            assert otel is not None  # a span comes from it
            # The call's span is the current one while it runs: a span its HTTP client
            # or its hook starts is the call's child (but on `CallFinished`, given once
            # the span has ended and is current no more).
            self.context = otel.in_context(span)
            self.token = otel.attach(self.context)

    def emit(self, event: Event) -> None:
        """Give `event` to the hook; a hook that raises is logged, and the call goes on."""
        hook = self.observer.hook
        assert hook is not None
        try:
            hook(event)
        except Exception:
            logger.warning(
                "The on_event hook raised on %s; the call goes on.",
                type(event).__name__,
                exc_info=True,
            )

    def sending(self, request: Any) -> None:
        """The call's request is built: its URL on the span, the span's context on it."""
        otel = self.observer.otel
        if self.span is None:
            return
        assert otel is not None
        if self.recording:
            url = request.url
            if url.userinfo:
                url = url.copy_with(username=_REDACTED, password=_REDACTED)
            self.span.set_attribute("url.full", str(url))
        try:
            otel.inject(request.headers, context=self.context)
        except Exception:  # the app's own propagator: it fails the trace, never the call
            logger.warning(
                "The OpenTelemetry propagator failed; %s goes without its trace context.",
                self.call.route,
                exc_info=True,
            )

    def attempted(
        self,
        attempt: int,
        response: HTTPResponse | None,
        error: QuickshopsError | None,
        seconds: float,
    ) -> None:
        """An attempt ended after `seconds`: its `response` if one came, `error` if it failed."""
        self.attempts = attempt
        self.status = None if response is None else response.status_code
        events = self.observer.events
        if events is not None:
            call = self.call
            self.emit(
                events.AttemptFinished(
                    call.operation,
                    call.route,
                    attempt,
                    self.status,
                    None if error is None else error_type(error),
                    seconds,
                )
            )

    def retrying(self, attempt: int, delay: float, error: BaseException) -> None:
        """Attempt number `attempt` will be made after `delay` seconds, `error` failed the last."""
        reason = error_type(error)
        if self.recording:
            assert self.span is not None
            self.span.add_event(
                "quickshops.retry",
                {
                    "quickshops.attempt": attempt,
                    "quickshops.retry.delay": delay,
                    "error.type": reason,
                },
            )
        events = self.observer.events
        if events is not None:
            call = self.call
            self.emit(events.RetryScheduled(call.operation, call.route, attempt, delay, reason))

    def pausing(self, seconds: float) -> None:
        """The call waits `seconds` for its route's rate-limit pause or turn."""
        if self.recording:
            assert self.span is not None
            self.span.add_event(
                "quickshops.rate_limit.wait", {"quickshops.rate_limit.wait": seconds}
            )
        events = self.observer.events
        if events is not None:
            self.emit(events.RateLimitWait(self.call.route, seconds))

    def finished(self, error: BaseException | None, request_id: str | None) -> None:
        """The call returned (`error` None) or raised `error`: end its span, tell the hook."""
        status = self.status
        if request_id is None and isinstance(error, QuickshopsError):
            request_id = error.request_id
        kind = None if error is None else error_type(error)
        span, otel, events = self.span, self.observer.otel, self.observer.events
        if span is not None:
            assert otel is not None
            if self.recording:
                ended: dict[str, str | int] = {}
                if status is not None:
                    ended["http.response.status_code"] = status
                if self.attempts > 1:
                    ended["http.request.resend_count"] = self.attempts - 1
                if request_id is not None:
                    ended["quickshops.request_id"] = request_id
                if kind is not None:
                    ended["error.type"] = kind
                    span.set_status(otel.error_status(str(error) or kind))
                span.set_attributes(ended)
            span.end()
            otel.detach(self.token)
        if events is not None:
            call = self.call
            self.emit(
                events.CallFinished(
                    call.operation,
                    call.route,
                    status,
                    self.attempts,
                    clock() - self.start,
                    request_id,
                    kind,
                )
            )


def attempted(
    call: Call[Any],
    config: ClientConfig,
    start: float,
    attempt: int,
    response: HTTPResponse | None,
    error: QuickshopsError | None,
    cause: BaseException | None = None,
) -> None:
    """Report an attempt that ended: a DEBUG line, and to the call's watch.

    `response` is the answer, if one came; `error` what the attempt raises, if it
    failed; `cause` what the HTTP library raised, named in the log line.
    """
    if logger.isEnabledFor(logging.DEBUG):
        request_id = request_id_of(response) if response is not None else None
        logger.debug(
            "%s %s -> %s in %.1f ms (request id %s, attempt %d)",
            call.method,
            call.path,
            response.status_code if response is not None else type(cause or error).__name__,
            (clock() - start) * 1000,
            None if request_id is None else mask(request_id, config),
            attempt,
        )
    watch = call.watch
    if watch is not None:
        watch.attempted(attempt, response, error, clock() - start)


def pausing(call: Call[Any], seconds: float) -> None:
    """Report a call held back `seconds` by its route's rate-limit pause or turn."""
    logger.debug("%s %s waits %.2f s for its route's rate limit", call.method, call.path, seconds)
    watch = call.watch
    if watch is not None:
        watch.pausing(seconds)


def before_retry(call: Call[Any], retry_state: tenacity.RetryCallState) -> None:
    """Report a retry (tenacity's ``before_sleep``): an INFO line, and to the call's watch.

    The line names the retry's attempt number, the delay and the reason.
    """
    outcome = retry_state.outcome
    assert outcome is not None  # tenacity sleeps only after an attempt
    error = outcome.exception()
    assert error is not None  # only failures are retried
    attempt, delay = retry_state.attempt_number + 1, retry_state.upcoming_sleep
    logger.info("Retrying (attempt %d) in %.2f s after: %s", attempt, delay, error)
    watch = call.watch
    if watch is not None:
        watch.retrying(attempt, delay, error)
