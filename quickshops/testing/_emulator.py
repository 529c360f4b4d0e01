"""In-memory model of the Quickshops Headless API: state and route handling, no I/O."""

from __future__ import annotations

import collections
import hashlib
import http
import json
import math
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from quickshops.testing._faults import ANY_ROUTE, Failure, FaultPlan, Faults, route_name

__all__ = [
    "BASE_PATH",
    "DIGITAL_PRODUCT_ID",
    "INACTIVE_PRODUCT_ID",
    "MEMBER_SESSION_ID",
    "PHYSICAL_PRODUCT_ID",
    "PUBLIC_KEY",
    "ROUTE_NAMES",
    "SECRET_KEY",
    "STORE_ID",
    "SUBSCRIPTION_PRODUCT_ID",
    "Emulator",
    "ErrorStyle",
    "KeyKind",
    "RateLimit",
    "RecordedRequest",
    "Reply",
]

BASE_PATH = "/v1"
SECRET_KEY = "qk_test_secret_emulator"  # noqa: S105  (a fake key, valid only here)
PUBLIC_KEY = "qk_test_public_emulator"
STORE_ID = "store_emulator"
DIGITAL_PRODUCT_ID = "prod_ebook"
PHYSICAL_PRODUCT_ID = "prod_mug"
SUBSCRIPTION_PRODUCT_ID = "prod_club_monthly"
INACTIVE_PRODUCT_ID = "prod_retired"
MEMBER_SESSION_ID = "msess_test_member"

KeyKind = Literal["secret", "public"]
"""The kind of an API key: ``secret`` may call every route, ``public`` only the catalogue."""

ErrorStyle = Literal["flat", "detailed", "nested"]
"""How error bodies look: ``flat`` is ``{"error": msg, "code": C}``, ``detailed`` is
``{"status": N, "code": C, "message": msg}`` and ``nested`` is
``{"error": {"message": msg, "code": C}}``; each also carries ``requestId``."""

_MUTATIONS = frozenset({"POST", "PATCH", "DELETE"})
_PUBLIC_SCOPES = frozenset({"products:read"})
_CURRENCY = "usd"
_JSON = "application/json"
_STATUS_CODES = {400: "VALIDATION_ERROR", 429: "RATE_LIMITED", 500: "INTERNAL_ERROR"}
_STATUS_MESSAGES = {429: "Rate limit exceeded"}


@attrs.frozen
class RateLimit:
    """At most ``requests`` requests per ``per_seconds`` seconds, per key and per route."""

    requests: int = attrs.field(validator=attrs.validators.ge(1))
    per_seconds: float = attrs.field(validator=attrs.validators.gt(0))


@attrs.frozen
class Reply:
    """The emulator's answer to one request, for an adapter to deliver.

    Attributes:
        status: The HTTP status.
        headers: Response headers, with lowercase names.
        body: The response body.
        dropped: Whether the adapter must drop the response (a connection error).
        delay: Seconds the adapter waits before delivering (or dropping) it.

    """

    status: int
    headers: Mapping[str, str]
    body: bytes
    dropped: bool = False
    delay: float = 0.0

    def json(self) -> Any:
        """Return the body decoded from JSON."""
        return json.loads(self.body)


@attrs.frozen
class RecordedRequest:
    """One request the emulator handled, for assertions.

    Attributes:
        method: The HTTP method.
        path: The raw (percent-encoded) path, e.g. ``/v1/cart/a%2Fb``.
        query: The raw query string, without ``?``.
        headers: Request headers, with lowercase names.
        body: The request body.
        route: The matched ``"METHOD /template"``, or None for no route.
        status: The status of the reply.
        request_id: The ``x-request-id`` of the reply.
        dropped: Whether the reply was dropped.

    """

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    route: str | None
    status: int
    request_id: str
    dropped: bool

    def json(self) -> Any:
        """Return the request body decoded from JSON."""
        return json.loads(self.body)


class _APIError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def _invalid(message: str) -> _APIError:
    return _APIError(400, "VALIDATION_ERROR", message)


def _not_found(message: str) -> _APIError:
    return _APIError(404, "NOT_FOUND", message)


@attrs.frozen
class _Request:
    params: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes

    def json_object(self, *, optional: bool = False) -> dict[str, Any]:
        if optional and not self.body.strip():
            return {}
        try:
            value = json.loads(self.body)
        except ValueError as exc:
            raise _invalid("Request body is not valid JSON") from exc
        if not isinstance(value, dict):
            raise _invalid("Request body must be a JSON object")
        return value


_Handler = Callable[["Emulator", _Request], tuple[int, Any]]


@attrs.frozen
class _Route:
    method: str
    template: str
    scope: str | None
    handler: _Handler
    pattern: re.Pattern[str] = attrs.field(init=False)

    @pattern.default
    def _compile(self) -> re.Pattern[str]:
        return re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template))

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"


@attrs.define
class _Cart:
    id: str
    lines: dict[str, int] = attrs.field(factory=dict)


def _text(body: Mapping[str, Any], field: str, label: str | None = None) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise _invalid(f"{label or field} must be a non-empty string")
    return value


def _count(value: Any, label: str, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _invalid(f"{label} must be an integer >= {minimum}")
    return value


def _https_url(body: Mapping[str, Any], field: str) -> None:
    value = body.get(field)
    if value is None:
        return
    parts = urllib.parse.urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme != "https" or not parts.netloc:
        raise _invalid(f"{field} must be an absolute https URL")


def _seed_products() -> dict[str, dict[str, Any]]:
    def product(product_id: str, name: str, price: int, kind: str, **extra: Any) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "_id": product_id,
            "storeId": STORE_ID,
            "name": name,
            "description": None,
            "priceInCents": price,
            "currency": _CURRENCY,
            "type": kind,
            "billingInterval": None,
            "imageUrl": None,
            "isActive": True,
            "category": None,
            "details": None,
        }
        fields.update(extra)
        return fields

    products = [
        product(
            DIGITAL_PRODUCT_ID,
            "Field Guide (e-book)",
            1999,
            "digital",
            description="A downloadable guide.",
            category="books",
            details=["PDF", "EPUB"],
        ),
        product(
            PHYSICAL_PRODUCT_ID,
            "Enamel Mug",
            1250,
            "physical",
            imageUrl="https://cdn.quickshops.test/mug.png",
            category="merch",
        ),
        product(
            SUBSCRIPTION_PRODUCT_ID,
            "Members Club (monthly)",
            900,
            "subscription",
            billingInterval="month",
        ),
        product(INACTIVE_PRODUCT_ID, "Retired Poster", 500, "physical", isActive=False),
    ]
    return {p["_id"]: p for p in products}


class Emulator:
    """An in-memory Quickshops Headless API.

    Every route of the API lives under `BASE_PATH`. `handle` turns one
    request into a `Reply`; the adapters (``EmulatorTransport``,
    ``EmulatorServer``) deliver it. State is guarded by one lock, so adapters may call
    `handle` from many threads.

    The secret key `SECRET_KEY` may call every route, the public key
    `PUBLIC_KEY` only the store and products. A checkout session on a store
    without payments fails with 400 ``PAYMENTS_NOT_CONFIGURED``. ``POST /cart``
    answers 201, every other success 200.

    Mutations (POST, PATCH, DELETE) honour ``Idempotency-Key``: a key seen before with
    the same method, path and body replays the stored success (with the header
    ``idempotent-replayed: true``) without applying anything; with another request it
    is 409 ``CONFLICT``. Only successes are stored. Keys are scoped to the API key.

    Attributes:
        envelope: Whether success bodies are wrapped as ``{"data": ...}``.
        error_style: The shape of error bodies.
        payments_configured: Whether the store can create checkout sessions.
        clock: Monotonic seconds, used by the rate limits.
        faults: The faults planned for the next requests.
        effects: Applied mutations, counted by ``"METHOD /template"``; replays, faults
            and errors do not count.
        requests: Every handled request, in order.

    """

    def __init__(
        self,
        *,
        envelope: bool = True,
        error_style: ErrorStyle = "detailed",
        payments_configured: bool = True,
        rate_limits: Mapping[str, RateLimit] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create an emulator with the seeded store, catalogue, keys and member.

        Args:
            envelope: Whether success bodies are wrapped as ``{"data": ...}``.
            error_style: The shape of error bodies.
            payments_configured: Whether the store can create checkout sessions.
            rate_limits: Limits by ``"METHOD /template"`` or ``"*"`` (every other
                route); none by default.
            clock: Monotonic seconds, used by the rate limits.

        """
        self.envelope = envelope
        self.error_style: ErrorStyle = error_style
        self.payments_configured = payments_configured
        self.clock = clock
        self._lock = threading.RLock()
        self.faults = Faults(ROUTE_NAMES, self._lock)
        self.effects: collections.Counter[str] = collections.Counter()
        self.requests: list[RecordedRequest] = []
        self._keys: dict[str, KeyKind] = {SECRET_KEY: "secret", PUBLIC_KEY: "public"}
        self._rate_limits: dict[str, RateLimit] = {}
        self._hits: dict[tuple[str, str], collections.deque[float]] = {}
        self._replays: dict[tuple[str, str], tuple[tuple[str, ...], Reply]] = {}
        self._products = _seed_products()
        self._carts: dict[str, _Cart] = {}
        self._sessions: dict[str, dict[str, Any]] = {}
        self._members = {MEMBER_SESSION_ID: SUBSCRIPTION_PRODUCT_ID}
        for route, limit in (rate_limits or {}).items():
            self.set_rate_limit(route, limit)

    def add_key(self, api_key: str, kind: KeyKind = "secret") -> None:
        """Accept ``api_key`` as a secret (every route) or public (store and products) key.

        Raises:
            ValueError: When the key does not start with ``qk_``.

        """
        if not api_key.startswith("qk_"):
            raise ValueError("an API key starts with 'qk_'")
        with self._lock:
            self._keys[api_key] = kind

    def set_rate_limit(self, route: str, limit: RateLimit | None) -> None:
        """Limit ``route`` (``"METHOD /template"``, or ``"*"`` for the others); None lifts it.

        Raises:
            ValueError: On an unknown route.

        """
        name = route_name(route, ROUTE_NAMES)
        with self._lock:
            if limit is None:
                self._rate_limits.pop(name, None)
            else:
                self._rate_limits[name] = limit

    def complete_session(
        self, session_id: str, *, customer_email: str = "customer@example.com"
    ) -> None:
        """Mark a checkout session paid, as if the customer finished checkout.

        Raises:
            KeyError: When no session has this id.

        """
        with self._lock:
            session = self._sessions[session_id]
            session.update(status="complete", paymentStatus="paid", customerEmail=customer_email)

    def handle(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> Reply:
        """Handle one request and return the reply, applying its effects.

        Args:
            method: The HTTP method.
            path: The raw, percent-encoded path, e.g. ``/v1/cart/a%2Fb/lines``.
            query: The raw query string, without ``?``.
            headers: Request headers; names are case-insensitive.
            body: The request body.

        """
        method = method.upper()
        lowered = {name.lower(): value for name, value in (headers or {}).items()}
        request_id = f"req_{secrets.token_hex(8)}"
        with self._lock:
            route, params, allowed = _resolve(method, path)
            plan = self.faults.take(route.name) if route else FaultPlan()
            try:
                if plan.failure is not None:
                    reply = self._failure_reply(plan.failure, request_id)
                elif route is None:
                    raise _route_error(method, path, allowed)
                else:
                    reply = self._dispatch(route, params, method, path, query, lowered, body)
            except _APIError as error:
                reply = self._error_reply(error, request_id)
            reply = attrs.evolve(
                reply,
                headers={**reply.headers, "x-request-id": request_id},
                dropped=plan.drop,
                delay=plan.delay,
            )
            self.requests.append(
                RecordedRequest(
                    method=method,
                    path=path,
                    query=query,
                    headers=lowered,
                    body=body,
                    route=route.name if route else None,
                    status=reply.status,
                    request_id=request_id,
                    dropped=reply.dropped,
                )
            )
            return reply

    # Pipeline

    def _dispatch(
        self,
        route: _Route,
        params: Mapping[str, str],
        method: str,
        path: str,
        query: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> Reply:
        api_key = headers.get("x-api-key", "")
        if route.scope is not None:
            self._authorize(headers.get("x-api-key"), route.scope)
        self._check_rate(api_key, route.name)
        idempotency_key = headers.get("idempotency-key") if method in _MUTATIONS else None
        fingerprint = (method, path, query, hashlib.sha256(body).hexdigest())
        if idempotency_key is not None:
            stored = self._replays.get((api_key, idempotency_key))
            if stored is not None:
                if stored[0] != fingerprint:
                    raise _APIError(
                        409,
                        "CONFLICT",
                        "Idempotency-Key was already used with a different request",
                    )
                return attrs.evolve(
                    stored[1], headers={**stored[1].headers, "idempotent-replayed": "true"}
                )
        request = _Request(params, dict(urllib.parse.parse_qsl(query)), body)
        status, data = route.handler(self, request)
        reply = _json_reply(status, self._wrap(data))
        if method in _MUTATIONS:
            self.effects[route.name] += 1
            if idempotency_key is not None:
                self._replays[api_key, idempotency_key] = (fingerprint, reply)
        return reply

    def _authorize(self, api_key: str | None, scope: str) -> None:
        if api_key is None:
            raise _APIError(401, "UNAUTHORIZED", "API key required")
        kind = self._keys.get(api_key)
        if kind is None:
            raise _APIError(401, "UNAUTHORIZED", "Missing or invalid API key")
        if kind != "secret" and scope not in _PUBLIC_SCOPES:
            raise _APIError(403, "FORBIDDEN", f"Scope {scope} required")

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
            raise _APIError(429, "RATE_LIMITED", "Rate limit exceeded", {"retry-after": str(wait)})
        hits.append(now)

    def _wrap(self, data: Any) -> Any:
        if not self.envelope:
            return data
        if isinstance(data, list):
            return {"data": data, "nextCursor": None}
        return {"data": data}

    def _error_reply(self, error: _APIError, request_id: str) -> Reply:
        body = self._error_body(error.status, error.code, error.message, request_id)
        return _json_reply(error.status, body, error.headers)

    def _error_body(self, status: int, code: str, message: str, request_id: str) -> dict[str, Any]:
        if self.error_style == "flat":
            return {"error": message, "code": code, "requestId": request_id}
        if self.error_style == "nested":
            return {"error": {"message": message, "code": code}, "requestId": request_id}
        return {"status": status, "code": code, "message": message, "requestId": request_id}

    def _failure_reply(self, failure: Failure, request_id: str) -> Reply:
        headers = dict(failure.headers)
        if failure.retry_after is not None:
            headers["retry-after"] = failure.retry_after
        if failure.body is not None:
            headers.setdefault("content-type", _sniff(failure.body))
            return Reply(failure.status, headers, failure.body)
        try:
            phrase = http.HTTPStatus(failure.status).phrase
        except ValueError:
            phrase = "Error"
        code = failure.code or _STATUS_CODES.get(
            failure.status, phrase.upper().replace(" ", "_").replace("-", "_")
        )
        message = failure.message or _STATUS_MESSAGES.get(failure.status, phrase)
        body = self._error_body(failure.status, code, message, request_id)
        return _json_reply(failure.status, body, headers)

    # Lookups

    def _product(self, product_id: str, *, purchasable: bool = False) -> dict[str, Any]:
        product = self._products.get(product_id)
        if product is None:
            raise _not_found(f"Product {product_id} not found")
        if purchasable and not product["isActive"]:
            raise _invalid(f"productId {product_id} is not an active product")
        return product

    def _cart(self, cart_id: str) -> _Cart:
        cart = self._carts.get(cart_id)
        if cart is None:
            raise _not_found(f"Cart {cart_id} not found")
        return cart

    def _cart_json(self, cart: _Cart) -> dict[str, Any]:
        lines = [
            {"productId": pid, "quantity": quantity, "product": self._products[pid]}
            for pid, quantity in cart.lines.items()
        ]
        subtotal = sum(
            self._products[pid]["priceInCents"] * quantity for pid, quantity in cart.lines.items()
        )
        totals = {"subtotal": subtotal, "total": subtotal, "currency": _CURRENCY}
        return {"id": cart.id, "storeId": STORE_ID, "lines": lines, "totals": totals}

    # Handlers

    def _health(self, request: _Request) -> tuple[int, Any]:
        return 200, {"ok": True, "service": "quickshops-emulator", "version": "1"}

    def _get_store(self, request: _Request) -> tuple[int, Any]:
        return 200, {
            "_id": STORE_ID,
            "slug": "emulator-shop",
            "name": "Emulator Shop",
            "description": "The Quickshops emulator's store.",
            "logoUrl": "https://cdn.quickshops.test/logo.png",
            "isPublished": True,
            "paymentsConfigured": self.payments_configured,
            "currency": _CURRENCY,
            "contactEmail": "shop@example.com",
            "theme": {"primaryColor": "#0f766e", "fontFamily": None},
            "templateKey": "classic",
        }

    def _list_products(self, request: _Request) -> tuple[int, Any]:
        include_inactive = request.query.get("includeInactive", "false")
        if include_inactive not in ("true", "false"):
            raise _invalid("includeInactive must be true or false")
        limit = request.query.get("limit")
        if limit is not None and (not re.fullmatch("[0-9]+", limit) or int(limit) < 1):
            raise _invalid("limit must be a positive integer")
        products = [
            product
            for product in self._products.values()
            if product["isActive"] or include_inactive == "true"
        ]
        return 200, products[: int(limit)] if limit else products

    def _get_product(self, request: _Request) -> tuple[int, Any]:
        return 200, self._product(request.params["productId"])

    def _create_cart(self, request: _Request) -> tuple[int, Any]:
        body = request.json_object(optional=True)
        lines = body.get("lines", [])
        if not isinstance(lines, list):
            raise _invalid("lines must be a list")
        cart = _Cart(f"cart_{secrets.token_hex(6)}")
        for index, line in enumerate(lines):
            if not isinstance(line, dict):
                raise _invalid(f"lines[{index}] must be an object")
            product_id = _text(line, "productId", f"lines[{index}].productId")
            quantity = _count(line.get("quantity"), f"lines[{index}].quantity", 1)
            self._product(product_id, purchasable=True)
            cart.lines[product_id] = cart.lines.get(product_id, 0) + quantity
        self._carts[cart.id] = cart
        return 201, self._cart_json(cart)

    def _get_cart(self, request: _Request) -> tuple[int, Any]:
        return 200, self._cart_json(self._cart(request.params["cartId"]))

    def _add_line(self, request: _Request) -> tuple[int, Any]:
        cart = self._cart(request.params["cartId"])
        body = request.json_object()
        product_id = _text(body, "productId")
        quantity = _count(body.get("quantity"), "quantity", 1)
        self._product(product_id, purchasable=True)
        cart.lines[product_id] = cart.lines.get(product_id, 0) + quantity
        return 200, self._cart_json(cart)

    def _update_line(self, request: _Request) -> tuple[int, Any]:
        cart = self._cart(request.params["cartId"])
        product_id = request.params["productId"]
        quantity = _count(request.json_object().get("quantity"), "quantity", 0)
        if product_id not in cart.lines:
            raise _not_found(f"Product {product_id} is not in cart {cart.id}")
        if quantity:
            cart.lines[product_id] = quantity
        else:
            del cart.lines[product_id]
        return 200, self._cart_json(cart)

    def _remove_line(self, request: _Request) -> tuple[int, Any]:
        cart = self._cart(request.params["cartId"])
        product_id = request.params["productId"]
        if cart.lines.pop(product_id, None) is None:
            raise _not_found(f"Product {product_id} is not in cart {cart.id}")
        return 200, self._cart_json(cart)

    def _clear_cart(self, request: _Request) -> tuple[int, Any]:
        cart = self._cart(request.params["cartId"])
        cart.lines.clear()
        return 200, self._cart_json(cart)

    def _create_checkout(self, request: _Request) -> tuple[int, Any]:
        body = request.json_object()
        if ("cartId" in body) == ("productId" in body):
            raise _invalid("exactly one of cartId or productId is required")
        _https_url(body, "successUrl")
        _https_url(body, "cancelUrl")
        if "cartId" in body:
            if "quantity" in body:
                raise _invalid("quantity is only allowed with productId")
            lines = dict(self._cart(_text(body, "cartId")).lines)
        else:
            product_id = _text(body, "productId")
            quantity = _count(body.get("quantity", 1), "quantity", 1)
            self._product(product_id, purchasable=True)
            lines = {product_id: quantity}
        if not self.payments_configured:
            raise _APIError(
                400, "PAYMENTS_NOT_CONFIGURED", "Payments are not configured for this store"
            )
        if not lines:
            raise _invalid("cartId: cart is empty")
        session_id = f"cs_test_{secrets.token_hex(12)}"
        items = [
            {
                "productId": pid,
                "name": self._products[pid]["name"],
                "quantity": quantity,
                "amountTotal": self._products[pid]["priceInCents"] * quantity,
            }
            for pid, quantity in lines.items()
        ]
        subscription = any(self._products[pid]["type"] == "subscription" for pid in lines)
        self._sessions[session_id] = {
            "id": session_id,
            "status": "open",
            "paymentStatus": "unpaid",
            "mode": "subscription" if subscription else "payment",
            "amountTotal": sum(item["amountTotal"] for item in items),
            "currency": _CURRENCY,
            "customerEmail": None,
            "lineItems": items,
        }
        url = f"https://checkout.stripe.test/c/pay/{session_id}"
        return 200, {"url": url, "sessionId": session_id}

    def _get_checkout(self, request: _Request) -> tuple[int, Any]:
        session_id = request.params["sessionId"]
        session = self._sessions.get(session_id)
        if session is None:
            raise _not_found(f"Checkout session {session_id} not found")
        return 200, session

    def _create_portal(self, request: _Request) -> tuple[int, Any]:
        member_session_id = _text(request.json_object(), "memberSessionId")
        if member_session_id not in self._members:
            raise _not_found(f"Member session {member_session_id} not found")
        return 200, {"url": f"https://billing.stripe.test/p/session/test_{secrets.token_hex(12)}"}


ROUTES: tuple[_Route, ...] = (
    _Route("GET", "/health", None, Emulator._health),
    _Route("GET", "/products/store", "products:read", Emulator._get_store),
    _Route("GET", "/products", "products:read", Emulator._list_products),
    _Route("GET", "/products/{productId}", "products:read", Emulator._get_product),
    _Route("POST", "/cart", "cart:write", Emulator._create_cart),
    _Route("GET", "/cart/{cartId}", "cart:read", Emulator._get_cart),
    _Route("DELETE", "/cart/{cartId}", "cart:write", Emulator._clear_cart),
    _Route("POST", "/cart/{cartId}/lines", "cart:write", Emulator._add_line),
    _Route("PATCH", "/cart/{cartId}/lines/{productId}", "cart:write", Emulator._update_line),
    _Route("DELETE", "/cart/{cartId}/lines/{productId}", "cart:write", Emulator._remove_line),
    _Route("POST", "/checkout/session", "checkout:write", Emulator._create_checkout),
    _Route("GET", "/checkout/sessions/{sessionId}", "checkout:read", Emulator._get_checkout),
    _Route("POST", "/subscription/portal", "subscription:write", Emulator._create_portal),
)
#: Every route as ``"METHOD /template"``, the names faults and rate limits use.
ROUTE_NAMES = frozenset(route.name for route in ROUTES)


def _resolve(method: str, path: str) -> tuple[_Route | None, dict[str, str], list[str]]:
    """Find the route for a raw path; each ``{param}`` is one percent-decoded segment."""
    allowed: list[str] = []
    if path.startswith(BASE_PATH + "/"):
        for route in ROUTES:
            match = route.pattern.fullmatch(path[len(BASE_PATH) :])
            if match is None:
                continue
            if route.method == method:
                params = {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()}
                return route, params, allowed
            allowed.append(route.method)
    return None, {}, allowed


def _route_error(method: str, path: str, allowed: list[str]) -> _APIError:
    if allowed:
        return _APIError(
            405,
            "METHOD_NOT_ALLOWED",
            f"Method {method} not allowed on {path}",
            {"allow": ", ".join(sorted(set(allowed)))},
        )
    return _not_found(f"No route for {method} {path}")


def _json_reply(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> Reply:
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Reply(status, {"content-type": _JSON, **(headers or {})}, body)


def _sniff(body: bytes) -> str:
    try:
        json.loads(body)
    except ValueError:
        return "text/html; charset=utf-8"
    return _JSON
