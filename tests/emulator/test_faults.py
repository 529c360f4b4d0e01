"""Tests of fault injection: planned failures, dropped responses and delays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from quickshops.testing import DIGITAL_PRODUCT_ID, Emulator, Faults
from quickshops.testing._faults import Failure, FaultPlan

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

ADD_LINE = "POST /cart/{cartId}/lines"


def test_fail_next_answers_without_applying(emulator: Emulator, client: httpx.Client) -> None:
    """The next N requests to the route fail with the status and Retry-After, then it works."""
    emulator.faults.fail_next("POST /cart", times=2, status=503, retry_after=1)
    failures = [client.post("/cart") for _ in range(2)]
    success = client.post("/cart")
    assert (
        [
            (r.status_code, r.headers["retry-after"], r.json()["code"], r.json()["message"])
            for r in failures
        ],
        success.status_code,
        emulator.effects["POST /cart"],
    ) == (
        [(503, "1", "SERVICE_UNAVAILABLE", "Service Unavailable")] * 2,
        200,
        1,
    )


def test_fail_next_only_hits_its_route(emulator: Emulator, client: httpx.Client) -> None:
    """A failure planned for one route leaves the others alone."""
    emulator.faults.fail_next("POST /cart")
    assert (client.get("/health").status_code, client.post("/cart").status_code) == (200, 503)


def test_fail_next_on_any_route_comes_before_auth(emulator: Emulator) -> None:
    """A "*" failure answers even a request that would be unauthorized."""
    emulator.faults.fail_next(status=500)
    reply = emulator.handle("GET", "/v1/products")
    assert (
        reply.status,
        reply.json()["code"],
        reply.json()["message"],
    ) == (500, "INTERNAL_ERROR", "Internal Server Error")


def test_fail_next_with_custom_code_message_headers(
    emulator: Emulator, client: httpx.Client
) -> None:
    """The code, message, headers and a fractional Retry-After are passed through."""
    emulator.faults.fail_next(
        "GET /health",
        status=429,
        retry_after=0.25,
        code="RATE_LIMIT_EXCEEDED",
        message="Slow down",
        headers={"x-should-retry": "true"},
    )
    response = client.get("/health")
    assert (
        response.status_code,
        response.headers["retry-after"],
        response.headers["x-should-retry"],
        response.json()["code"],
        response.json()["message"],
    ) == (429, "0.25", "true", "RATE_LIMIT_EXCEEDED", "Slow down")


@pytest.mark.parametrize(
    ("status", "code", "message"),
    [
        (429, "RATE_LIMITED", "Rate limit exceeded"),
        (400, "VALIDATION_ERROR", "Bad Request"),
        (502, "BAD_GATEWAY", "Bad Gateway"),
        (599, "ERROR", "Error"),
    ],
)
def test_fail_next_default_code_and_message(
    emulator: Emulator, client: httpx.Client, status: int, code: str, message: str
) -> None:
    """Without a code or message, the status picks documented ones."""
    emulator.faults.fail_next("GET /health", status=status)
    response = client.get("/health")
    assert (status, code, message) == (
        response.status_code,
        response.json()["code"],
        response.json()["message"],
    )


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<html><body>502 Bad Gateway</body></html>", "text/html; charset=utf-8"),
        (b'{"unexpected": true}', "application/json"),
        (b"", "text/html; charset=utf-8"),
    ],
)
def test_fail_next_with_raw_body(
    emulator: Emulator, client: httpx.Client, body: str | bytes, content_type: str
) -> None:
    """A raw body is sent as is, typed as JSON when it parses, else HTML."""
    emulator.faults.fail_next("GET /health", status=200 if body else 502, body=body)
    response = client.get("/health")
    raw = body.encode() if isinstance(body, str) else body
    assert (raw, content_type, True) == (
        response.content,
        response.headers["content-type"],
        "x-request-id" in response.headers,
    )


def test_fail_next_with_http_date_retry_after(emulator: Emulator, client: httpx.Client) -> None:
    """A string Retry-After is sent verbatim, e.g. an HTTP date."""
    emulator.faults.fail_next(retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    assert client.get("/health").headers["retry-after"] == "Wed, 21 Oct 2015 07:28:00 GMT"


def test_drop_next_applies_then_drops(emulator: Emulator, client: httpx.Client) -> None:
    """A dropped request is applied; the reply is marked dropped and recorded."""
    cart_id = client.post("/cart").json()["data"]["id"]
    emulator.faults.drop_next(ADD_LINE)
    reply = emulator.handle(
        "POST",
        f"/v1/cart/{cart_id}/lines",
        "",
        {"x-api-key": "qk_test_secret_emulator"},
        b'{"productId": "%s", "quantity": 2}' % DIGITAL_PRODUCT_ID.encode(),
    )
    after = client.get(f"/cart/{cart_id}").json()["data"]
    assert (
        reply.dropped,
        reply.status,
        after["lines"][0]["quantity"],
        emulator.effects[ADD_LINE],
        emulator.requests[-2].dropped,
        emulator.requests[-1].dropped,
    ) == (True, 200, 2, 1, True, False)


def test_failure_wins_over_drop(emulator: Emulator) -> None:
    """When both are planned, the failure answers first and the drop waits its turn."""
    emulator.faults.drop_next("GET /health")
    emulator.faults.fail_next("GET /health")
    first = emulator.handle("GET", "/v1/health")
    second = emulator.handle("GET", "/v1/health")
    third = emulator.handle("GET", "/v1/health")
    assert [(reply.status, reply.dropped) for reply in (first, second, third)] == [
        (503, False),
        (200, True),
        (200, False),
    ]


def test_delays_add_up_and_count_down(emulator: Emulator) -> None:
    """Matching delays add up; counted ones expire, open-ended ones stay until clear."""
    emulator.faults.delay("*", 0.5)
    emulator.faults.delay("get /health", 1.0, times=1)
    emulator.faults.delay("GET /health", 0.0, times=1)
    delays = [emulator.handle("GET", "/v1/health").delay for _ in range(2)]
    emulator.faults.clear()
    assert [*delays, emulator.handle("GET", "/v1/health").delay] == [1.5, 0.5, 0.0]


def test_delay_applies_to_failures(emulator: Emulator) -> None:
    """A delay also holds back a planned failure."""
    emulator.faults.delay("GET /health", 0.2, times=1)
    emulator.faults.fail_next("GET /health", status=504)
    reply = emulator.handle("GET", "/v1/health")
    assert (reply.status, reply.delay) == (504, 0.2)


def test_unrouted_requests_take_no_faults(emulator: Emulator) -> None:
    """A path without a route does not consume "*" faults."""
    emulator.faults.fail_next()
    missing = emulator.handle("GET", "/v1/nope")
    assert (missing.status, emulator.handle("GET", "/v1/health").status) == (404, 503)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: f.fail_next("GET /nope"), "unknown route"),
        (lambda f: f.fail_next("POST"), "unknown route"),
        (lambda f: f.fail_next(times=0), "times must be 1 or more"),
        (lambda f: f.fail_next(status=199), "status must be between 200 and 599"),
        (lambda f: f.fail_next(status=600), "status must be between 200 and 599"),
        (lambda f: f.drop_next(times=-1), "times must be 1 or more"),
        (lambda f: f.delay("*", -1), "seconds must be 0 or more"),
        (lambda f: f.delay("*", 1, times=0), "times must be 1 or more"),
    ],
)
def test_bad_fault_arguments_are_refused(
    emulator: Emulator, call: Callable[[Faults], None], message: str
) -> None:
    """Typos in routes and out-of-range numbers raise ValueError at once."""
    with pytest.raises(ValueError, match=message):
        call(emulator.faults)


def test_standalone_faults_plan_in_order() -> None:
    """Faults used alone (with their own lock) plan failures in the order given."""
    faults = Faults({"GET /health"})
    faults.fail_next("GET /health", status=500)
    faults.fail_next("*", status=502)
    assert [
        FaultPlan(failure=Failure(500)),
        FaultPlan(failure=Failure(502)),
        FaultPlan(),
    ] == [faults.take("GET /health") for _ in range(3)]
