"""Mapping what the HTTP library raised (httpx2's or httpx's) to the SDK's errors."""

from __future__ import annotations

import ssl
from typing import Any

import h11
import pytest

from quickshops import APIConnectionError, APIResponseValidationError, NotFoundError
from quickshops._config import ClientConfig
from quickshops._models import Health
from quickshops._request import Call
from quickshops._response import send_error
from tests.conftest import SECRET_KEY

CONFIG = ClientConfig(
    api_key=SECRET_KEY, base_url=None, timeout=5.0, max_retries=2, default_headers=None
)
CALL: Call[Any] = Call("GET", "/health", "GET /health", Health)


@pytest.fixture
def http(http_library: Any) -> Any:
    """The HTTP library of the test: httpx2, then httpx."""
    return http_library


def test_transport_error_messages(http: Any) -> None:
    """Timeouts and other transport failures are named, with what to check."""
    timeout = send_error(http.ReadTimeout("slow"), CALL, CONFIG)
    refused = send_error(http.ConnectError("refused"), CALL, CONFIG)

    assert timeout is not None
    assert refused is not None
    assert ("TIMEOUT", "CONNECTION_ERROR") == (timeout.code, refused.code)
    assert "GET /health timed out (ReadTimeout)" in timeout.message
    assert "ConnectError: refused" in refused.message


def test_undecodable_body_is_a_validation_error(http: Any) -> None:
    """A body whose content-encoding cannot be decoded is not a connection failure."""
    error = send_error(http.DecodingError("bad gzip"), CALL, CONFIG)

    assert isinstance(error, APIResponseValidationError)
    assert "could not be decoded (DecodingError: bad gzip)" in error.message


def test_status_error_from_an_event_hook_maps_to_its_class(http: Any) -> None:
    """An HTTPStatusError raised by the caller's event hook becomes the status's error."""
    request = http.Request("GET", "https://api.quickshops.app/v1/health")
    response = http.Response(404, json={"error": "gone"}, request=request)
    raised = http.HTTPStatusError("404", request=request, response=response)

    error = send_error(raised, CALL, CONFIG)

    assert isinstance(error, NotFoundError)
    assert "GET /health failed: gone." == error.message


def test_exceptions_of_neither_library_are_not_mapped() -> None:
    """An exception of another library is not the SDK's to map; a pool's refusal is."""
    assert send_error(ValueError("a caller's bug"), CALL, CONFIG) is None
    assert send_error(RuntimeError("a caller's other bug"), CALL, CONFIG) is None
    refused = send_error(RuntimeError("event loop is closed"), CALL, CONFIG)
    assert refused is not None
    assert "cannot be used (event loop is closed)" in refused.message


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (h11.LocalProtocolError("Too little data for declared Content-Length"), "CONNECTION_ERROR"),
        (h11.RemoteProtocolError("illegal status line"), "CONNECTION_ERROR"),
        (ssl.SSLError(1, "record layer failure"), "CONNECTION_ERROR"),
        (ConnectionResetError(104, "Connection reset by peer"), "CONNECTION_ERROR"),
        (TimeoutError("timed out"), "TIMEOUT"),
    ],
)
def test_errors_of_the_layers_below_httpx2_are_mapped_like_its_own(
    exc: Exception, code: str
) -> None:
    """h11's protocol errors, ssl errors and any OSError are connection errors, or timeouts."""
    error = send_error(exc, CALL, CONFIG)

    assert isinstance(error, APIConnectionError)
    assert code == error.code
    assert type(exc).__name__ in error.message
