"""Reading answers: a 2xx into what the call returns, any other status into its error.

Each test runs with httpx2's responses (the SDK's own stack) and httpx's (a caller's
own client): both must be read alike.
"""

from __future__ import annotations

from typing import Any

import pytest

from quickshops import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from quickshops._config import ClientConfig
from quickshops._models import Health
from quickshops._request import Call
from quickshops._response import error_from_response, parse_success, request_id_of
from tests.conftest import SECRET_KEY

CONFIG = ClientConfig(
    api_key=SECRET_KEY, base_url=None, timeout=5.0, max_retries=2, default_headers=None
)
CALL: Call[Any] = Call("GET", "/health", "GET /health", Health)


@pytest.fixture
def http(http_library: Any) -> Any:
    """The HTTP library of the test: httpx2, then httpx."""
    return http_library


@pytest.fixture
def error_for(http: Any) -> Any:
    """Map a response of `http` with this status, headers and JSON body to its error."""

    def make(status_code: int, headers: dict[str, str] | None = None, **body: Any) -> Any:
        kwargs: dict[str, Any] = {"json": body} if body else {}
        response = http.Response(status_code, headers=headers, **kwargs)
        return error_from_response(response, CALL, CONFIG)

    return make


@pytest.mark.parametrize(
    ("body", "message", "code", "request_id"),
    [
        (
            {"error": "Missing or invalid API key", "code": "UNAUTHORIZED"},
            "Missing or invalid API key",
            "UNAUTHORIZED",
            None,
        ),
        (
            {
                "status": 400,
                "code": "VALIDATION_ERROR",
                "message": "quantity must be >= 1",
                "requestId": "req_b",
            },
            "quantity must be >= 1",
            "VALIDATION_ERROR",
            "req_b",
        ),
        (
            {"error": {"message": "Nested", "code": "CONFLICT", "requestId": "req_n"}},
            "Nested",
            "CONFLICT",
            "req_n",
        ),
        ({"error": {"code": "X"}}, "HTTP 400 Bad Request, body starts", "X", None),
        (
            {"message": 7, "code": ["not", "a", "str"]},
            "HTTP 400 Bad Request",
            "VALIDATION_ERROR",
            None,
        ),
    ],
)
def test_error_body_styles(
    error_for: Any, body: dict[str, Any], message: str, code: str, request_id: str | None
) -> None:
    """All three error body styles give message, code and request id."""
    error = error_for(400, **body)

    assert isinstance(error, BadRequestError)
    assert error.message.startswith(f"GET /health failed: {message}")
    assert (code, request_id) == (error.code, error.request_id)
    assert body == error.body


def test_request_id_from_header_when_body_has_none(error_for: Any) -> None:
    """The x-request-id header is used when the body names no request id."""
    error = error_for(500, {"x-request-id": "req_h"}, error="boom")

    assert ("req_h", "INTERNAL_ERROR") == (error.request_id, error.code)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (
            b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
            "'502 Bad Gateway nginx'",
        ),
        (b"", "the body is empty"),
        (b"<br/>", "only markup"),
        (b"x" * 500, "..."),
        (b"\xff\xfe not utf-8", "not utf-8"),
        (b'"just a string"', "just a string"),
    ],
)
def test_non_json_error_bodies(http: Any, content: bytes, fragment: str) -> None:
    """An HTML, empty or odd error body still gives the right class and a useful message."""
    error = error_from_response(http.Response(502, content=content), CALL, CONFIG)

    assert isinstance(error, InternalServerError)
    assert "HTTP 502 Bad Gateway" in error.message
    assert fragment in error.message
    assert len(error.message) < 300


def test_auth_error_says_where_the_key_came_from(error_for: Any) -> None:
    """A 401 names the key's source; a 403 explains public and secret keys."""
    assert "from the api_key argument" in error_for(401, error="no").message
    forbidden = error_for(403, error="Scope cart:write required", code="FORBIDDEN")
    assert isinstance(forbidden, PermissionDeniedError)
    assert "public key" in forbidden.message
    plan = error_for(403, error="Upgrade", code="PRO_PLAN_REQUIRED")
    assert "public key" not in plan.message


def test_rate_limit_error_carries_retry_after(error_for: Any) -> None:
    """A 429 carries the delay the server asked for."""
    error = error_for(
        429, {"retry-after": "12"}, error="Rate limit exceeded", code="RATE_LIMIT_EXCEEDED"
    )

    assert isinstance(error, RateLimitError)
    assert (12.0, "RATE_LIMIT_EXCEEDED") == (error.retry_after, error.code)
    assert None is error_for(429).retry_after


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (401, AuthenticationError),
        (503, InternalServerError),
        (418, APIStatusError),
        (599, InternalServerError),
    ],
)
def test_status_classes(error_for: Any, status: int, cls: type[APIStatusError]) -> None:
    """Each status maps to its class; unknown 4xx to APIStatusError, 5xx to InternalServerError."""
    assert cls is type(error_for(status))


def test_redirect_message(error_for: Any) -> None:
    """A redirect is reported with where it pointed, without following it."""
    error = error_for(301, {"location": "https://elsewhere.example/"})

    assert "unexpected redirect to https://elsewhere.example/" in error.message
    assert "nowhere" in error_for(307).message


def test_parse_success_unwraps_the_envelope(http: Any) -> None:
    """A success body is decoded whether or not it is wrapped in data."""
    payload = {"ok": True, "service": "api", "version": "1", "uptime": 3}
    expected = Health(True, "api", "1", extra={"uptime": 3}, request_id="r")
    for body in ({"data": payload}, payload):
        response = http.Response(200, json=body, headers={"x-request-id": "r"})

        assert expected == parse_success(response, CALL, CONFIG)
        assert "r" == parse_success(response, CALL, CONFIG).request_id


@pytest.mark.parametrize(
    "headers",
    [
        [],
        [(b"X-Request-Id", b"req_1")],
        [(b"x-request-id", b"req_1"), (b"X-REQUEST-ID", b"req_2")],
        [(b"x-request-id", "réq".encode())],
        [(b"x-request-id", "réq".encode("latin-1")), (b"x-other", b"1")],
        [(b"x-request-ids", b"no"), (b"x-request-i", b"no")],
    ],
)
def test_the_request_id_is_read_as_the_library_reads_it(
    http: Any, headers: list[tuple[bytes, bytes]]
) -> None:
    """Any case, several headers (joined), a value that is not ASCII: as headers.get."""
    response = http.Response(200, headers=headers)

    assert response.headers.get("x-request-id") == request_id_of(response)


def test_deeply_nested_json_is_a_validation_error(http: Any) -> None:
    """JSON nested past the parser's limit is reported, not a RecursionError."""
    response = http.Response(200, content=b"[" * 100_000 + b"]" * 100_000)

    with pytest.raises(Exception, match="not JSON") as caught:
        parse_success(response, CALL, CONFIG)

    assert "RESPONSE_VALIDATION_ERROR" == caught.value.code  # type: ignore[attr-defined]


def test_error_body_in_a_declared_charset(http: Any) -> None:
    """A JSON error body in a declared non-UTF-8 charset still gives message and code."""
    content = '{"error": "Café fermé", "code": "NOT_FOUND"}'.encode("latin-1")
    headers = {"content-type": "application/json; charset=latin-1"}

    error = error_from_response(http.Response(404, content=content, headers=headers), CALL, CONFIG)

    assert ("NOT_FOUND", "GET /health failed: Café fermé.") == (error.code, error.message)


@pytest.mark.parametrize(
    "content", [{"text": f"your key is {SECRET_KEY}"}, {"json": {"ok": SECRET_KEY}}]
)
def test_echoed_key_is_masked_in_validation_errors(http: Any, content: dict[str, Any]) -> None:
    """A success body echoing the key does not put it in the error message."""
    with pytest.raises(APIResponseValidationError) as caught:
        parse_success(http.Response(200, **content), CALL, CONFIG)

    assert SECRET_KEY not in str(caught.value)
    assert SECRET_KEY not in repr(caught.value)
    assert "qk_...abcd" in caught.value.message


def test_an_unread_error_body_reads_as_empty() -> None:
    """A response a caller's hook rejected before it was read gives its status, body empty."""
    import httpx2

    unread = httpx2.Response(502, stream=httpx2.ByteStream(b"never read"))
    error = error_from_response(unread, CALL, CONFIG)

    assert isinstance(error, InternalServerError)
    assert "the body is empty" in error.message


def test_a_body_the_sdk_read_is_on_the_errors_response(http: Any) -> None:
    """The body as the SDK read it (decoded) is the error's response body; the rest is kept."""
    request = http.Request("GET", "https://api.quickshops.app/v1/health")
    streamed = http.Response(
        404,
        headers=[
            (b"content-encoding", b"gzip"),
            (b"x-request-id", b"req_1"),
            (b"x-odd", b"caf\xe9"),  # not ASCII: kept as sent
        ],
        stream=http.ByteStream(b"compressed, never read"),
        request=request,
    )
    content = b'{"error": "gone", "code": "NOT_FOUND"}'

    error = error_from_response(streamed, CALL, CONFIG, content)

    assert isinstance(error, NotFoundError)
    assert (content, 404, request) == (
        error.response.content,
        error.response.status_code,
        error.response.request,
    )
    assert ("req_1", None) == (
        error.response.headers["x-request-id"],
        error.response.headers.get("content-encoding"),
    )
    assert (b"x-odd", b"caf\xe9") in error.response.headers.raw


def test_a_charset_python_does_not_know_reads_as_utf_8(http: Any) -> None:
    """An unknown declared charset does not break the message: the body is read as UTF-8."""
    headers = {"content-type": "text/html; charset=no-such-charset"}
    response = http.Response(502, content="<p>Passerelle fermée</p>".encode(), headers=headers)

    error = error_from_response(response, CALL, CONFIG)

    assert "'Passerelle fermée'" in error.message
