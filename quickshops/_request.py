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
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import unquote

from . import _args
from ._exceptions import InvalidRequestError
from ._stack import parse_url

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

    from ._config import ClientConfig
    from ._deadline import Deadline
    from ._endpoints import Endpoint
    from ._models import APIResponse
    from ._ratelimit import RateLimits

T = TypeVar("T")


class Call(Generic[T]):
    """One call to the API: what to send, how to read its answer, and its state as it runs.

    A resource method makes one (`call`), and the sender carries it through every step
    of the call: it is the call's one per-call object. While the call runs, it is also
    the current call (`quickshops._deadline.CURRENT`), which the SDK's own pools read on
    every socket operation for its deadline and its rate-limit turn.

    Attributes:
        method: The HTTP method.
        path: The path below the base URL, its parameters already encoded.
        route: The route as documented (``POST /cart/{cartId}/lines``), for messages.
        model: The model the answer's payload decodes to; None for plain JSON.
        many: Whether the payload is a list of `model`.
        raw: Whether the answer is returned as an `APIResponse` (`qs.request`).
        params: Query parameters, if any.
        json: The JSON body, or None to send no body.
        idempotency_key: The caller's Idempotency-Key for a mutation, if given.
        deadline: When the whole call must end (``total_timeout``), or None.
        limits: The rate-limit pauses of the client that sends it.
        sleep: How that client waits (it sleeps, or moves its clock).
        sent_at: When its current attempt took its rate-limit turn, on that clock.

    """

    # A plain class with slots: one is made per call, and an attrs class costs more
    # to import and to create.
    __slots__ = (
        "deadline",
        "idempotency_key",
        "json",
        "limits",
        "many",
        "method",
        "model",
        "params",
        "path",
        "raw",
        "route",
        "sent_at",
        "sleep",
    )

    method: str
    path: str
    route: str
    model: type[Any] | None
    many: bool
    raw: bool
    params: Mapping[str, Any] | None
    json: Any
    idempotency_key: str | None
    deadline: Deadline | None
    limits: RateLimits | None
    sleep: Callable[[float], Any] | None
    sent_at: float

    def __init__(
        self,
        method: str,
        path: str,
        route: str,
        model: type[Any] | None = None,
        *,
        many: bool = False,
        raw: bool = False,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.route = route
        self.model = model
        self.many = many
        self.raw = raw
        self.params = params
        self.json = json
        self.idempotency_key = idempotency_key
        self.deadline = None
        self.limits = None
        self.sleep = None
        self.sent_at = 0.0

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
    rendered = endpoint.path
    if path:
        rendered = endpoint.render(_args.segment, [path[name] for name in endpoint.arguments])
    params = None
    if query:
        params = {name: value for name, value in query.items() if value is not None} or None
    return Call(
        endpoint.method,
        rendered,
        endpoint.route,
        endpoint.model,
        many=endpoint.many,
        params=params,
        json=body,
        idempotency_key=_args.idempotency_key(idempotency_key),
    )


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
        raw=True,
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
