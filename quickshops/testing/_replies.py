"""What the emulator answers: replies, the requests it records, and its error bodies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from quickshops import _json

ErrorStyle = Literal["combined", "flat", "detailed", "nested"]
"""How error bodies look.

``combined`` (the default) carries both of the API's styles at once, so that a client
written against either reads it: ``{"error": msg, "code": C, "status": N, "message":
msg, "requestId": R}``. ``flat`` is the contract's ``{"error": msg, "code": C}``,
``detailed`` the docs' ``{"status": N, "code": C, "message": msg}`` and ``nested``
``{"error": {"message": msg, "code": C}}``; each also carries ``requestId``.
"""

JSON_TYPE = "application/json"


@attrs.frozen
class Reply:
    """The emulator's answer to one request, for an adapter to deliver.

    Attributes:
        status: The HTTP status.
        headers: Response headers, with lowercase names.
        body: The response body.
        dropped: Whether the adapter must drop the response (a connection error).
        delay: Seconds the adapter waits before delivering (or dropping) it.

    """

    status: int
    headers: Mapping[str, str]
    body: bytes
    dropped: bool = False
    delay: float = 0.0

    def json(self) -> Any:
        """Return the body decoded from JSON."""
        return json.loads(self.body)


@attrs.frozen
class RecordedRequest:
    """One request the emulator handled, for assertions.

    Attributes:
        method: The HTTP method.
        path: The raw (percent-encoded) path, e.g. ``/v1/cart/a%2Fb``.
        query: The raw query string, without ``?``.
        headers: Request headers, with lowercase names.
        body: The request body.
        route: The matched ``"METHOD /template"``, or None for no route.
        status: The status of the reply.
        request_id: The ``x-request-id`` of the reply.
        dropped: Whether the reply was dropped.

    """

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    route: str | None
    status: int
    request_id: str
    dropped: bool

    def json(self) -> Any:
        """Return the request body decoded from JSON.

        Raises:
            quickshops._json.JSONError: When the body is not JSON, or nests deeper
                than `quickshops._json.MAX_DEPTH` (it came from outside the process).

        """
        return _json.loads(self.body)


class APIError(Exception):
    """An error answer of the emulator: its status, code, message and extra headers."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def invalid(message: str) -> APIError:
    """A 400 ``VALIDATION_ERROR``."""
    return APIError(400, "VALIDATION_ERROR", message)


def not_found(message: str) -> APIError:
    """A 404 ``NOT_FOUND``."""
    return APIError(404, "NOT_FOUND", message)


def error_body(
    style: ErrorStyle, status: int, code: str, message: str, request_id: str
) -> dict[str, Any]:
    """The body of an error answer in `style`."""
    if style == "flat":
        return {"error": message, "code": code, "requestId": request_id}
    if style == "nested":
        return {"error": {"message": message, "code": code}, "requestId": request_id}
    if style == "detailed":
        return {"status": status, "code": code, "message": message, "requestId": request_id}
    return {
        "error": message,
        "code": code,
        "status": status,
        "message": message,
        "requestId": request_id,
    }


def json_reply(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Reply:
    """A reply carrying `payload` as JSON, with ``Content-Type: application/json``."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Reply(status, {"content-type": JSON_TYPE, **(headers or {})}, body)


def sniff(body: bytes) -> str:
    """The content type of a raw body: JSON if it parses, else HTML."""
    try:
        _json.loads(body)
    except _json.JSONError:
        return "text/html; charset=utf-8"
    return JSON_TYPE
