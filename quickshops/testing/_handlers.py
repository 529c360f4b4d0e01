"""The emulator's handlers: one method per operation, answering as the contract does.

Each handler takes the parsed `Request` and returns the payload of a 200 answer (the
pipeline wraps it in ``data``), or raises `APIError`. They are methods of `Handlers`,
which `Emulator` inherits, and the pipeline (`_pipeline`) looks each one up on the
emulator by name (``handle_cart_add_line`` for ``cart.add_line``): a subclass may
override any of them.

The operations whose payload the contract leaves untyped answer with shapes of the
emulator's own (``docs/operations.md`` lists them, under "Payloads the API leaves
untyped"): orders shaped like the ``order.completed`` webhook's data, customers from
the orders' emails, media from the store logo and product images, subscriptions from
the members, and proposals as pending text that apply and discard resolve.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx2

from quickshops import _json
from quickshops._args import MAX_INT
from quickshops.testing._replies import APIError, invalid, not_found
from quickshops.testing._seed import CURRENCY, PAGES_PATH, STORE_ID, THEMES

__all__ = ["Handlers", "Request"]

_RANGE = re.compile(r"([1-9][0-9]{0,2})d")


@attrs.frozen
class Request:
    """One request as a handler sees it.

    Attributes:
        params: The path parameters, percent-decoded, by the contract's names (``cartId``).
        query: The query string's parameters.
        body: The raw body.
    """

    params: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes

    def json_object(self, *, optional: bool = False) -> dict[str, Any]:
        """The body as a JSON object; with `optional`, an empty body is ``{}``.

        Raises:
            APIError: 400 when the body is not a JSON object, or nests deeper than
                `quickshops._json.MAX_DEPTH`.

        """
        if optional and not self.body.strip():
            return {}
        try:
            value = _json.loads(self.body)
        except _json.JSONError as exc:
            raise invalid(f"Request body is not valid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise invalid("Request body must be a JSON object")
        return value


@attrs.define
class Cart:
    """A cart: its id and its quantities by product id."""

    id: str
    lines: dict[str, int] = attrs.field(factory=dict)


def text_field(body: Mapping[str, Any], field: str, label: str | None = None) -> str:
    """The non-empty string `field` of `body`, else a 400."""
    value = body.get(field)
    if not isinstance(value, str) or not value:
        raise invalid(f"{label or field} must be a non-empty string")
    return value


def count_field(value: Any, label: str, minimum: int) -> int:
    """`value` if it is an integer from `minimum` to `MAX_INT`, as the SDK sends, else a 400."""
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= MAX_INT:
        raise invalid(f"{label} must be an integer from {minimum} to {MAX_INT}")
    return value


def add_quantity(cart: Cart, product_id: str, quantity: int, label: str) -> None:
    """Add `quantity` to the cart's line, else a 400 when the line would pass `MAX_INT`."""
    total = cart.lines.get(product_id, 0) + quantity
    if total > MAX_INT:
        raise invalid(f"{label} would make the line's quantity larger than {MAX_INT}")
    cart.lines[product_id] = total


def return_url(value: str) -> httpx2.URL | None:
    """`value` as a URL a customer can be sent to: absolute, http(s), printable; else None.

    https to any host, or http to a loopback host, as the SDK sends it. The URL's
    ``str`` is ASCII: the host IDNA-encoded, anything else outside ASCII
    percent-encoded as UTF-8, so that it can go in a ``Location`` header.
    """
    if not value.isprintable():  # CR, LF, another control character, a lone surrogate
        return None
    try:
        url = httpx2.URL(value)  # encodes the host with IDNA, which may fail
    except httpx2.InvalidURL:
        return None
    loopback = url.host in ("localhost", "127.0.0.1", "::1")
    if url.host and (url.scheme == "https" or (url.scheme == "http" and loopback)):
        return url
    return None


def _return_url(body: Mapping[str, Any], field: str) -> None:
    value = body.get(field)
    if value is not None and (not isinstance(value, str) or return_url(value) is None):
        raise invalid(
            f"{field} must be an absolute https URL (or http to localhost) without control "
            "characters, such as https://shop.example/thanks"
        )


def _limit(query: Mapping[str, str]) -> int | None:
    limit = query.get("limit")
    if limit is None:
        return None
    if not re.fullmatch("[0-9]{1,10}", limit) or not 1 <= int(limit) <= MAX_INT:
        raise invalid(f"limit must be an integer from 1 to {MAX_INT}")
    return int(limit)


@attrs.frozen
class Paged:
    """A page of a paged list (``GET /products``): its items and the next page's cursor.

    The pipeline answers it as ``{"data": items, "nextCursor": next_cursor}``.
    """

    items: list[Any]
    next_cursor: str | None


_CURSOR = re.compile(r"cur_([0-9]{1,9})")


def page_of(items: list[Any], query: Mapping[str, str]) -> Paged:
    """The page of `items` the query asks for: from its ``cursor``, at most ``limit``.

    Without ``limit``, every item from the cursor on, and no next cursor. A cursor is
    opaque to clients (``cur_`` and the offset of the page's first item); one the
    emulator could not have answered is a 400.
    """
    start = 0
    cursor = query.get("cursor")
    if cursor is not None:
        match = _CURSOR.fullmatch(cursor)
        if match is None or not 0 < int(match.group(1)) < len(items):
            raise invalid(f"cursor {cursor!r} is not one this list answered")
        start = int(match.group(1))
    limit = _limit(query)
    end = len(items) if limit is None else min(len(items), start + limit)
    return Paged(items[start:end], f"cur_{end}" if end < len(items) else None)


def _timestamp(seconds: float) -> str:
    return (
        datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )


class Handlers:
    """The operations of the API, answered from the emulator's state."""

    # The state the handlers read and change; `Emulator` sets it up.
    store: dict[str, Any]
    products: dict[str, dict[str, Any]]
    carts: dict[str, Cart]
    checkout_sessions: dict[str, dict[str, Any]]
    return_urls: dict[str, tuple[str | None, str | None]]
    orders: list[dict[str, Any]]
    members: dict[str, dict[str, Any]]
    proposal: dict[str, Any] | None
    portal_sessions: dict[str, str]
    pages_url: str | None
    wall_clock: Callable[[], float]

    # Lookups

    def product(self, product_id: str, *, purchasable: bool = False) -> dict[str, Any]:
        """The product `product_id`: 404 if unknown, 400 if inactive and `purchasable`."""
        product = self.products.get(product_id)
        if product is None:
            raise not_found(f"Product {product_id} not found")
        if purchasable and not product["isActive"]:
            raise invalid(f"productId {product_id} is not an active product")
        return product

    def cart(self, cart_id: str) -> Cart:
        """The cart `cart_id`, or a 404."""
        cart = self.carts.get(cart_id)
        if cart is None:
            raise not_found(f"Cart {cart_id} not found")
        return cart

    def cart_json(self, cart: Cart) -> dict[str, Any]:
        """A cart as the contract shapes it: lines with their products, and totals."""
        lines = [
            {"productId": pid, "quantity": quantity, "product": self.products[pid]}
            for pid, quantity in cart.lines.items()
        ]
        subtotal = sum(
            self.products[pid]["priceInCents"] * quantity for pid, quantity in cart.lines.items()
        )
        totals = {"subtotal": subtotal, "total": subtotal, "currency": CURRENCY}
        return {"id": cart.id, "storeId": STORE_ID, "lines": lines, "totals": totals}

    def now(self) -> str:
        """The wall clock's time, as ISO 8601 in UTC."""
        return _timestamp(self.wall_clock())

    # Health, catalogue, store

    def handle_health_check(self, request: Request) -> Any:
        """``GET /health``: always up."""
        return {"ok": True, "service": "quickshops-emulator", "version": "1"}

    def handle_catalog_get(self, request: Request) -> Any:
        """``GET /catalog``: the store and its active products."""
        products = [p for p in self.products.values() if p["isActive"]]
        return {"store": self.store, "products": products}

    def handle_store_get(self, request: Request) -> Any:
        """``GET /products/store`` (and ``GET /store``): the store."""
        return self.store

    def handle_store_settings(self, request: Request) -> Any:
        """``GET /store/settings``: the store's editable settings."""
        keys = (
            "_id",
            "name",
            "slug",
            "currency",
            "isPublished",
            "paymentsConfigured",
            "contactEmail",
            "contactPhone",
            "seoTitle",
            "seoDescription",
            "templateKey",
        )
        return {key: self.store.get(key) for key in keys}

    def handle_store_themes(self, request: Request) -> Any:
        """``GET /store/themes``: the themes the store may use, the current one marked."""
        current = self.store.get("templateKey")
        return [
            {"key": key, "name": key.title(), "theme": theme, "current": key == current}
            for key, theme in THEMES.items()
        ]

    def handle_store_page_builder_theme(self, request: Request) -> Any:
        """``GET /store/page-builder-theme``: the template, its theme and its texts."""
        return {
            "templateKey": self.store.get("templateKey"),
            "theme": self.store["theme"],
            "templateTexts": self.store.get("templateTexts") or {},
        }

    def handle_store_propose(self, request: Request) -> Any:
        """``POST /store/proposals``: the text becomes the pending proposal."""
        text = text_field(request.json_object(), "proposal")
        self.proposal = {
            "id": f"prop_{secrets.token_hex(6)}",
            "proposal": text,
            "status": "pending",
            "createdAt": self.now(),
        }
        return self.proposal

    def handle_store_apply_proposal(self, request: Request) -> Any:
        """``POST /store/proposals/apply``: apply the text; the pending one if it is that text."""
        text = text_field(request.json_object(), "proposal")
        pending = self.proposal
        if pending is not None and pending["proposal"] == text:
            self.proposal = None
            proposal_id = pending["id"]
        else:
            proposal_id = f"prop_{secrets.token_hex(6)}"
        return {"id": proposal_id, "proposal": text, "status": "applied", "appliedAt": self.now()}

    def handle_store_discard_proposal(self, request: Request) -> Any:
        """``DELETE /store/proposals/pending``: drop the pending proposal, or 404."""
        if self.proposal is None:
            raise not_found("No pending proposal")
        discarded, self.proposal = {**self.proposal, "status": "discarded"}, None
        return discarded

    # Products

    def handle_products_list(self, request: Request) -> Any:
        """``GET /products``: the active products (all with ``includeInactive=true``), paged.

        With ``limit``, at most that many from the ``cursor`` on, and the next page's
        cursor while more remain; without it, every product.
        """
        include_inactive = request.query.get("includeInactive", "false")
        if include_inactive not in ("true", "false"):
            raise invalid("includeInactive must be true or false")
        products = [
            product
            for product in self.products.values()
            if product["isActive"] or include_inactive == "true"
        ]
        return page_of(products, request.query)

    def handle_products_get(self, request: Request) -> Any:
        """``GET /products/{productId}``."""
        return self.product(request.params["productId"])

    # Admin reads

    def handle_orders_list(self, request: Request) -> Any:
        """``GET /orders``: the orders of paid one-time checkouts, newest first."""
        return list(reversed(self.orders))[: _limit(request.query)]

    def handle_orders_stats(self, request: Request) -> Any:
        """``GET /orders/stats``: counts and revenue."""
        revenue = sum(order["amountInCents"] for order in self.orders)
        return {
            "orders": len(self.orders),
            "revenueInCents": revenue,
            "averageOrderInCents": revenue // len(self.orders) if self.orders else 0,
            "customers": len({order["customerEmail"] for order in self.orders}),
            "currency": CURRENCY,
        }

    def handle_orders_chart(self, request: Request) -> Any:
        """``GET /orders/chart``: orders and revenue per day over ``range`` (``7d`` default)."""
        period = request.query.get("range", "7d")
        match = _RANGE.fullmatch(period)
        if match is None or int(match[1]) > 365:
            raise invalid("range must be a number of days from 1d to 365d, such as 7d")
        today = datetime.datetime.fromtimestamp(self.wall_clock(), datetime.timezone.utc).date()
        days = [today - datetime.timedelta(days=n) for n in reversed(range(int(match[1])))]
        points = {day.isoformat(): {"orders": 0, "revenueInCents": 0} for day in days}
        for order in self.orders:
            point = points.get(order["createdAt"][:10])
            if point is not None:
                point["orders"] += 1
                point["revenueInCents"] += order["amountInCents"]
        return {
            "range": period,
            "currency": CURRENCY,
            "points": [{"date": day, **values} for day, values in points.items()],
        }

    def handle_customers_list(self, request: Request) -> Any:
        """``GET /customers``: one per email that placed an order, latest buyer first."""
        customers: dict[str, dict[str, Any]] = {}
        for order in self.orders:
            email = order["customerEmail"]
            customer = customers.setdefault(
                email,
                {"email": email, "orders": 0, "totalSpentInCents": 0, "firstOrderAt": None},
            )
            customer["orders"] += 1
            customer["totalSpentInCents"] += order["amountInCents"]
            customer["firstOrderAt"] = customer["firstOrderAt"] or order["createdAt"]
            customer["lastOrderAt"] = order["createdAt"]
        latest = sorted(customers.values(), key=lambda c: c["lastOrderAt"], reverse=True)
        return latest[: _limit(request.query)]

    def handle_media_list(self, request: Request) -> Any:
        """``GET /media``: the store's logo and the product images (``kind`` filters)."""
        media = []
        if self.store.get("logoUrl"):
            media.append(
                {"id": "media_logo", "kind": "image", "usage": "logo", "url": self.store["logoUrl"]}
            )
        for product in self.products.values():
            if product.get("imageUrl"):
                media.append(
                    {
                        "id": f"media_{product['_id']}",
                        "kind": "image",
                        "usage": "product",
                        "productId": product["_id"],
                        "url": product["imageUrl"],
                    }
                )
        kind = request.query.get("kind")
        return [item for item in media if kind is None or item["kind"] == kind]

    def handle_subscription_list(self, request: Request) -> Any:
        """``GET /subscription``: one per member."""
        return list(self.members.values())[: _limit(request.query)]

    # Carts

    def handle_cart_create(self, request: Request) -> Any:
        """``POST /cart``: empty, or seeded with ``lines``."""
        body = request.json_object(optional=True)
        lines = body.get("lines", [])
        if not isinstance(lines, list):
            raise invalid("lines must be a list")
        cart = Cart(f"cart_{secrets.token_hex(6)}")
        for index, line in enumerate(lines):
            if not isinstance(line, dict):
                raise invalid(f"lines[{index}] must be an object")
            product_id = text_field(line, "productId", f"lines[{index}].productId")
            quantity = count_field(line.get("quantity"), f"lines[{index}].quantity", 1)
            self.product(product_id, purchasable=True)
            add_quantity(cart, product_id, quantity, f"lines[{index}].quantity")
        self.carts[cart.id] = cart
        return self.cart_json(cart)

    def handle_cart_get(self, request: Request) -> Any:
        """``GET /cart/{cartId}``."""
        return self.cart_json(self.cart(request.params["cartId"]))

    def handle_cart_add_line(self, request: Request) -> Any:
        """``POST /cart/{cartId}/lines``: adds to the quantity already there."""
        cart = self.cart(request.params["cartId"])
        body = request.json_object()
        product_id = text_field(body, "productId")
        quantity = count_field(body.get("quantity"), "quantity", 1)
        self.product(product_id, purchasable=True)
        add_quantity(cart, product_id, quantity, "quantity")
        return self.cart_json(cart)

    def handle_cart_update_line(self, request: Request) -> Any:
        """``PATCH /cart/{cartId}/lines/{productId}``: sets the quantity; 0 removes the line."""
        cart = self.cart(request.params["cartId"])
        product_id = request.params["productId"]
        quantity = count_field(request.json_object().get("quantity"), "quantity", 0)
        if product_id not in cart.lines:
            raise not_found(f"Product {product_id} is not in cart {cart.id}")
        if quantity:
            cart.lines[product_id] = quantity
        else:
            del cart.lines[product_id]
        return self.cart_json(cart)

    def handle_cart_remove_line(self, request: Request) -> Any:
        """``DELETE /cart/{cartId}/lines/{productId}``."""
        cart = self.cart(request.params["cartId"])
        product_id = request.params["productId"]
        if cart.lines.pop(product_id, None) is None:
            raise not_found(f"Product {product_id} is not in cart {cart.id}")
        return self.cart_json(cart)

    def handle_cart_clear(self, request: Request) -> Any:
        """``DELETE /cart/{cartId}``: removes every line; the cart survives."""
        cart = self.cart(request.params["cartId"])
        cart.lines.clear()
        return self.cart_json(cart)

    # Checkout and subscriptions

    def checkout_url(self, session_id: str) -> str:
        """Where a new checkout session sends the customer.

        The emulator's own checkout page when it is served over HTTP (`pages_url`),
        else a fake Stripe URL.
        """
        if self.pages_url is None:
            return f"https://checkout.stripe.test/c/pay/{session_id}"
        return f"{self.pages_url}{PAGES_PATH}/checkout/{session_id}"

    def portal_url(self, member_session_id: str) -> str:
        """Where a new portal session sends the member: the emulator's portal page, or a fake.

        The emulator's own portal page when it is served over HTTP (`pages_url`), else
        a fake Stripe URL.
        """
        token = f"test_{secrets.token_hex(12)}"
        self.portal_sessions[token] = member_session_id
        if self.pages_url is None:
            return f"https://billing.stripe.test/p/session/{token}"
        return f"{self.pages_url}{PAGES_PATH}/portal/{token}"

    def handle_checkout_create_session(self, request: Request) -> Any:
        """``POST /checkout/session``: for a cart or one product, unpaid until completed."""
        body = request.json_object()
        if ("cartId" in body) == ("productId" in body):
            raise invalid("exactly one of cartId or productId is required")
        _return_url(body, "successUrl")
        _return_url(body, "cancelUrl")
        if "cartId" in body:
            if "quantity" in body:
                raise invalid("quantity is only allowed with productId")
            lines = dict(self.cart(text_field(body, "cartId")).lines)
        else:
            product_id = text_field(body, "productId")
            quantity = count_field(body.get("quantity", 1), "quantity", 1)
            self.product(product_id, purchasable=True)
            lines = {product_id: quantity}
        if not self.store["paymentsConfigured"]:
            raise APIError(
                400, "PAYMENTS_NOT_CONFIGURED", "Payments are not configured for this store"
            )
        if not lines:
            raise invalid("cartId: cart is empty")
        session_id = f"cs_test_{secrets.token_hex(12)}"
        items = [
            {
                "productId": pid,
                "name": self.products[pid]["name"],
                "quantity": quantity,
                "amountTotal": self.products[pid]["priceInCents"] * quantity,
            }
            for pid, quantity in lines.items()
        ]
        subscription = any(self.products[pid]["type"] == "subscription" for pid in lines)
        self.checkout_sessions[session_id] = {
            "id": session_id,
            "paymentStatus": "unpaid",
            "status": "open",
            "mode": "subscription" if subscription else "payment",
            "amountTotal": sum(item["amountTotal"] for item in items),
            "currency": CURRENCY,
            "customerEmail": None,
            "lineItems": items,
        }
        self.return_urls[session_id] = (body.get("successUrl"), body.get("cancelUrl"))
        return {"url": self.checkout_url(session_id), "sessionId": session_id}

    def handle_checkout_get_session(self, request: Request) -> Any:
        """``GET /checkout/sessions/{sessionId}``."""
        session_id = request.params["sessionId"]
        session = self.checkout_sessions.get(session_id)
        if session is None:
            raise not_found(f"Checkout session {session_id} not found")
        return session

    def handle_subscription_create_portal_session(self, request: Request) -> Any:
        """``POST /subscription/portal``: for a known member session."""
        member_session_id = text_field(request.json_object(), "memberSessionId")
        if member_session_id not in self.members:
            raise not_found(f"Member session {member_session_id} not found")
        return {"url": self.portal_url(member_session_id)}
