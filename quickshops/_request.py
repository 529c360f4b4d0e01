"""What a call sends: the `Call` a resource method describes, and the request built from it.

No I/O here. A `Call` is made per call, before anything is sent; `RequestBuilder` turns
it into the one request of the client's HTTP library that every attempt sends, with
the headers and timeout prepared once per client.
"""

from __future__ import annotations

import json
import re
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
    from ._observe import Watch
    from ._ratelimit import RateLimits
    from ._stack import HTTPHeaders

T = TypeVar("T")


class Call(Generic[T]):
    """One call to the API: what to send, how to read its answer, and its state as it runs.

    A resource method makes one (`call`), and the sender carries it through every step
    of the call: it is the call's one per-call object. While the call runs, it is also
    the current call (`quickshops._deadline.CURRENT`), which the SDK's own pools read on
    every socket operation for its deadline and its rate-limit turn.

    Attributes:
        operation: The client method that makes it (``cart.add_line``), or ``request``.
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
        watch: What it reports its steps to (its client's hook, its span), if anything.

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
        "operation",
        "params",
        "path",
        "raw",
        "route",
        "sent_at",
        "sleep",
        "watch",
    )

    operation: str
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
    watch: Watch | None

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
        operation: str = "request",
    ) -> None:
        self.operation = operation
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
        self.watch = None


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
    if idempotency_key is not None:
        idempotency_key = _args.idempotency_key(idempotency_key)
    return Call(
        endpoint.method,
        rendered,
        endpoint.route,
        endpoint.model,
        many=endpoint.many,
        params=params,
        json=body,
        idempotency_key=idempotency_key,
        operation=endpoint.name,
    )


_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
# Compiled on first use (by `re`'s cache), not at import.
_UNSAFE = r"[\s\\?#\x00-\x1f\x7f]|%(?![0-9A-Fa-f]{2})"


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
        or re.search(_UNSAFE, path)
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
    import uuid  # here, not at the top: a client that only reads never needs it

    return str(uuid.uuid4())


class RequestBuilder:
    """Builds each call's request exactly as the client's own ``build_request`` would.

    httpx2's (and httpx's) ``build_request`` merges the client's headers with the
    call's on every call, about half of what building a request costs. The merged
    headers depend only on the client's headers, the SDK's (fixed per client) and which
    per-call headers a call sets (its content type, its Idempotency-Key), so the builder
    merges them once per such set and reuses the result for as long as the client's
    headers stay as they were; everything else (the URL, the client's cookies, the body,
    ``Host`` and ``Content-Length``) is the library's ``Request`` as usual. A call with
    query parameters, a client with default ones, and a client whose ``build_request``
    is not the library's (a subclass that overrides it) go through the client's
    ``build_request`` itself. tests/test_request.py holds both ways to the same request.
    """

    def __init__(self, library: ModuleType, config: ClientConfig) -> None:
        self.library = library
        self.config = config
        self.headers: HTTPHeaders = library.Headers(config.headers)
        """The headers of every request, as the library holds them."""
        self._library_builds = (library.Client.build_request, library.AsyncClient.build_request)
        # The client the merged headers were made for, its headers then, and the merged
        # headers by (has a body, has an Idempotency-Key): replaced in one assignment, so
        # that a thread never pairs one client's headers with another's.
        self._merged: tuple[object, list[tuple[bytes, bytes]], dict[tuple[bool, bool], Any]] = (
            None,
            [],
            {},
        )

    def build(self, client: Any, call: Call[Any], new_key: Callable[[], str]) -> Any:
        """Build the one request that every attempt of `call` sends with `client`.

        `client` is an httpx2 or httpx client of the builder's library; `new_key` makes
        an Idempotency-Key for a mutation that was not given one.
        """
        library, config = self.library, self.config
        content = None
        if call.json is not None:
            try:
                content = _JSON.encode(call.json).encode()
            except (TypeError, ValueError) as exc:  # NaN and infinities are not JSON either
                raise InvalidRequestError(f"{call.route}: the body is not JSON ({exc}).") from exc
        key = None if call.method == "GET" else (call.idempotency_key or new_key())
        extensions = {"timeout": config.timeout_extension}  # the attempt may shorten it
        try:
            url = parse_url(library, config.base_url + call.path)
            if (
                call.params
                or getattr(client.build_request, "__func__", None) not in self._library_builds
                or client.params
            ):
                return client.build_request(
                    call.method,
                    url,
                    params=call.params,
                    headers=self._own_headers(content is not None, key),
                    content=content,
                    extensions=extensions,
                )
            request = library.Request(
                call.method,
                url,
                # The request copies the merged headers: they stay as they are.
                headers=self._merged_headers(client, content is not None, key is not None),
                cookies=client.cookies,
                content=content,
                extensions=extensions,
            )
        except library.InvalidURL as exc:  # a URL too long for the library
            raise InvalidRequestError(f"{call.route} cannot be sent: {exc}.") from exc
        if key is not None:
            request.headers["idempotency-key"] = key  # in the placeholder's place
        return request

    def _merged_headers(self, client: Any, has_body: bool, has_key: bool) -> Any:
        """The client's headers merged with the SDK's, as the client's ``build_request`` would.

        That is: the client's headers but those the SDK sets, then the SDK's, the content
        type of a body and the Idempotency-Key of a mutation where the SDK's have them or
        last. The Idempotency-Key is a placeholder, for the request to replace.
        """
        merged_for, client_headers, merged = self._merged
        current = client.headers.raw
        if client is not merged_for or current != client_headers:
            merged = {}
            self._merged = (client, current, merged)
        headers = merged.get((has_body, has_key))
        if headers is None:
            headers = self.library.Headers(client.headers)
            headers.update(self._own_headers(has_body, "" if has_key else None))
            merged[has_body, has_key] = headers
        return headers

    def _own_headers(self, has_body: bool, key: str | None) -> Any:
        """The SDK's headers with a call's own: the body's content type, its key (if any)."""
        headers = self.headers.copy()
        if has_body:
            headers["content-type"] = _JSON_TYPE
        if key is not None:
            headers["idempotency-key"] = key
        return headers


_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)
"""Encodes a request's body: compact, as sent, and refusing NaN and infinities."""
_JSON_TYPE = "application/json"
