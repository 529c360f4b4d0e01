"""The exceptions a call can raise, and nothing else.

```
QuickshopsError                 message, status, code, request_id
├── InvalidAPIKeyError          also a ValueError; raised by the constructors
├── InvalidRequestError         also a ValueError; bad arguments, caught before any I/O
├── APIConnectionError          no usable response: DNS, refused, reset, TLS
│   └── APITimeoutError
├── APIResponseValidationError  a 2xx whose body is not the documented shape
├── InvalidWebhookError         also a ValueError; a webhook's signature or payload is wrong
└── APIStatusError              any 4xx/5xx; also .response and .body
    ├── BadRequestError             400
    ├── AuthenticationError         401
    ├── PermissionDeniedError       403
    ├── NotFoundError               404
    ├── ConflictError               409
    ├── UnprocessableEntityError    422
    ├── RateLimitError              429, with .retry_after
    └── InternalServerError         >= 500
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._stack import HTTPResponse

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidAPIKeyError",
    "InsecureHTTPWarning",
    "InvalidRequestError",
    "InvalidWebhookError",
    "NotFoundError",
    "PermissionDeniedError",
    "QuickshopsError",
    "RateLimitError",
    "UnprocessableEntityError",
]


class QuickshopsError(Exception):
    """Base class of every error the SDK raises.

    Attributes:
        message: What went wrong and, where the SDK can tell, what to do about it.
        status: The HTTP status of the response, or None when there was none.
        code: A stable machine-readable code: the API's own (``NOT_FOUND``) or the
            SDK's (``CONNECTION_ERROR``, ``TIMEOUT``, ``INVALID_REQUEST``...).
        request_id: The API's request id, to quote to Quickshops support.

    """

    message: str
    status: int | None
    code: str
    request_id: str | None

    default_code = "QUICKSHOPS_ERROR"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code or self.default_code
        self.request_id = request_id

    def __str__(self) -> str:
        details = [f"code {self.code}"]
        if self.status is not None:
            details.insert(0, f"status {self.status}")
        if self.request_id:
            details.append(f"request id {self.request_id}")
        return f"{self.message} ({', '.join(details)})"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, status={self.status!r}, "
            f"code={self.code!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments defeat Exception's pickling; rebuild from the state.
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[QuickshopsError], message: str, state: dict[str, Any]) -> QuickshopsError:
    """Recreate a pickled error without calling its __init__."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class InvalidAPIKeyError(QuickshopsError, ValueError):
    """The API key is missing or malformed; raised by the client constructors."""

    default_code = "INVALID_API_KEY"


class InvalidRequestError(QuickshopsError, ValueError):
    """An argument is invalid; raised before any request is sent."""

    default_code = "INVALID_REQUEST"


class InvalidWebhookError(QuickshopsError, ValueError):
    """A webhook's signature is missing or wrong, or its body is not a Quickshops event.

    Raised by `quickshops.webhooks`; answer such a request with 400 and do nothing else.
    """

    default_code = "INVALID_WEBHOOK"


class InsecureHTTPWarning(UserWarning):
    """A client was allowed plain http to a host that is not loopback.

    Issued once per client made with ``allow_insecure_http=True`` and such a
    ``base_url``: the API key crosses the network in clear text. Silence it, for a test
    server on a private network, with
    ``warnings.filterwarnings("ignore", category=quickshops.InsecureHTTPWarning)``.
    """


class APIConnectionError(QuickshopsError):
    """No usable response arrived: DNS failure, refused or reset connection, TLS error.

    Attributes:
        retryable: False when trying again cannot help: the client was closed, or its
            caller-owned pool belongs to the parent of a forked process.
    """

    default_code = "CONNECTION_ERROR"
    retryable: bool = True  # False when retrying cannot help, e.g. the client was closed


class APITimeoutError(APIConnectionError):
    """An attempt ran past its `timeout`, or the whole call past its `total_timeout`."""

    default_code = "TIMEOUT"


class APIResponseValidationError(QuickshopsError):
    """A successful (2xx) response whose body is not the documented shape."""

    default_code = "RESPONSE_VALIDATION_ERROR"


class APIStatusError(QuickshopsError):
    """The API answered with an error status (4xx or 5xx).

    Attributes:
        response: The `httpx2.Response`, already read and closed (an `httpx.Response`
            when the client was given an httpx ``http_client``).
        body: The decoded JSON body, the text of a non-JSON body, or None if empty.

    """

    body: Any

    default_code = "HTTP_ERROR"

    def __init__(
        self,
        message: str,
        *,
        response: HTTPResponse,
        body: Any,
        code: str | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, status=response.status_code, code=code, request_id=request_id)
        # Declared here, not on the class: HTTPResponse names httpx, an optional
        # dependency, so typing.get_type_hints could not resolve it at run time.
        self.response: HTTPResponse = response
        self.body = body


class BadRequestError(APIStatusError):
    """400: the API rejected the request's content."""

    default_code = "VALIDATION_ERROR"


class AuthenticationError(APIStatusError):
    """401: the API key is missing, unknown or revoked."""

    default_code = "UNAUTHORIZED"


class PermissionDeniedError(APIStatusError):
    """403: the key may not call this route (a public key on a secret route, a plan limit)."""

    default_code = "FORBIDDEN"


class NotFoundError(APIStatusError):
    """404: the product, cart, session or route does not exist."""

    default_code = "NOT_FOUND"


class ConflictError(APIStatusError):
    """409: the request conflicts with another, e.g. an Idempotency-Key reused with a new body."""

    default_code = "CONFLICT"


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but cannot be processed."""

    default_code = "UNPROCESSABLE_ENTITY"


class RateLimitError(APIStatusError):
    """429: too many requests for this key and route.

    Attributes:
        retry_after: Seconds the API asked the caller to wait, or None if it did not say.

    """

    retry_after: float | None

    default_code = "RATE_LIMITED"

    def __init__(
        self,
        message: str,
        *,
        response: HTTPResponse,
        body: Any,
        code: str | None = None,
        request_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, response=response, body=body, code=code, request_id=request_id)
        self.retry_after = retry_after


class InternalServerError(APIStatusError):
    """500 or above: the API or a proxy in front of it failed."""

    default_code = "INTERNAL_ERROR"
