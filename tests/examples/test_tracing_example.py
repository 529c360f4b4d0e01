"""The traced FastAPI example, run as docs/observability.md says, read from what it prints.

``python -m examples.fastapi_tracing`` serves on a free ``PORT`` against an emulator it
serves itself, and prints each span as JSON (OpenTelemetry's ``ConsoleSpanExporter``)
when it ends. The test requests its endpoints over HTTP on loopback, stops it, and reads
the spans back from its output.
"""

from __future__ import annotations

import importlib.util
import json
from typing import TYPE_CHECKING, Any

import httpx

from quickshops.testing import DIGITAL_PRODUCT_ID, SECRET_KEY
from tests.examples.conftest import running_example

if TYPE_CHECKING:
    from pathlib import Path

Span = dict[str, Any]


def printed_spans(output: str) -> list[Span]:
    """The spans in the example's output: a JSON object each, starting a line with ``{``."""
    decoder = json.JSONDecoder()
    spans: list[Span] = []
    start = 0
    for line in output.splitlines(keepends=True):
        if line.startswith("{"):
            span, _ = decoder.raw_decode(output, start)
            spans.append(span)
        start += len(line)
    return spans


def named(spans: list[Span], name: str, kind: str) -> list[Span]:
    """The spans called `name` of `kind` (``"CLIENT"``, ``"SERVER"``)."""
    return [span for span in spans if span["name"] == name and span["kind"] == f"SpanKind.{kind}"]


def ancestors(span: Span, spans: list[Span]) -> list[Span]:
    """The spans above `span` in its trace, its parent first."""
    by_id = {(s["context"]["trace_id"], s["context"]["span_id"]): s for s in spans}
    found = []
    parent = by_id.get((span["context"]["trace_id"], span["parent_id"]))
    while parent is not None:
        found.append(parent)
        parent = by_id.get((parent["context"]["trace_id"], parent["parent_id"]))
    return found


def test_each_call_is_a_client_span_under_fastapis_server_span(tmp_path: Path) -> None:
    """Each SDK call in an endpoint is a CLIENT span, in the trace of the request's span."""
    log = tmp_path / "fastapi_tracing.log"
    with (
        running_example(["-m", "examples.fastapi_tracing"], log) as url,
        httpx.Client(base_url=url, trust_env=False, timeout=10.0) as http,
    ):
        catalog = http.get("/api/catalog")
        cart = http.post("/api/cart", params={"product_id": DIGITAL_PRODUCT_ID})
        unknown = http.post("/api/cart", params={"product_id": "prod_nope"})
    output = log.read_text()
    spans = printed_spans(output)

    assert catalog.status_code == 200
    assert catalog.json()["store"]["name"] == "Emulator Shop"
    assert cart.status_code == 200
    assert cart.json()["lines"][0]["product_id"] == DIGITAL_PRODUCT_ID
    assert unknown.status_code == 400
    assert "runs against the SDK's emulator" in output

    [call] = named(spans, "GET /catalog", "CLIENT")
    attributes = call["attributes"]
    assert attributes["quickshops.operation"] == "catalog.get"
    assert attributes["url.template"] == "/catalog"
    assert attributes["http.request.method"] == "GET"
    assert attributes["http.response.status_code"] == 200
    assert attributes["url.full"].endswith("/v1/catalog")
    assert attributes["quickshops.request_id"].startswith("req_")
    assert "http.request.resend_count" not in attributes  # answered at the first attempt
    assert call["status"]["status_code"] == "UNSET"
    assert call["resource"]["attributes"]["service.name"] == "shop"

    # Two calls in each request: two spans, in the request's trace.
    created, created_again = named(spans, "POST /cart", "CLIENT")
    added, refused = named(spans, "POST /cart/{cartId}/lines", "CLIENT")
    assert added["context"]["trace_id"] == created["context"]["trace_id"]
    assert refused["context"]["trace_id"] == created_again["context"]["trace_id"]
    assert created["context"]["trace_id"] != created_again["context"]["trace_id"]
    assert added["attributes"]["quickshops.operation"] == "cart.add_line"
    assert refused["attributes"]["http.response.status_code"] == 404
    assert refused["attributes"]["error.type"] == "404"
    assert refused["status"]["status_code"] == "ERROR"

    # A FastAPI with native telemetry (fastapi.telemetry) makes a server span of each
    # request; the SDK's spans are under it, in its trace.
    if importlib.util.find_spec("fastapi.telemetry") is not None:
        [server] = named(spans, "GET /api/catalog", "SERVER")
        assert server in ancestors(call, spans)
        assert call["context"]["trace_id"] == server["context"]["trace_id"]
        cart_server, _ = named(spans, "POST /api/cart", "SERVER")
        assert cart_server in ancestors(created, spans)
        assert cart_server in ancestors(added, spans)

    # Neither the key nor a header is ever recorded.
    assert SECRET_KEY not in output
    assert "x-api-key" not in output.lower()
