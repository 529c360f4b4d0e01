"""Request building and response mapping, shared by both clients. No I/O here.

This module, `_stack` and the senders are the only code that touches the HTTP library
(httpx2, or httpx in a caller's client); responses of either are read the same way.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._config import ClientConfig, mask_key
from ._constants import LOGGER_NAME
from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    QuickshopsError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._retry import parse_retry_after
from ._stack import library_of, parse_url

if TYPE_CHECKING:
    from types import ModuleType

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


class RequestSpec(Generic[T]):
    """One call to the API, before any I/O: what to send and how to decode the answer.

    Attributes:
        method: The HTTP method.
        path: The path below the base URL, its parameters already encoded.
        route: The route as documented (``POST /cart/{cartId}/lines``), for messages.
        decode: Turns the unwrapped payload, the route and the request id into a model.
        params: Query parameters, if any.
        json: The JSON body, or None to send no body.
        idempotency_key: The caller's Idempotency-Key for a mutation, if given.

    """

    # A plain class with slots: one is built per call, and an attrs class costs more
    # to import and to create.
    __slots__ = ("decode", "idempotency_key", "json", "method", "params", "path", "route")

    def __init__(
        self,
        method: str,
        path: str,
        route: str,
        decode: Callable[[Any, str, str | None], T],
        params: Mapping[str, str] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.route = route
        self.decode = decode
        self.params = params
        self.json = json
        self.idempotency_key = idempotency_key

    @property
    def is_mutation(self) -> bool:
        """Tell whether the call changes state, and so carries an Idempotency-Key."""
        return self.method != "GET"


def build_request(
    client: Any,
    library: ModuleType,
    headers: Any,
    config: ClientConfig,
    spec: RequestSpec[Any],
    new_idempotency_key: Callable[[], str],
) -> Any:
    """Build the one request that every attempt of a call sends.

    `client` is an httpx2 or httpx client, `library` its module, and `headers` the
    headers every request carries, as that library's ``Headers``, built once per client.
    """
    headers = headers.copy()
    content = None
    if spec.json is not None:
        content = json.dumps(spec.json, separators=(",", ":"), ensure_ascii=False).encode()
        headers["content-type"] = "application/json"
    if spec.is_mutation:
        headers["idempotency-key"] = spec.idempotency_key or new_idempotency_key()
    try:
        return client.build_request(
            spec.method,
            parse_url(library, config.base_url + spec.path),
            params=spec.params,
            headers=headers,
            content=content,
            extensions={"timeout": config.timeout_extension},
        )
    except library.InvalidURL as exc:
        raise InvalidRequestError(f"{spec.route} cannot be sent: {exc}.") from exc


def _content(response: Any) -> bytes:
    """The body, or nothing if it was never read (a caller's event hook raised first)."""
    try:
        content: bytes = response.content
    except Exception:  # ResponseNotRead, of whichever library made the response
        return b""
    return content


def _load_json(response: HTTPResponse) -> Any:
    """Decode a JSON body; raise ValueError for anything that is not JSON."""
    try:
        try:
            return json.loads(_content(response))
        except UnicodeDecodeError:  # not UTF-8: try the charset the response declares
            return json.loads(response.text)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


def _mask(text: str, config: ClientConfig) -> str:
    """Replace the key, should a response have echoed it, with its masked form."""
    return text.replace(config.api_key, mask_key(config.api_key))


def _masked(error: E, config: ClientConfig) -> E:
    """Mask the key wherever a response may have put it in `error`: all that it shows."""
    error.message = _mask(error.message, config)
    error.args = (error.message,)
    error.code = _mask(error.code, config)
    if error.request_id is not None:
        error.request_id = _mask(error.request_id, config)
    return error


def parse_success(response: HTTPResponse, spec: RequestSpec[T], config: ClientConfig) -> T:
    """Decode a 2xx response into the model the route returns."""
    request_id = response.headers.get("x-request-id")
    try:
        body = _load_json(response)
    except ValueError as exc:
        raise _masked(
            APIResponseValidationError(
                f"Unexpected response from {spec.route}: the body is not JSON "
                f"({_describe_text(response, config)}).",
                status=response.status_code,
                request_id=request_id,
            ),
            config,
        ) from exc
    if isinstance(body, dict) and "data" in body:
        body = body["data"]
    try:
        return spec.decode(body, spec.route, request_id)
    except APIResponseValidationError as exc:
        exc.status = response.status_code
        raise _masked(exc, config) from None


def _describe_text(response: HTTPResponse, config: ClientConfig) -> str:
    """Summarise a non-JSON body: empty, or its first characters without markup."""
    content = _content(response)
    if not content:
        return "the body is empty"
    text = " ".join(_TAGS.sub(" ", content.decode("utf-8", "replace")).split())
    text = _mask(text, config)  # before cutting, which could cut the key in two
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
    return ""


def error_from_response(
    response: HTTPResponse, spec: RequestSpec[Any], config: ClientConfig
) -> APIStatusError:
    """Map a non-2xx response to the error class of its status, with all it tells."""
    status = response.status_code
    content = _content(response)
    try:
        body: Any = _load_json(response) if content else None
    except ValueError:
        body = content.decode("utf-8", "replace")
    message, code, request_id = _error_fields(body)
    request_id = request_id or response.headers.get("x-request-id")
    if message is None:
        reason = response.reason_phrase or "error"
        message = f"HTTP {status} {reason}, {_describe_text(response, config)}"
    if 300 <= status < 400:
        location = response.headers.get("location", "nowhere")
        message = (
            f"unexpected redirect to {location}: the SDK follows no redirect, so the key "
            "never reaches another host; check base_url"
        )
    message = f"{spec.route} failed: {message.rstrip('.')}.{_hint(status, code, config)}"
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
    return _masked(error, config)


clock = time.perf_counter
logger = logging.getLogger(LOGGER_NAME)


def new_idempotency_key() -> str:
    """Return a fresh Idempotency-Key: one per mutation call, reused by its retries."""
    return str(uuid.uuid4())


def send_error(
    exc: Exception, spec: RequestSpec[Any], config: ClientConfig
) -> QuickshopsError | None:
    """Map an exception raised while sending to the SDK's error; None if it is not one to map.

    Every exception of httpx2 or httpx is mapped, and a pool's refusal to be used.
    """
    library = library_of(exc)
    if library is None:
        return unusable_pool_error(exc, spec, config) if isinstance(exc, RuntimeError) else None
    name = type(exc).__name__
    error: QuickshopsError
    if isinstance(exc, library.HTTPStatusError):  # raised by a caller's event hook
        return error_from_response(exc.response, spec, config)
    if isinstance(exc, library.DecodingError):  # a 2xx whose body cannot be decoded
        error = APIResponseValidationError(
            f"Unexpected response from {spec.route}: its body could not be decoded ({name}: {exc})."
        )
    elif isinstance(exc, library.TimeoutException):
        error = APITimeoutError(
            f"{spec.route} timed out ({name}); the timeout of each attempt is {config.timeout!r}."
        )
    else:
        error = APIConnectionError(
            f"{spec.route} got no usable response ({name}: {exc}); "
            f"check the network and base_url {config.base_url!r}."
        )
    return _masked(error, config)


def is_decoding_error(exc: Exception) -> bool:
    """Tell whether `exc` is httpx2's or httpx's error for a body it cannot decompress."""
    library = library_of(exc)
    return library is not None and isinstance(exc, library.DecodingError)


_forks = 0


def _count_fork() -> None:
    global _forks
    _forks += 1


# Windows has no fork, and no register_at_fork.
getattr(os, "register_at_fork", lambda **_: None)(after_in_child=_count_fork)


def fork_generation() -> int:
    """How many times this process's ancestors forked since the SDK was imported.

    A pool made under another generation belongs to a parent process: its sockets are
    shared with the parent and must not be used.
    """
    return _forks


def forked_client_error(spec: RequestSpec[Any]) -> APIConnectionError:
    """The error for a call, in a forked child, on a pool the caller passed in."""
    error = APIConnectionError(
        f"{spec.route} was not sent: this client's http_client was created in the parent "
        "of this forked process, and its connections belong to the parent. Create the "
        "client (and its http_client) in the child, or let the SDK make its own pool: "
        "it opens a new one after a fork."
    )
    error.retryable = False
    return error


def unusable_pool_error(
    exc: RuntimeError, spec: RequestSpec[Any], config: ClientConfig
) -> APIConnectionError:
    """The error for a pool the HTTP library refuses to use; it is never retried."""
    error = APIConnectionError(
        f"{spec.route} was not sent: the connection pool cannot be used ({exc}). An async "
        "client's connections belong to the event loop that opened them: create one "
        "client per event loop (inside asyncio.run or trio.run)."
    )
    error.retryable = False
    return _masked(error, config)


def closed_client_error(spec: RequestSpec[Any]) -> APIConnectionError:
    """The error for a call on a client that was closed; it is never retried."""
    error = APIConnectionError(
        f"{spec.route} was not sent: the client is closed. Create a new client, or keep "
        "this one open (a `with` block) for as long as you make calls."
    )
    error.retryable = False
    return error


def log_attempt(
    spec: RequestSpec[Any],
    config: ClientConfig,
    start: float,
    attempt: int,
    response: HTTPResponse | None = None,
    exc: BaseException | None = None,
) -> None:
    """Log one DEBUG line for an attempt: method, path, outcome, elapsed ms, request id."""
    if logger.isEnabledFor(logging.DEBUG):
        request_id = response.headers.get("x-request-id") if response is not None else None
        logger.debug(
            "%s %s -> %s in %.1f ms (request id %s, attempt %d)",
            spec.method,
            spec.path,
            response.status_code if response is not None else type(exc).__name__,
            (clock() - start) * 1000,
            None if request_id is None else _mask(request_id, config),
            attempt,
        )
