"""What a call sends: the `Call` a resource method describes, and the request built from it.

No I/O here. A `Call` is made per call, before anything is sent; `build_request` turns
it into the one request of the client's HTTP library that every attempt sends, with
the headers, timeout and URL prepared once per client.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from urllib.parse import unquote

from . import _args
from ._exceptions import InvalidRequestError
from ._models import APIResponse
from ._stack import parse_url

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from ._config import ClientConfig
    from ._endpoints import Endpoint
    from ._stack import HTTPResponse

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Reader(Protocol[T_co]):
    """Reads a 2xx answer: the decoded JSON body (None if empty), into what a call returns."""

    @property
    def allows_empty(self) -> bool:
        """Whether an empty body is a valid answer (else it is a validation error)."""

    def read(self, body: Any, response: HTTPResponse, route: str) -> T_co:
        """Turn the body of `response`, the answer of `route`, into the call's result."""


class Call(Generic[T]):
    """One call to the API, before any I/O: what to send and how to read the answer.

    Attributes:
        method: The HTTP method.
        path: The path below the base URL, its parameters already encoded.
        route: The route as documented (``POST /cart/{cartId}/lines``), for messages.
        reader: Turns the answer's body into the call's result.
        params: Query parameters, if any.
        json: The JSON body, or None to send no body.
        idempotency_key: The caller's Idempotency-Key for a mutation, if given.

    """

    # A plain class with slots: one is built per call, and an attrs class costs more
    # to import and to create.
    __slots__ = ("idempotency_key", "json", "method", "params", "path", "reader", "route")

    method: str
    path: str
    route: str
    reader: Reader[T]
    params: Mapping[str, Any] | None
    json: Any
    idempotency_key: str | None

    def __init__(
        self,
        method: str,
        path: str,
        route: str,
        reader: Reader[T],
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.route = route
        self.reader = reader
        self.params = params
        self.json = json
        self.idempotency_key = idempotency_key

    @property
    def is_mutation(self) -> bool:
        """Tell whether the call changes state, and so carries an Idempotency-Key."""
        return self.method != "GET"


def call(
    endpoint: Endpoint[T],
    *,
    path: Mapping[str, object] | None = None,
    query: Mapping[str, str | None] | None = None,
    body: Any = None,
    idempotency_key: str | None = None,
) -> Call[T]:
    """Describe a call of `endpoint`: its path parameters (by argument name), query and body.

    Query values that are None are left out; the Idempotency-Key is checked.
    """
    values = path or {}
    assert set(values) == set(endpoint.arguments), (endpoint.name, values)
    rendered = endpoint.render(_args.segment, tuple(values[name] for name in endpoint.arguments))
    params = {name: value for name, value in (query or {}).items() if value is not None}
    return Call(
        endpoint.method,
        rendered,
        endpoint.route,
        endpoint.returns,
        params=params or None,
        json=body,
        idempotency_key=_args.idempotency_key(idempotency_key),
    )


class _RawReader:
    """Reads any answer into an `APIResponse`, for `qs.request(...)`."""

    allows_empty = True

    def read(self, body: Any, response: HTTPResponse, route: str) -> APIResponse:
        data = body["data"] if isinstance(body, dict) and "data" in body else body
        return APIResponse(
            status_code=response.status_code,
            headers=response.headers,
            request_id=response.headers.get("x-request-id"),
            body=body,
            data=data,
        )


_RAW = _RawReader()
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
_UNSAFE = re.compile(r"[\s\\?#\x00-\x1f\x7f]|%(?![0-9A-Fa-f]{2})")


def raw_call(
    method: str,
    path: str,
    *,
    params: Mapping[str, Any] | None,
    json: Any,
    idempotency_key: str | None,
) -> Call[APIResponse]:
    """Describe a call of a route the resources do not wrap (`qs.request`).

    `path` must stay below the base URL: it starts with ``/`` and holds no scheme, host,
    query, fragment or dot-segment (``..``, also percent-encoded).
    """
    if not isinstance(method, str) or method.upper() not in _METHODS:
        raise InvalidRequestError(
            f"method must be one of {', '.join(sorted(_METHODS))}, not {method!r}."
        )
    method = method.upper()
    if (
        not isinstance(path, str)
        or not path.startswith("/")
        or path.startswith("//")
        or "://" in path
        or _UNSAFE.search(path)
        or not path.isascii()
        or any(unquote(part) in (".", "..") for part in path.split("/"))
    ):
        raise InvalidRequestError(
            f"path must be a path below base_url, such as '/store/settings': it starts with "
            f"'/' and has no scheme, host, query, fragment or '..' segment; not {path!r}. "
            "Pass query strings as params=..."
        )
    if params is not None and (
        not isinstance(params, Mapping)
        or not all(isinstance(name, str) and _is_query_value(v) for name, v in params.items())
    ):
        raise InvalidRequestError(
            "params must be a mapping of names to strings, numbers, booleans or lists of "
            f"them, not {params!r}."
        )
    return Call(
        method,
        path,
        f"{method} {path}",
        _RAW,
        params=dict(params) if params else None,
        json=json,
        idempotency_key=_args.idempotency_key(idempotency_key),
    )


def _is_query_value(value: object) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_is_query_value(item) for item in value)
    return value is None or isinstance(value, (str, int, float))


def new_idempotency_key() -> str:
    """Return a fresh Idempotency-Key: one per mutation call, reused by its retries."""
    return str(uuid.uuid4())


def build_request(
    client: Any,
    library: ModuleType,
    headers: Any,
    config: ClientConfig,
    call: Call[Any],
    new_key: Callable[[], str],
) -> Any:
    """Build the one request that every attempt of a call sends.

    `client` is an httpx2 or httpx client, `library` its module, and `headers` the
    headers every request carries, as that library's ``Headers``, built once per client.
    """
    headers = headers.copy()
    content = None
    if call.json is not None:
        try:
            content = json.dumps(
                call.json, separators=(",", ":"), ensure_ascii=False, allow_nan=False
            ).encode()
        except (TypeError, ValueError) as exc:  # NaN and infinities are not JSON either
            raise InvalidRequestError(f"{call.route}: the body is not JSON ({exc}).") from exc
        headers["content-type"] = "application/json"
    if call.is_mutation:
        headers["idempotency-key"] = call.idempotency_key or new_key()
    try:
        return client.build_request(
            call.method,
            parse_url(library, config.base_url + call.path),
            params=call.params,
            headers=headers,
            content=content,
            extensions={"timeout": config.timeout_extension},
        )
    except library.InvalidURL as exc:  # a URL too long for the library
        raise InvalidRequestError(f"{call.route} cannot be sent: {exc}.") from exc
