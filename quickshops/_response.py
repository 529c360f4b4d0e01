"""Reading answers, and every error of a call: built here, in one place. No I/O here.

A 2xx becomes what the call returns (`parse_success`: the JSON body, unwrapped from
``data``, decoded to the call's model); any other status becomes the error of its
status (`error_from_response`); what the HTTP library raised while sending becomes a
connection or timeout error (`send_error`); and the SDK's own refusals to send (a
closed client, another event loop, a forked child) have their errors here too.
Responses of httpx2 and of httpx are read alike. Every error built from a response
has the key masked wherever a server may have echoed it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from ._config import ClientConfig, mask_key
from ._constants import API_VERSION_PATH, DEFAULT_BASE_URL
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
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
from ._models import APIResponse, decode_list, decoder_of
from ._retry import parse_retry_after
from ._stack import ERROR_KINDS, library_of, lower_errors

if TYPE_CHECKING:
    from ._request import Call
    from ._stack import HTTPResponse

T = TypeVar("T")
M = TypeVar("M")
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
_TAGS = r"<[^>]*>"  # compiled on first use (by `re`'s cache), not at import


def request_id_of(response: HTTPResponse) -> str | None:
    """The response's ``x-request-id`` header, as ``response.headers.get`` reads it.

    Faster on every call: one pass over the raw headers, without decoding the others.
    Several such headers, or one that is not ASCII, are left to the library to join and
    decode.
    """
    found = None
    for name, value in response.headers.raw:
        if len(name) == 12 and name.lower() == b"x-request-id":
            if found is not None or not value.isascii():
                return response.headers.get("x-request-id")
            found = value.decode()
    return found


def kept_content(response: Any) -> bytes | None:
    """The body if the response holds it already, else None (it is still to be read).

    As the library's own read would find it: read by the transport (a mock one builds
    its answers from bytes) or by a caller's event hook.
    """
    if not response.is_stream_consumed:
        return None
    try:
        content: bytes = response.content
    except Exception:  # ResponseNotRead: consumed without being kept; reading says so
        return None
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

    The body is JSON, unwrapped from ``data`` when it is wrapped, and decoded to the
    call's model. `content` is the body as the SDK read it; None takes the response's own.
    """
    if content is None:  # never read, if a caller's event hook raised first: no body
        content = kept_content(response) or b""
    request_id = request_id_of(response)
    try:
        body = _load_json(response, content) if content or not call.raw else None
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
    payload = body["data"] if type(body) is dict and "data" in body else body
    if call.raw:
        result: Any = APIResponse(
            status_code=response.status_code,
            headers=response.headers,
            request_id=request_id,
            body=body,
            data=payload,
        )
        return cast("T", result)
    model = call.model
    if model is None:
        return cast("T", payload)
    try:
        if call.many:
            items = decode_list(model, payload, call.route, request_id)
            return cast("T", Page(items, next_cursor(body, call.route, request_id)))
        return cast("T", decoder_of(model)(payload, (call.route, request_id), "body"))
    except APIResponseValidationError as exc:
        exc.status = response.status_code
        raise masked(exc, config) from None


class Page(Generic[M]):
    """One page of a list the API pages (``GET /products``).

    Its items, and the cursor of the next page (None on the last one).
    """

    __slots__ = ("items", "next_cursor")

    items: list[M]
    next_cursor: str | None

    def __init__(self, items: list[M], next_cursor: str | None) -> None:
        self.items = items
        self.next_cursor = next_cursor


def next_cursor(body: Any, route: str, request_id: str | None) -> str | None:
    """The ``nextCursor`` of a paged answer: a non-empty string, or None for the last page.

    A bare list (no envelope) is a single page.
    """
    cursor = body.get("nextCursor") if type(body) is dict else None
    if cursor is None or (type(cursor) is str and cursor):
        return cursor
    raise APIResponseValidationError(
        f"Unexpected response from {route}: nextCursor should be a non-empty string or "
        f"null, got {type(cursor).__name__} {cursor!r:.60}.",
        request_id=request_id,
    )


def repeated_cursor_error(route: str, cursor: str, request_id: str | None) -> Exception:
    """The error of a page whose ``nextCursor`` was seen before: following it would loop."""
    return APIResponseValidationError(
        f"Unexpected response from {route}: nextCursor {cursor!r:.60} was answered "
        "before; following it would ask for the same pages again, so the list ends here.",
        request_id=request_id,
    )


def _describe_text(response: HTTPResponse, content: bytes, config: ClientConfig) -> str:
    """Summarise a non-JSON body: empty, or its first characters without markup."""
    if not content:
        return "the body is empty"
    text = " ".join(re.sub(_TAGS, " ", _text(response, content)).split())
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
        content = kept_content(response) or b""  # none if never read
    else:
        response = with_content(response, content)
    status = response.status_code
    try:
        body: Any = _load_json(response, content) if content else None
    except ValueError:
        body = _text(response, content)
    message, code, request_id = _error_fields(body)
    request_id = request_id or request_id_of(response)
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


# What the HTTP library raised, and the SDK's own refusals to send ------------------------

_EVENT_LOOP = r"(?i)event loop|different loop|async context"  # compiled on first use


def send_error(exc: Exception, call: Call[Any], config: ClientConfig) -> QuickshopsError | None:
    """Map an exception raised while sending to the SDK's error; None if it is not one to map.

    Mapped: every exception of httpx2 or httpx; those of the layers below them that
    reach the caller (a protocol error of h11 or h2, an `ssl` error or another
    `OSError`), as httpx2 maps its own; and the `RuntimeError` of a pool used under
    another event loop than the one that opened its connections.
    """
    library = library_of(exc, *ERROR_KINDS)
    if library is None:
        if isinstance(exc, lower_errors()):
            return _connection_error(exc, call, config)
        return unusable_pool_error(exc, call, config) if is_event_loop_error(exc) else None
    if isinstance(exc, library.HTTPStatusError):  # raised by a caller's event hook
        return error_from_response(exc.response, call, config)
    if isinstance(exc, library.DecodingError):  # a 2xx whose body cannot be decoded
        return masked(
            APIResponseValidationError(
                f"Unexpected response from {call.route}: its body could not be decoded "
                f"({type(exc).__name__}: {exc})."
            ),
            config,
        )
    return _connection_error(exc, call, config)


def _connection_error(exc: Exception, call: Call[Any], config: ClientConfig) -> APIConnectionError:
    """The error of an attempt that got no usable answer: a timeout, or anything else."""
    name = type(exc).__name__
    if isinstance(exc, TimeoutError) or library_of(exc, "TimeoutException") is not None:
        error: APIConnectionError = APITimeoutError(
            f"{call.route} timed out ({name}); the timeout of each attempt is {config.timeout!r}."
        )
    else:
        error = APIConnectionError(
            f"{call.route} got no usable response ({name}: {exc}); "
            f"check the network and base_url {config.base_url!r}."
        )
    return masked(error, config)


def is_decoding_error(exc: Exception) -> bool:
    """Tell whether `exc` is httpx2's or httpx's error for a body it cannot decompress."""
    return library_of(exc, "DecodingError") is not None


def forked_client_error(call: Call[Any]) -> APIConnectionError:
    """The error for a call, in a forked child, on a pool the caller passed in."""
    error = APIConnectionError(
        f"{call.route} was not sent: this client's http_client was created in the parent "
        "of this forked process, and its connections belong to the parent. Create the "
        "client (and its http_client) in the child, or let the SDK make its own pool: "
        "it opens a new one after a fork."
    )
    error.retryable = False
    return error


def is_event_loop_error(exc: BaseException) -> bool:
    """Tell whether `exc` is asyncio's refusal of connections opened under another loop."""
    return isinstance(exc, RuntimeError) and re.search(_EVENT_LOOP, str(exc)) is not None


def unusable_pool_error(
    exc: BaseException, call: Call[Any], config: ClientConfig
) -> APIConnectionError:
    """The error for a pool the HTTP library refuses to use; it is never retried."""
    error = APIConnectionError(
        f"{call.route} was not sent: the connection pool cannot be used ({exc}). An async "
        "client's connections belong to the event loop that opened them: create one "
        "client per event loop (inside asyncio.run or trio.run)."
    )
    error.retryable = False
    return masked(error, config)


def other_loop_error(route: str | None) -> APIConnectionError:
    """The error for an async client used, or closed, from another event loop than its own.

    It is never retried. `route` is the call's, or None for closing.
    """
    what = "The client was closed from" if route is None else f"{route} was not sent from"
    error = APIConnectionError(
        f"{what} another event loop than the one that first used it. An async client "
        "belongs to one event loop (its connections do): create it, use it and close it "
        "inside the same asyncio.run or trio.run, one client per loop."
    )
    error.retryable = False
    return error


def closed_client_error(call: Call[Any]) -> APIConnectionError:
    """The error for a call on a client that was closed; it is never retried."""
    error = APIConnectionError(
        f"{call.route} was not sent: the client is closed. Create a new client, or keep "
        "this one open (a `with` block) for as long as you make calls."
    )
    error.retryable = False
    return error


def total_timeout_error(call: Call[Any], config: ClientConfig) -> APITimeoutError:
    """The error of a call that reached its total bound; it is never retried."""
    error = APITimeoutError(
        f"{call.route} did not finish within total_timeout={config.total_timeout:g} s, the "
        "bound on the whole call (every attempt, backoff and rate-limit wait, however "
        "slowly the server sends). Raise total_timeout, or pass None to lift it."
    )
    error.retryable = False
    return error


def too_large_error(
    response: HTTPResponse, call: Call[Any], config: ClientConfig
) -> QuickshopsError:
    """The error of a 2xx whose body is larger than ``max_response_bytes``."""
    return masked(
        APIResponseValidationError(
            f"Unexpected response from {call.route}: the body is larger than "
            f"max_response_bytes ({config.max_response_bytes:,} bytes); it was not read "
            "further. Raise max_response_bytes, or pass None to lift the cap.",
            status=response.status_code,
            request_id=request_id_of(response),
        ),
        config,
    )
