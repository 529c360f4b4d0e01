"""The errors of a call that got no usable answer, and the mapping of the HTTP library's.

No I/O here. `send_error` maps what httpx2 (or httpx, in a caller's client) raised
while sending to the SDK's error; the others are the SDK's own refusals to send.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    QuickshopsError,
)
from ._response import error_from_response, masked
from ._stack import ERROR_KINDS, library_of, lower_errors

if TYPE_CHECKING:
    from ._config import ClientConfig
    from ._request import Call

_EVENT_LOOP = re.compile(r"event loop|different loop|async context", re.IGNORECASE)


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
    return isinstance(exc, RuntimeError) and _EVENT_LOOP.search(str(exc)) is not None


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
