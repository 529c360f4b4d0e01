"""Reading answers: a 2xx into what the call returns, any other status into its error.

No I/O here. Responses of httpx2 and of httpx are read alike. Every error the SDK
builds from a response has the key masked wherever a server may have echoed it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._config import ClientConfig, mask_key
from ._constants import API_VERSION_PATH, DEFAULT_BASE_URL
from ._exceptions import (
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    QuickshopsError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._retry import parse_retry_after
from ._stack import library_of

if TYPE_CHECKING:
    from ._request import Call
    from ._stack import HTTPResponse

T = TypeVar("T")
E = TypeVar("E", bound=QuickshopsError)

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}
_SNIPPET = 200
_TAGS = re.compile(r"<[^>]*>")


def _content(response: Any) -> bytes:
    """The body, or nothing if it was never read (a caller's event hook raised first)."""
    try:
        content: bytes = response.content
    except Exception:  # ResponseNotRead, of whichever library made the response
        return b""
    return content


def _text(response: HTTPResponse, content: bytes) -> str:
    """`content` decoded by the charset the response declares (UTF-8 if none or unknown)."""
    try:
        return content.decode(response.charset_encoding or "utf-8", "replace")
    except LookupError:
        return content.decode("utf-8", "replace")


def _load_json(response: HTTPResponse, content: bytes) -> Any:
    """Decode a JSON body; raise ValueError for anything that is not JSON."""
    try:
        try:
            return json.loads(content)
        except UnicodeDecodeError:  # not UTF-8: try the charset the response declares
            return json.loads(_text(response, content))
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


def with_content(response: Any, content: bytes) -> Any:
    """A copy of `response` (httpx2's or httpx's) holding `content`, its body as read.

    The SDK reads a body itself, only as far as its cap, so the response it read
    holds none; an error's `response` must show the body. The copy has the same
    status, headers (but ``content-encoding``: its body is decoded), request and
    extensions.
    """
    library = library_of(response, "Response")
    assert library is not None, "the SDK reads only httpx2 and httpx responses"
    headers = [  # as sent: a value need not be ASCII
        (name, value) for name, value in response.headers.raw if name.lower() != b"content-encoding"
    ]
    return library.Response(
        response.status_code,
        headers=headers,
        content=content,
        request=response.request,
        extensions=response.extensions,
    )


def mask(text: str, config: ClientConfig) -> str:
    """Replace the key, should a response have echoed it, with its masked form."""
    return text.replace(config.api_key, mask_key(config.api_key))


def masked(error: E, config: ClientConfig) -> E:
    """Mask the key wherever a response may have put it in `error`: all that it shows."""
    error.message = mask(error.message, config)
    error.args = (error.message,)
    error.code = mask(error.code, config)
    if error.request_id is not None:
        error.request_id = mask(error.request_id, config)
    return error


def parse_success(
    response: HTTPResponse, call: Call[T], config: ClientConfig, content: bytes | None = None
) -> T:
    """Read a 2xx response into what the call returns (a model, JSON, an APIResponse).

    `content` is its body as the SDK read it; None takes the response's own.
    """
    content = _content(response) if content is None else content
    request_id = response.headers.get("x-request-id")
    reader = call.reader
    try:
        body = _load_json(response, content) if content or not reader.allows_empty else None
    except ValueError as exc:
        raise masked(
            APIResponseValidationError(
                f"Unexpected response from {call.route}: the body is not JSON "
                f"({_describe_text(response, content, config)}).",
                status=response.status_code,
                request_id=request_id,
            ),
            config,
        ) from exc
    try:
        return reader.read(body, response, call.route)
    except APIResponseValidationError as exc:
        exc.status = response.status_code
        raise masked(exc, config) from None


def _describe_text(response: HTTPResponse, content: bytes, config: ClientConfig) -> str:
    """Summarise a non-JSON body: empty, or its first characters without markup."""
    if not content:
        return "the body is empty"
    text = " ".join(_TAGS.sub(" ", _text(response, content)).split())
    text = mask(text, config)  # before cutting, which could cut the key in two
    if len(text) > _SNIPPET:
        text = text[: _SNIPPET - 3] + "..."
    return f"body starts {text!r}" if text else "the body holds only markup"


def _error_fields(body: Any) -> tuple[str | None, str | None, str | None]:
    """Return (message, code, request id) from any of the API's three error styles."""
    if not isinstance(body, dict):
        return None, None, None
    error = body.get("error")
    if isinstance(error, dict):
        fields: Mapping[str, Any] = error
        message = error.get("message")
    else:
        fields = body
        message = error if isinstance(error, str) else body.get("message")
    code = fields.get("code") or body.get("code")
    request_id = fields.get("requestId") or body.get("requestId")
    return (
        message if isinstance(message, str) and message else None,
        code if isinstance(code, str) and code else None,
        request_id if isinstance(request_id, str) and request_id else None,
    )


def _hint(status: int, code: str | None, config: ClientConfig) -> str:
    """Say what to do about an authentication or permission error."""
    if status == 401:
        return f" Check the API key (from {config.key_source})."
    if status == 403 and code != "PRO_PLAN_REQUIRED":
        return (
            " A public key can only read the store and products; cart, checkout and "
            "subscription routes need a secret key, used server-side only."
        )
    if status == 404 and not config.base_url.rstrip("/").endswith(API_VERSION_PATH):
        return (
            f" Check base_url ({config.base_url!r}): the API's routes are under "
            f"{API_VERSION_PATH}, as in {DEFAULT_BASE_URL!r}."
        )
    return ""


def error_from_response(
    response: HTTPResponse, call: Call[Any], config: ClientConfig, content: bytes | None = None
) -> APIStatusError:
    """Map a non-2xx response to the error class of its status, with all it tells.

    `content` is its body as the SDK read it (the error's `response` then holds it);
    None takes the response's own, as for a caller's event hook that raised.
    """
    if content is None:
        content = _content(response)
    else:
        response = with_content(response, content)
    status = response.status_code
    try:
        body: Any = _load_json(response, content) if content else None
    except ValueError:
        body = _text(response, content)
    message, code, request_id = _error_fields(body)
    request_id = request_id or response.headers.get("x-request-id")
    if message is None:
        reason = response.reason_phrase or "error"
        message = f"HTTP {status} {reason}, {_describe_text(response, content, config)}"
    if 300 <= status < 400:
        location = response.headers.get("location", "nowhere")
        message = (
            f"unexpected redirect to {location}: the SDK follows no redirect, so the key "
            "never reaches another host; check base_url"
        )
    message = f"{call.route} failed: {message.rstrip('.')}.{_hint(status, code, config)}"
    cls = _STATUS_ERRORS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    if cls is RateLimitError:
        error: APIStatusError = RateLimitError(
            message,
            response=response,
            body=body,
            code=code,
            request_id=request_id,
            retry_after=parse_retry_after(response.headers),
        )
    else:
        error = cls(message, response=response, body=body, code=code, request_id=request_id)
    return masked(error, config)
