"""The endpoint table: every operation of the API, declared once, as data. No I/O here.

Each `Endpoint` says how an operation is called (method, path template), which key it
needs, how its success answer is wrapped and what it decodes to. Everything that deals
with operations reads this one table: the resources of both clients (each method names
its endpoint), the command line (one command per endpoint with a resource method), the
emulator's routing, the docs' route table and the tests' list of operations.

Adding an operation is one row here, one resource method (its signature, docstring
and argument checks) and one emulator handler; a test walks the table and fails when
one of them, a CLI command, a docs row or a wire-table entry is missing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import attrs

from ._models import (
    JSON,
    Cart,
    Catalog,
    CheckoutSession,
    CheckoutSessionDetails,
    Health,
    PortalSession,
    Product,
    Store,
    decode,
    decode_list,
)

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")

Key = Literal["none", "any", "secret"]
"""The key an operation needs: ``none``, ``any`` (public or secret) or ``secret``."""

_PARAMETER = re.compile(r"\{(\w+)\}")


@attrs.frozen
class Returns(Generic[T]):
    """What an operation's success payload (the body, unwrapped from ``data``) decodes to.

    Attributes:
        model: The model class, or None for plain JSON (`JSON`).
        many: Whether the payload is a list of `model`.
    """

    model: type[Any] | None
    many: bool = False
    allows_empty = False
    """An empty body is never a valid answer of an operation."""

    def read(self, body: Any, response: Any, route: str) -> T:
        """Decode the body of a 2xx `response`, unwrapped from ``data`` when it is wrapped."""
        if isinstance(body, dict) and "data" in body:
            body = body["data"]
        return self.decode(body, route, response.headers.get("x-request-id"))

    def decode(self, payload: Any, route: str, request_id: str | None) -> T:
        """Decode `payload`, the answer of `route`, naming the field at fault if it is wrong."""
        if self.model is None:
            return payload  # type: ignore[no-any-return]
        if self.many:
            return decode_list(self.model, payload, route, request_id)  # type: ignore[return-value]
        return decode(self.model, payload, route, request_id)  # type: ignore[no-any-return]

    def __str__(self) -> str:
        if self.model is None:
            return "JSON"
        return f"list[{self.model.__name__}]" if self.many else self.model.__name__


def one(model: type[T]) -> Returns[T]:
    """Returns for a payload that is one `model`."""
    return Returns(model)


def many(model: type[T]) -> Returns[list[T]]:
    """Returns for a payload that is a list of `model`."""
    return Returns(model, many=True)


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


@attrs.frozen
class Endpoint(Generic[T]):
    """One operation of the API.

    Attributes:
        name: ``resource.method``, the client method that calls it (``cart.add_line``).
        method: The HTTP method.
        path: The path template below the base URL, parameters in braces, as the
            contract writes them (``/cart/{cartId}/lines``).
        key: The key it needs: ``none``, ``any`` (public or secret) or ``secret``.
        envelope: Whether the contract wraps the success body as ``{"data": ...}``
            (the SDK reads both ways on every operation).
        returns: What the success payload decodes to.
        alias_of: For a second path to another operation (``GET /store``), that
            operation's name; such an endpoint has no method of its own.
    """

    name: str
    method: str
    path: str
    key: Key
    envelope: bool
    returns: Returns[T]
    alias_of: str | None = None
    parameters: tuple[str, ...] = attrs.field(init=False)
    """The path's parameters, in order (``("cartId", "productId")``)."""
    arguments: tuple[str, ...] = attrs.field(init=False)
    """The parameters as the resource methods name them (``("cart_id", "product_id")``)."""

    @parameters.default
    def _parameters(self) -> tuple[str, ...]:
        return tuple(_PARAMETER.findall(self.path))

    @arguments.default
    def _arguments(self) -> tuple[str, ...]:
        return tuple(_camel_to_snake(name) for name in self.parameters)

    @property
    def route(self) -> str:
        """``METHOD /template``: the name of the operation in messages, faults and limits."""
        return f"{self.method} {self.path}"

    @property
    def resource(self) -> str:
        """The client attribute holding its method (``cart``)."""
        return self.name.partition(".")[0]

    @property
    def action(self) -> str:
        """The method's name on the resource (``add_line``)."""
        return self.name.partition(".")[2]

    @property
    def is_mutation(self) -> bool:
        """Whether it changes state, and so carries an Idempotency-Key."""
        return self.method != "GET"

    def render(self, encode: Callable[[str, object], str], values: tuple[object, ...]) -> str:
        """The path with each parameter replaced by ``encode(argument name, value)``."""
        if not self.parameters:
            return self.path
        encoded = {
            parameter: encode(argument, value)
            for parameter, argument, value in zip(
                self.parameters, self.arguments, values, strict=True
            )
        }
        return self.path.format(**encoded)


def _endpoint(
    name: str, route: str, key: Key, returns: Returns[T], *, envelope: bool = True
) -> Endpoint[T]:
    method, _, path = route.partition(" ")
    return Endpoint(name, method, path, key, envelope, returns)


_JSON: Returns[JSON] = Returns(None)

HEALTH_CHECK = _endpoint("health.check", "GET /health", "none", one(Health), envelope=False)
CATALOG_GET = _endpoint("catalog.get", "GET /catalog", "any", one(Catalog))
STORE_GET = _endpoint("store.get", "GET /products/store", "any", one(Store))
STORE_ALIAS = attrs.evolve(
    _endpoint("store.alias", "GET /store", "any", STORE_GET.returns), alias_of=STORE_GET.name
)
STORE_SETTINGS = _endpoint("store.settings", "GET /store/settings", "secret", _JSON)
STORE_THEMES = _endpoint("store.themes", "GET /store/themes", "secret", _JSON)
STORE_PAGE_BUILDER_THEME = _endpoint(
    "store.page_builder_theme", "GET /store/page-builder-theme", "secret", _JSON
)
STORE_PROPOSE = _endpoint("store.propose", "POST /store/proposals", "secret", _JSON)
STORE_APPLY_PROPOSAL = _endpoint(
    "store.apply_proposal", "POST /store/proposals/apply", "secret", _JSON
)
STORE_DISCARD_PROPOSAL = _endpoint(
    "store.discard_proposal", "DELETE /store/proposals/pending", "secret", _JSON
)
PRODUCTS_LIST = _endpoint("products.list", "GET /products", "any", many(Product))
PRODUCTS_GET = _endpoint("products.get", "GET /products/{productId}", "any", one(Product))
ORDERS_LIST = _endpoint("orders.list", "GET /orders", "secret", _JSON)
ORDERS_STATS = _endpoint("orders.stats", "GET /orders/stats", "secret", _JSON)
ORDERS_CHART = _endpoint("orders.chart", "GET /orders/chart", "secret", _JSON)
CUSTOMERS_LIST = _endpoint("customers.list", "GET /customers", "secret", _JSON)
MEDIA_LIST = _endpoint("media.list", "GET /media", "secret", _JSON)
_CART = one(Cart)
CART_CREATE = _endpoint("cart.create", "POST /cart", "secret", _CART)
CART_GET = _endpoint("cart.get", "GET /cart/{cartId}", "secret", _CART)
CART_ADD_LINE = _endpoint("cart.add_line", "POST /cart/{cartId}/lines", "secret", _CART)
CART_UPDATE_LINE = _endpoint(
    "cart.update_line", "PATCH /cart/{cartId}/lines/{productId}", "secret", _CART
)
CART_REMOVE_LINE = _endpoint(
    "cart.remove_line", "DELETE /cart/{cartId}/lines/{productId}", "secret", _CART
)
CART_CLEAR = _endpoint("cart.clear", "DELETE /cart/{cartId}", "secret", _CART)
CHECKOUT_CREATE_SESSION = _endpoint(
    "checkout.create_session", "POST /checkout/session", "secret", one(CheckoutSession)
)
CHECKOUT_GET_SESSION = _endpoint(
    "checkout.get_session",
    "GET /checkout/sessions/{sessionId}",
    "secret",
    one(CheckoutSessionDetails),
)
SUBSCRIPTION_LIST = _endpoint("subscription.list", "GET /subscription", "secret", _JSON)
SUBSCRIPTION_CREATE_PORTAL_SESSION = _endpoint(
    "subscription.create_portal_session",
    "POST /subscription/portal",
    "secret",
    one(PortalSession),
)

ENDPOINTS: tuple[Endpoint[Any], ...] = (
    HEALTH_CHECK,
    CATALOG_GET,
    STORE_GET,
    STORE_ALIAS,
    STORE_SETTINGS,
    STORE_THEMES,
    STORE_PAGE_BUILDER_THEME,
    STORE_PROPOSE,
    STORE_APPLY_PROPOSAL,
    STORE_DISCARD_PROPOSAL,
    PRODUCTS_LIST,
    PRODUCTS_GET,
    ORDERS_LIST,
    ORDERS_STATS,
    ORDERS_CHART,
    CUSTOMERS_LIST,
    MEDIA_LIST,
    CART_CREATE,
    CART_GET,
    CART_ADD_LINE,
    CART_UPDATE_LINE,
    CART_REMOVE_LINE,
    CART_CLEAR,
    CHECKOUT_CREATE_SESSION,
    CHECKOUT_GET_SESSION,
    SUBSCRIPTION_LIST,
    SUBSCRIPTION_CREATE_PORTAL_SESSION,
)
"""Every operation of the API's contract, in the contract's order."""

BY_NAME: dict[str, Endpoint[Any]] = {endpoint.name: endpoint for endpoint in ENDPOINTS}
"""The endpoints by `Endpoint.name`."""

BY_ROUTE: dict[str, Endpoint[Any]] = {endpoint.route: endpoint for endpoint in ENDPOINTS}
"""The endpoints by `Endpoint.route` (``"POST /cart/{cartId}/lines"``)."""
