"""Tracing through the global tracer provider, without OpenTelemetry, and when cancelled.

The global tracer provider can be set once per process: the tests that set it, or that
need OpenTelemetry missing, run a child interpreter (`in_child`), which prints what it
saw as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest
import respx

from quickshops import APIConnectionError, AsyncQuickshops, RateLimitError
from quickshops._observe import error_type, opentelemetry
from quickshops.events import CallFinished, RateLimitWait
from tests.conftest import BASE_URL, SECRET_KEY, TESTS

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from quickshops.events import Event

# A client on a mock transport that records the traceparent each request carries.
CLIENT = """
import json, os, sys
import httpx2
from quickshops import Quickshops

sent = []

def answer(request):
    sent.append(request.headers.get("traceparent"))
    return httpx2.Response(200, json={"ok": True, "service": "s", "version": "1"})

qs = Quickshops(
    api_key="qk_secret_test_0123456789abcd",
    http_client=httpx2.Client(transport=httpx2.MockTransport(answer)),
)
"""


def in_child(code: str, prelude: str = "", **env: str) -> dict[str, Any]:
    """Run `prelude`, `CLIENT`, then `code` in a new interpreter; the JSON it prints last."""
    import os

    done = subprocess.run(
        [sys.executable, "-c", prelude + CLIENT + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=TESTS.parent,
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_the_global_tracer_provider_is_followed_when_set_later() -> None:
    """Without a provider nothing is recorded or sent; one set later traces the next call."""
    result = in_child("""
        qs.health.check()
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        qs.health.check()
        (span,) = exporter.get_finished_spans()
        context = span.get_span_context()
        print(json.dumps({
            "sent": sent,
            "name": span.name,
            "expected": f"00-{context.trace_id:032x}-{context.span_id:016x}-",
        }))
    """)

    first, second = result["sent"]
    assert first is None
    assert "GET /health" == result["name"]
    assert second.startswith(result["expected"])


def test_without_opentelemetry_a_call_imports_and_sends_nothing_of_it() -> None:
    """With ``opentelemetry-api`` missing, calls work and carry no trace context."""
    result = in_child(
        """
        qs.health.check()
        print(json.dumps({"sent": sent, "imported": sorted(sys.modules)}))
        """,
        prelude="import sys; sys.modules['opentelemetry'] = None  # not installed\n",
    )
    assert [None] == result["sent"]
    assert [] == [name for name in result["imported"] if name.startswith("opentelemetry.")]


def test_tracing_off_imports_nothing_of_opentelemetry() -> None:
    """``QUICKSHOPS_TRACING=false``: not even ``opentelemetry`` is imported by a call."""
    result = in_child(
        """
        qs.health.check()
        print(json.dumps({"sent": sent, "imported": "opentelemetry" in sys.modules}))
        """,
        QUICKSHOPS_TRACING="false",
    )
    assert {"sent": [None], "imported": False} == result


def test_opentelemetry_missing_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where ``opentelemetry-api`` cannot be imported, there is nothing to trace with."""
    monkeypatch.setitem(sys.modules, "opentelemetry", None)

    assert opentelemetry.__wrapped__() is None


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (APIConnectionError("refused"), "APIConnectionError"),
        (KeyboardInterrupt(), "KeyboardInterrupt"),
    ],
)
def test_error_type_names_the_class_when_no_status_came(
    error: BaseException, expected: str
) -> None:
    """What failed without an answer is named by its class."""
    assert expected == error_type(error)


async def test_a_cancelled_call_ends_its_span_and_reports_why(
    spans: InMemorySpanExporter,
) -> None:
    """A call cancelled in its rate-limit wait ends its span, with what cancelled it."""
    from opentelemetry import trace

    events: list[Event] = []
    with respx.mock(base_url=BASE_URL, using="httpcore2") as api:
        api.get("/health").mock(side_effect=[httpx.Response(429, headers={"retry-after": "30"})])
        async with AsyncQuickshops(api_key=SECRET_KEY, max_retries=0, on_event=events.append) as qs:
            with pytest.raises(RateLimitError):
                await qs.health.check()
            with anyio.move_on_after(0.05) as scope:
                await qs.health.check()

    assert scope.cancelled_caught
    assert trace.get_current_span() is trace.INVALID_SPAN  # the call's span is current no more
    _, cancelled = spans.get_finished_spans()
    assert "CancelledError" == (cancelled.attributes or {})["error.type"]
    assert [RateLimitWait, CallFinished] == [type(event) for event in events[2:]]
    end = events[-1]
    assert isinstance(end, CallFinished)
    assert ("CancelledError", 0) == (end.error, end.attempts)
