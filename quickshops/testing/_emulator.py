"""The emulator: its state, and the pipeline every request goes through. No I/O here.

A request is routed from the SDK's endpoint table (`_routing`), then meets, in order:
the planned faults, the key check, the rate limits and ``Idempotency-Key`` replay;
then its handler (`_handlers`, looked up on the instance) answers, and the answer is
wrapped as the contract does. The adapters (`EmulatorTransport`, `EmulatorServer`)
deliver the `Reply`.
"""

from __future__ import annotations

import collections
import hashlib
import http
import math
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from quickshops._models import Store
from quickshops.testing._faults import ANY_ROUTE, Failure, Faults, route_name
from quickshops.testing._handlers import Cart, Handlers, Request
from quickshops.testing._pages import render
from quickshops.testing._replies import (
    APIError,
    ErrorStyle,
    RecordedRequest,
    Reply,
    error_body,
    json_reply,
    sniff,
)
from quickshops.testing._routing import ROUTE_NAMES, handler_name, resolve
from quickshops.testing._seed import (
    MEMBER_SESSION_ID,
    PUBLIC_KEY,
    SECRET_KEY,
    SUBSCRIPTION_PRODUCT_ID,
    product,
    seed_products,
    seed_store,
)
from quickshops.testing._webhooks import Delivery, Webhook, WebhookTarget, deliver, event_body

if TYPE_CHECKING:
    from quickshops._endpoints import Endpoint

__all__ = ["Emulator", "KeyKind", "RateLimit"]

KeyKind = Literal["secret", "public"]
"""The kind of an API key: ``secret`` may call every route, ``public`` only the store,
the products and the catalog."""

_STORE_WIRE = {
    field.name: field.metadata["wire"][0] for field in attrs.fields(Store) if field.metadata
}
"""The store's fields, by their SDK names (``payments_configured``) to their wire names."""
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


class Emulator(Handlers):
    """An in-memory Quickshops Headless API, answering as the API's contract does.

    Every operation lives under ``BASE_PATH``. `handle` turns one request into a
    `Reply`; the adapters (``EmulatorTransport``, ``EmulatorServer``) deliver it. State
    is guarded by one lock, so adapters may call `handle` from many threads.

    Every success is 200; ``GET /health`` answers bare and every other operation
    enveloped as ``{"data": ...}`` (``envelope=False`` makes them all bare). An error
    carries both of the API's error styles by default (``error_style``). The key may be
    sent as ``x-api-key`` or ``Authorization: Bearer``: `SECRET_KEY` may call every
    operation, `PUBLIC_KEY` only the store, the products and the catalog. A checkout
    session on a store without payments fails with 400 ``PAYMENTS_NOT_CONFIGURED``.

    Mutations (POST, PATCH, DELETE) honour ``Idempotency-Key``: a key seen before with
    the same method, path and body replays the stored success (with the header
    ``idempotent-replayed: true``) without applying anything; with another request it
    is 409 ``CONFLICT``. Only successes are stored. Keys are scoped to the API key.

    Attributes:
        envelope: Whether success bodies (but health's) are wrapped as ``{"data": ...}``.
        error_style: The shape of error bodies.
        store: The store, as the API sends it (wire names); change it to shape a test.
        products: The catalogue by id, as the API sends each product.
        carts: The carts by id.
        checkout_sessions: The checkout sessions by id, as the API sends them.
        return_urls: The success and cancel URLs each checkout session was created with.
        orders: The orders of paid one-time checkouts, oldest first.
        members: The subscription members by member session id.
        portal_sessions: The member session id of each portal session, by its token.
        webhooks: The endpoints events are sent to (`add_webhook`).
        deliveries: Every event sent, oldest first, with its status and attempts.
        webhook_attempts: How many times a delivery is tried before it is given up.
        webhook_retry_delay: Seconds before the first retry of a delivery, doubling.
        pages_url: The origin the checkout and portal pages are served from; set by
            `EmulatorServer`. None means the session URLs are fake Stripe URLs.
        clock: Monotonic seconds, used by the rate limits.
        wall_clock: Seconds since the epoch, for the timestamps the emulator writes.
        faults: The faults planned for the next requests.
        effects: Applied mutations, counted by ``"METHOD /template"``; replays, faults
            and errors do not count.
        requests: The latest handled requests, oldest first (``request_log`` of them).

    """

    def __init__(
        self,
        *,
        envelope: bool = True,
        error_style: ErrorStyle = "combined",
        payments_configured: bool = True,
        rate_limits: Mapping[str, RateLimit] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        request_log: int | None = 1000,
    ) -> None:
        """Create an emulator with the seeded store, catalogue, keys and member.

        Args:
            envelope: Whether success bodies (but health's) are wrapped as
                ``{"data": ...}``.
            error_style: The shape of error bodies.
            payments_configured: Whether the store can create checkout sessions.
            rate_limits: Limits by ``"METHOD /template"`` or ``"*"`` (every other
                route); none by default.
            clock: Monotonic seconds, used by the rate limits.
            wall_clock: Seconds since the epoch, for the timestamps it writes.
            request_log: How many of the latest requests `requests` keeps; None keeps
                them all (a long-running emulator would then grow without end).

        """
        self.envelope: bool = envelope
        self.error_style: ErrorStyle = error_style
        self.clock: Callable[[], float] = clock
        self.wall_clock: Callable[[], float] = wall_clock
        self._lock = threading.RLock()
        self.faults: Faults = Faults(ROUTE_NAMES, self._lock)
        self.effects: collections.Counter[str] = collections.Counter()
        self.requests: collections.deque[RecordedRequest] = collections.deque(maxlen=request_log)
        self.store: dict[str, Any] = seed_store(payments_configured=payments_configured)
        self.products: dict[str, dict[str, Any]] = seed_products()
        self.carts: dict[str, Cart] = {}
        self.checkout_sessions: dict[str, dict[str, Any]] = {}
        self.return_urls: dict[str, tuple[str | None, str | None]] = {}
        self.orders: list[dict[str, Any]] = []
        self.members: dict[str, dict[str, Any]] = {
            MEMBER_SESSION_ID: {
                "memberSessionId": MEMBER_SESSION_ID,
                "productId": SUBSCRIPTION_PRODUCT_ID,
                "customerEmail": "member@example.com",
                "status": "active",
            }
        }
        self.proposal: dict[str, Any] | None = None
        self.portal_sessions: dict[str, str] = {}
        self.webhooks: list[Webhook] = []
        self.deliveries: list[Delivery] = []
        self.webhook_attempts: int = 3
        self.webhook_retry_delay: float = 0.05
        self.pages_url: str | None = None
        self._keys: dict[str, KeyKind] = {SECRET_KEY: "secret", PUBLIC_KEY: "public"}
        self._rate_limits: dict[str, RateLimit] = {}
        self._hits: dict[tuple[str, str], collections.deque[float]] = {}
        self._replays: dict[tuple[str, str], tuple[tuple[str, ...], Reply]] = {}
        for route, limit in (rate_limits or {}).items():
            self.set_rate_limit(route, limit)

    @property
    def payments_configured(self) -> bool:
        """Whether the store can create checkout sessions (the store's ``paymentsConfigured``)."""
        return bool(self.store["paymentsConfigured"])

    @payments_configured.setter
    def payments_configured(self, value: bool) -> None:
        self.store["paymentsConfigured"] = value

    def add_key(self, api_key: str, kind: KeyKind = "secret") -> None:
        """Accept `api_key` as a secret (every route) or public (store, products) key.

        Raises:
            ValueError: When the key does not start with ``qk_``.

        """
        if not api_key.startswith("qk_"):
            raise ValueError("an API key starts with 'qk_'")
        with self._lock:
            self._keys[api_key] = kind

    def set_rate_limit(self, route: str, limit: RateLimit | None) -> None:
        """Limit `route` (``"METHOD /template"``, or ``"*"`` for the others); None lifts it.

        Raises:
            ValueError: On an unknown route.

        """
        name = route_name(route, ROUTE_NAMES)
        with self._lock:
            if limit is None:
                self._rate_limits.pop(name, None)
            else:
                self._rate_limits[name] = limit

    def update_store(self, **fields: Any) -> None:
        """Set fields of the store by their SDK names: ``update_store(name="My Shop")``.

        Values are as the API sends them (``theme`` a dict of wire names).

        Raises:
            TypeError: On a name that is not a field of `quickshops.Store`.

        """
        unknown = sorted(set(fields) - set(_STORE_WIRE))
        if unknown:
            names = ", ".join(_STORE_WIRE)
            raise TypeError(f"not a store field: {', '.join(unknown)}; the fields are {names}")
        with self._lock:
            self.store.update({_STORE_WIRE[name]: value for name, value in fields.items()})

    def add_product(
        self,
        name: str,
        price_in_cents: int,
        *,
        product_id: str | None = None,
        type: str = "digital",
        billing_interval: str | None = None,
        is_active: bool = True,
        currency: str = "usd",
        description: str | None = None,
        image_url: str | None = None,
        category: str | None = None,
        details: list[str] | None = None,
    ) -> str:
        """Add a product to the catalogue, with every key of the contract; return its id.

        Args:
            name: The product's name.
            price_in_cents: Its price in minor units (1999 is 19.99).
            product_id: Its id; a new ``prod_...`` id by default.
            type: ``digital``, ``physical`` or ``subscription``.
            billing_interval: ``month`` or ``year``; a subscription defaults to ``month``.
            is_active: Whether it is for sale.
            currency: Lowercase ISO currency.
            description: Its description.
            image_url: The URL of its image.
            category: Its category.
            details: Bullet points about it.

        Raises:
            ValueError: On a negative or non-integer price, or an id already taken.

        """
        if not isinstance(price_in_cents, int) or isinstance(price_in_cents, bool):
            raise ValueError(f"price_in_cents must be an integer, got {price_in_cents!r}")
        if price_in_cents < 0:
            raise ValueError(f"price_in_cents must be >= 0, got {price_in_cents}")
        if type == "subscription" and billing_interval is None:
            billing_interval = "month"
        product_id = product_id or f"prod_{secrets.token_hex(6)}"
        with self._lock:
            if product_id in self.products:
                raise ValueError(f"a product with id {product_id!r} already exists")
            self.products[product_id] = product(
                product_id,
                name,
                price_in_cents,
                type,
                currency=currency,
                description=description,
                image_url=image_url,
                category=category,
                billing_interval=billing_interval,
                details=details,
                is_active=is_active,
            )
        return product_id

    def add_member(
        self,
        member_session_id: str,
        *,
        product_id: str = "prod_club_monthly",
        customer_email: str = "member@example.com",
        status: str = "active",
    ) -> None:
        """Add a subscription member, whose `member_session_id` opens a billing portal.

        Raises:
            ValueError: When `product_id` is not a subscription product of the catalogue.

        """
        with self._lock:
            subscribed = self.products.get(product_id)
            if subscribed is None or subscribed["type"] != "subscription":
                raise ValueError(f"{product_id!r} is not a subscription product of the catalogue")
            self.members[member_session_id] = {
                "memberSessionId": member_session_id,
                "productId": product_id,
                "customerEmail": customer_email,
                "status": status,
            }

    def add_webhook(
        self, target: WebhookTarget, secret: str, events: Collection[str] | None = None
    ) -> Webhook:
        """Send events to `target`, signed with `secret`: every event, or only `events`.

        Args:
            target: A loopback ``http://`` URL, or a callable taking ``(body, headers)``
                and returning the status it answers (None counts as 200).
            secret: The signing secret (`quickshops.webhooks.sign` signs with it).
            events: The events to send, of `quickshops.webhooks.EVENT_TYPES`.

        Raises:
            ValueError: On a URL that is not plain http to loopback, an empty secret or
                an unknown event.

        """
        webhook = Webhook.create(target, secret, events)
        with self._lock:
            self.webhooks.append(webhook)
        return webhook

    def complete_session(
        self, session_id: str, *, customer_email: str = "customer@example.com"
    ) -> None:
        """Pay a checkout session, as the customer would: it becomes ``complete`` and ``paid``.

        A one-time purchase (mode ``payment``) creates its order in `orders` and sends
        ``order.completed``; a subscription makes the customer a member and sends
        ``subscription.created``. It returns once every delivery is done.

        Raises:
            KeyError: When no session has this id.
            ValueError: When the session was already completed.

        """
        with self._lock:
            session = self.checkout_sessions[session_id]
            if session["status"] == "complete":
                raise ValueError(f"checkout session {session_id} is already complete")
            session.update(status="complete", paymentStatus="paid", customerEmail=customer_email)
            items = session["lineItems"]
            if session["mode"] == "payment":
                order = {
                    "orderId": f"ord_{secrets.token_hex(8)}",
                    "customerEmail": customer_email,
                    "productId": items[0]["productId"],
                    "amountInCents": session["amountTotal"],
                    "currency": session["currency"],
                }
                self.orders.append(
                    {**order, "sessionId": session_id, "createdAt": self.now(), "lines": items}
                )
                event, data = "order.completed", order
            else:
                member_session_id = f"msess_{secrets.token_hex(8)}"
                data = {
                    "memberSessionId": member_session_id,
                    "productId": items[0]["productId"],
                    "customerEmail": customer_email,
                    "status": "active",
                }
                self.members[member_session_id] = data
                event = "subscription.created"
        self.send_event(event, data)

    def cancel_subscription(self, member_session_id: str) -> None:
        """Cancel a member's subscription, as the member would in the portal.

        The member's status becomes ``cancelled``, and ``subscription.cancelled`` is sent.

        Raises:
            KeyError: When no member has this session id.

        """
        self._set_member_status(member_session_id, "cancelled", "subscription.cancelled")

    def fail_renewal(self, member_session_id: str) -> None:
        """Fail the renewal payment of a member's subscription.

        The member's status becomes ``past_due``, and ``subscription.payment_failed`` is
        sent.

        Raises:
            KeyError: When no member has this session id.

        """
        self._set_member_status(member_session_id, "past_due", "subscription.payment_failed")

    def send_event(self, event: str, data: Mapping[str, Any]) -> list[Delivery]:
        """Send one event to every endpoint that takes it; return their deliveries.

        Each delivery is also appended to `deliveries`. The state lock is not held
        while sending, so an endpoint may call the emulator back.
        """
        body = event_body(event, self.now(), data)
        with self._lock:
            targets = [webhook for webhook in self.webhooks if event in webhook.events]
        sent = [
            deliver(
                webhook,
                event,
                body,
                attempts=self.webhook_attempts,
                retry_delay=self.webhook_retry_delay,
            )
            for webhook in targets
        ]
        with self._lock:
            self.deliveries.extend(sent)
        return sent

    def _set_member_status(self, member_session_id: str, status: str, event: str) -> None:
        with self._lock:
            member = self.members[member_session_id]
            member["status"] = status
            data = dict(member)
        self.send_event(event, data)

    def page(self, method: str, path: str) -> Reply:
        """Answer a request for a checkout or portal page (`EmulatorServer` serves them).

        Args:
            method: ``GET`` for a page, ``POST`` for one of its forms.
            path: The path, starting with ``/pages/``.

        """
        return render(self, method, path)

    def handle(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> Reply:
        """Answer one request, and record it.

        Args:
            method: The HTTP method.
            path: The raw (percent-encoded) path, starting with `BASE_PATH`.
            query: The raw query string, without ``?``.
            headers: The request headers (any case).
            body: The request body.

        Returns:
            The reply, with any planned drop or delay for the adapter to apply.

        """
        lowered = {name.lower(): value for name, value in (headers or {}).items()}
        request_id = f"req_{secrets.token_hex(8)}"
        endpoint: Endpoint[Any] | None = None
        with self._lock:
            plan = None
            try:
                endpoint, params = resolve(method, path)
                plan = self.faults.take(endpoint.route)
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
            self.requests.append(
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

    # The pipeline

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
        payload = getattr(self, handler_name(endpoint))(request)
        reply = json_reply(200, self._wrap(endpoint, payload))
        if endpoint.is_mutation:
            self.effects[endpoint.route] += 1
            if idempotency_key is not None:
                self._replays[api_key or "", idempotency_key] = (fingerprint, reply)
        return reply

    def _authorize(self, api_key: str | None, endpoint: Endpoint[Any]) -> None:
        if api_key is None:
            raise APIError(401, "UNAUTHORIZED", "API key required")
        kind = self._keys.get(api_key)
        if kind is None:
            raise APIError(401, "UNAUTHORIZED", "Missing or invalid API key")
        if kind != "secret" and endpoint.key == "secret":
            access = "write" if endpoint.is_mutation else "read"
            raise APIError(403, "FORBIDDEN", f"Scope {endpoint.resource}:{access} required")

    def _check_rate(self, api_key: str, route: str) -> None:
        limit = self._rate_limits.get(route) or self._rate_limits.get(ANY_ROUTE)
        if limit is None:
            return
        now = self.clock()
        hits = self._hits.setdefault((api_key, route), collections.deque())
        while hits and hits[0] <= now - limit.per_seconds:
            hits.popleft()
        if len(hits) >= limit.requests:
            wait = max(1, math.ceil(hits[0] + limit.per_seconds - now))
            raise APIError(429, "RATE_LIMITED", "Rate limit exceeded", {"retry-after": str(wait)})
        hits.append(now)

    def _wrap(self, endpoint: Endpoint[Any], payload: Any) -> Any:
        if not self.envelope or not endpoint.envelope:
            return payload
        if isinstance(payload, list):
            return {"data": payload, "nextCursor": None}
        return {"data": payload}

    def _error_reply(self, error: APIError, request_id: str) -> Reply:
        body = error_body(self.error_style, error.status, error.code, error.message, request_id)
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
        body = error_body(self.error_style, failure.status, code, message, request_id)
        return json_reply(failure.status, body, headers)
