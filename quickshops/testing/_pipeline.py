"""The pipeline every request to the emulator goes through. No I/O here.

A request is routed from the SDK's endpoint table (`_routing`), then meets, in order:
the planned faults (`_faults`), the key check, the rate limits and ``Idempotency-Key``
replay; then its handler (`_handlers`), looked up on the emulator by name so that a
subclass may override one, answers, and the answer is wrapped as the contract does.
An `APIError` on the way becomes an error reply in the emulator's ``error_style``
(`_replies`). Every request is recorded in the emulator's ``requests``.

The state the handlers answer from, and the API that shapes it, are the `Emulator`'s
(`_emulator`); the adapters (`EmulatorTransport`, `EmulatorServer`) deliver the `Reply`.
"""

from __future__ import annotations

import collections
import hashlib
import http
import math
import secrets
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from quickshops.testing._faults import ANY_ROUTE, Failure
from quickshops.testing._handlers import Paged, Request
from quickshops.testing._replies import (
    APIError,
    RecordedRequest,
    Reply,
    error_body,
    json_reply,
    sniff,
)
from quickshops.testing._routing import handler_name, resolve

if TYPE_CHECKING:
    import threading

    from quickshops._endpoints import Endpoint
    from quickshops.testing._emulator import Emulator

__all__ = ["KeyKind", "Pipeline", "RateLimit"]

KeyKind = Literal["secret", "public"]
"""The kind of an API key: ``secret`` may call every route, ``public`` only the store,
the products and the catalog."""

_STATUS_CODES = {400: "VALIDATION_ERROR", 429: "RATE_LIMITED", 500: "INTERNAL_ERROR"}
_STATUS_MESSAGES = {429: "Rate limit exceeded"}


@attrs.frozen
class RateLimit:
    """At most ``requests`` requests per ``per_seconds`` seconds, per key and per route.

    Attributes:
        requests: How many requests the window allows.
        per_seconds: The window's length in seconds.
    """

    requests: int = attrs.field(validator=attrs.validators.ge(1))
    per_seconds: float = attrs.field(validator=attrs.validators.gt(0))


def _api_key(headers: Mapping[str, str]) -> str | None:
    """The key a request carries: ``x-api-key``, or ``Authorization: Bearer``."""
    key = headers.get("x-api-key")
    if key is not None:
        return key
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


class Pipeline:
    """The way from one request to its `Reply`, for one emulator, under the emulator's lock.

    It keeps what only the pipeline reads: the accepted keys, the rate limits and the
    requests they have counted, and the successes stored for ``Idempotency-Key`` replay.
    The rest (faults, envelope, error style, clock, effects, the request log) it reads
    from the emulator at each request, so that a test may change them at any time.

    Attributes:
        keys: The accepted API keys, each with its kind.
        rate_limits: The limits by ``"METHOD /template"``, or ``"*"`` for every other route.

    """

    def __init__(self, emulator: Emulator, lock: threading.RLock) -> None:
        """Create the pipeline of `emulator`, with no keys and no limits.

        Args:
            emulator: The emulator whose handlers answer, and whose state is read.
            lock: The lock guarding the emulator's state; each request holds it.

        """
        self.keys: dict[str, KeyKind] = {}
        self.rate_limits: dict[str, RateLimit] = {}
        self._emulator = emulator
        self._lock = lock
        self._hits: dict[tuple[str, str], collections.deque[float]] = {}
        self._replays: dict[tuple[str, str], tuple[tuple[str, ...], Reply]] = {}

    def handle(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> Reply:
        """Answer one request, and record it (see `Emulator.handle`)."""
        emulator = self._emulator
        lowered = {name.lower(): value for name, value in headers.items()}
        request_id = f"req_{secrets.token_hex(8)}"
        endpoint: Endpoint[Any] | None = None
        with self._lock:
            plan = None
            try:
                endpoint, params = resolve(method, path)
                plan = emulator.faults.take(endpoint.route)
                if plan.failure is not None:
                    reply = self._failure_reply(plan.failure, request_id)
                else:
                    reply = self._dispatch(endpoint, params, method, path, query, lowered, body)
            except APIError as error:
                reply = self._error_reply(error, request_id)
            reply = attrs.evolve(
                reply,
                headers={**reply.headers, "x-request-id": request_id},
                dropped=plan is not None and plan.drop,
                delay=plan.delay if plan is not None else 0.0,
            )
            emulator.requests.append(
                RecordedRequest(
                    method=method,
                    path=path,
                    query=query,
                    headers=lowered,
                    body=body,
                    route=endpoint.route if endpoint else None,
                    status=reply.status,
                    request_id=request_id,
                    dropped=reply.dropped,
                )
            )
            return reply

    def _dispatch(
        self,
        endpoint: Endpoint[Any],
        params: Mapping[str, str],
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> Reply:
        api_key = _api_key(headers)
        if endpoint.key != "none":
            self._authorize(api_key, endpoint)
        self._check_rate(api_key or "", endpoint.route)
        idempotency_key = headers.get("idempotency-key") if endpoint.is_mutation else None
        fingerprint = (method, path, query, hashlib.sha256(body).hexdigest())
        if idempotency_key is not None:
            stored = self._replays.get((api_key or "", idempotency_key))
            if stored is not None:
                if stored[0] != fingerprint:
                    raise APIError(
                        409,
                        "CONFLICT",
                        "Idempotency-Key was already used with a different request",
                    )
                return attrs.evolve(
                    stored[1], headers={**stored[1].headers, "idempotent-replayed": "true"}
                )
        request = Request(params, dict(urllib.parse.parse_qsl(query)), body)
        payload = getattr(self._emulator, handler_name(endpoint))(request)
        reply = json_reply(200, self._wrap(endpoint, payload))
        if endpoint.is_mutation:
            self._emulator.effects[endpoint.route] += 1
            if idempotency_key is not None:
                self._replays[api_key or "", idempotency_key] = (fingerprint, reply)
        return reply

    def _authorize(self, api_key: str | None, endpoint: Endpoint[Any]) -> None:
        if api_key is None:
            raise APIError(401, "UNAUTHORIZED", "API key required")
        kind = self.keys.get(api_key)
        if kind is None:
            raise APIError(401, "UNAUTHORIZED", "Missing or invalid API key")
        if kind != "secret" and endpoint.key == "secret":
            access = "write" if endpoint.is_mutation else "read"
            raise APIError(403, "FORBIDDEN", f"Scope {endpoint.resource}:{access} required")

    def _check_rate(self, api_key: str, route: str) -> None:
        limit = self.rate_limits.get(route) or self.rate_limits.get(ANY_ROUTE)
        if limit is None:
            return
        now = self._emulator.clock()
        hits = self._hits.setdefault((api_key, route), collections.deque())
        while hits and hits[0] <= now - limit.per_seconds:
            hits.popleft()
        if len(hits) >= limit.requests:
            wait = max(1, math.ceil(hits[0] + limit.per_seconds - now))
            raise APIError(429, "RATE_LIMITED", "Rate limit exceeded", {"retry-after": str(wait)})
        hits.append(now)

    def _wrap(self, endpoint: Endpoint[Any], payload: Any) -> Any:
        if isinstance(payload, Paged):
            if not self._emulator.envelope:
                return payload.items  # a bare list has nowhere to say more follow
            return {"data": payload.items, "nextCursor": payload.next_cursor}
        if not self._emulator.envelope or not endpoint.envelope:
            return payload
        if isinstance(payload, list):
            return {"data": payload, "nextCursor": None}
        return {"data": payload}

    def _error_reply(self, error: APIError, request_id: str) -> Reply:
        style = self._emulator.error_style
        body = error_body(style, error.status, error.code, error.message, request_id)
        return json_reply(error.status, body, error.headers)

    def _failure_reply(self, failure: Failure, request_id: str) -> Reply:
        headers = dict(failure.headers)
        if failure.retry_after is not None:
            headers["retry-after"] = failure.retry_after
        if failure.body is not None:
            headers.setdefault("content-type", sniff(failure.body))
            return Reply(failure.status, headers, failure.body)
        try:
            phrase = http.HTTPStatus(failure.status).phrase
        except ValueError:
            phrase = "Error"
        code = failure.code or _STATUS_CODES.get(
            failure.status, phrase.upper().replace(" ", "_").replace("-", "_")
        )
        message = failure.message or _STATUS_MESSAGES.get(failure.status, phrase)
        body = error_body(self._emulator.error_style, failure.status, code, message, request_id)
        return json_reply(failure.status, body, headers)
