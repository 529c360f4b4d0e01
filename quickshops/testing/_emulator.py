"""The emulator: its state, and the API a test shapes it with. No I/O here.

`Emulator` holds the store, the catalogue, the carts, the checkout sessions, the
orders, the members and the webhook endpoints. The rest lives beside it:

- `_pipeline`: what every request goes through (faults, keys, rate limits,
  ``Idempotency-Key`` replay) on its way to its handler, then the wrapping and the
  error replies;
- `_handlers`: one handler per operation, which `Emulator` inherits;
- `_routing`: the routes, from the SDK's endpoint table;
- `_pages` and `_webhooks`: the checkout and portal pages, and the events sent;
- `_seed`: the seeded keys, store and catalogue;
- `_mock` and `_server`: the adapters, `EmulatorTransport` and `EmulatorServer`, that
  deliver each `Reply`.
"""

from __future__ import annotations

import collections
import secrets
import threading
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any

import attrs

from quickshops._models import Store
from quickshops.testing._faults import Faults, route_name
from quickshops.testing._handlers import Cart, Handlers
from quickshops.testing._pages import render
from quickshops.testing._pipeline import KeyKind, Pipeline, RateLimit
from quickshops.testing._replies import ErrorStyle, RecordedRequest, Reply
from quickshops.testing._routing import ROUTE_NAMES
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

__all__ = ["Emulator"]

_STORE_WIRE = {
    field.name: field.metadata["wire"][0] for field in attrs.fields(Store) if field.metadata
}
"""The store's fields, by their SDK names (``payments_configured``) to their wire names."""


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
        self._pipeline = Pipeline(self, self._lock)
        self._pipeline.keys.update({SECRET_KEY: "secret", PUBLIC_KEY: "public"})
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
            self._pipeline.keys[api_key] = kind

    def set_rate_limit(self, route: str, limit: RateLimit | None) -> None:
        """Limit `route` (``"METHOD /template"``, or ``"*"`` for the others); None lifts it.

        Raises:
            ValueError: On an unknown route.

        """
        name = route_name(route, ROUTE_NAMES)
        with self._lock:
            if limit is None:
                self._pipeline.rate_limits.pop(name, None)
            else:
                self._pipeline.rate_limits[name] = limit

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
        return self._pipeline.handle(method, path, query, headers or {}, body)
