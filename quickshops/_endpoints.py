"""The endpoint table: every operation of the API, declared once, as data. No I/O here.

Each `Endpoint` says how an operation is called (method, path template), which key it
needs, how its success answer is wrapped and what model it decodes to. Everything that deals
with operations reads this one table: the resources of both clients (each method names
its endpoint), the command line (one command per endpoint with a resource method), the
emulator's routing, the docs' route table and the tests' list of operations.

Adding an operation is one row here, one resource method (its signature, docstring
and argument checks) and one emulator handler; a test walks the table and fails when
one of them or a wire-table entry is missing. The CLI commands are made from it, and
``scripts/tables.py`` writes the docs' route tables.
"""

from __future__ import annotations

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
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ._response import Page

T = TypeVar("T")

Key = Literal["none", "any", "secret"]
"""The key an operation needs: ``none``, ``any`` (public or secret) or ``secret``."""


def _camel_to_snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


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
        model: The model the success payload decodes to, or None for plain JSON.
        many: Whether the payload is a list of `model`, in pages: a call answers a
            `quickshops._response.Page` (its items and the next page's cursor).
        alias_of: For a second path to another operation (``GET /store``), that
            operation's name; such an endpoint has no method of its own.
    """

    name: str
    method: str
    path: str
    key: Key
    envelope: bool
    model: type[Any] | None
    many: bool = False
    alias_of: str | None = None
    parameters: tuple[str, ...] = attrs.field(init=False)
    """The path's parameters, in order (``("cartId", "productId")``)."""
    arguments: tuple[str, ...] = attrs.field(init=False)
    """The parameters as the resource methods name them (``("cart_id", "product_id")``)."""

    route: str = attrs.field(init=False)
    """``METHOD /template``: the name of the operation in messages, faults and limits."""

    _template: str = attrs.field(init=False, repr=False, eq=False)
    """The path with ``{}`` for each parameter, for `render`."""

    @parameters.default
    def _parameters(self) -> tuple[str, ...]:
        return tuple(part.partition("}")[0] for part in self.path.split("{")[1:])

    @arguments.default
    def _arguments(self) -> tuple[str, ...]:
        return tuple(_camel_to_snake(name) for name in self.parameters)

    @_template.default
    def _template_of(self) -> str:
        first, *rest = self.path.split("{")
        return first + "".join("{}" + part.partition("}")[2] for part in rest)

    @route.default
    def _route(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def returns(self) -> str:
        """What a call returns, as the docs write it: ``Cart``, ``list[Product]``, ``JSON``."""
        if self.model is None:
            return "JSON"
        return f"list[{self.model.__name__}]" if self.many else self.model.__name__

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

    def render(self, encode: Callable[[str, object], str], values: Sequence[object]) -> str:
        """The path with each parameter replaced by ``encode(argument name, value)``."""
        assert len(values) == len(self.arguments), (self.name, values)
        return self._template.format(*map(encode, self.arguments, values))


def _endpoint(
    name: str,
    route: str,
    key: Key,
    model: type[Any] | None,
    *,
    many: bool = False,
    envelope: bool = True,
) -> Endpoint[Any]:
    """One row of the table; the constant it is bound to says what a call returns."""
    method, _, path = route.partition(" ")
    return Endpoint(name, method, path, key, envelope, model, many)


HEALTH_CHECK: Endpoint[Health] = _endpoint(
    "health.check", "GET /health", "none", Health, envelope=False
)
CATALOG_GET: Endpoint[Catalog] = _endpoint("catalog.get", "GET /catalog", "any", Catalog)
STORE_GET: Endpoint[Store] = _endpoint("store.get", "GET /products/store", "any", Store)
STORE_ALIAS: Endpoint[Store] = attrs.evolve(
    _endpoint("store.alias", "GET /store", "any", Store), alias_of=STORE_GET.name
)
STORE_SETTINGS: Endpoint[JSON] = _endpoint("store.settings", "GET /store/settings", "secret", None)
STORE_THEMES: Endpoint[JSON] = _endpoint("store.themes", "GET /store/themes", "secret", None)
STORE_PAGE_BUILDER_THEME: Endpoint[JSON] = _endpoint(
    "store.page_builder_theme", "GET /store/page-builder-theme", "secret", None
)
STORE_PROPOSE: Endpoint[JSON] = _endpoint("store.propose", "POST /store/proposals", "secret", None)
STORE_APPLY_PROPOSAL: Endpoint[JSON] = _endpoint(
    "store.apply_proposal", "POST /store/proposals/apply", "secret", None
)
STORE_DISCARD_PROPOSAL: Endpoint[JSON] = _endpoint(
    "store.discard_proposal", "DELETE /store/proposals/pending", "secret", None
)
PRODUCTS_LIST: Endpoint[Page[Product]] = _endpoint(
    "products.list", "GET /products", "any", Product, many=True
)
PRODUCTS_GET: Endpoint[Product] = _endpoint(
    "products.get", "GET /products/{productId}", "any", Product
)
ORDERS_LIST: Endpoint[JSON] = _endpoint("orders.list", "GET /orders", "secret", None)
ORDERS_STATS: Endpoint[JSON] = _endpoint("orders.stats", "GET /orders/stats", "secret", None)
ORDERS_CHART: Endpoint[JSON] = _endpoint("orders.chart", "GET /orders/chart", "secret", None)
CUSTOMERS_LIST: Endpoint[JSON] = _endpoint("customers.list", "GET /customers", "secret", None)
MEDIA_LIST: Endpoint[JSON] = _endpoint("media.list", "GET /media", "secret", None)
CART_CREATE: Endpoint[Cart] = _endpoint("cart.create", "POST /cart", "secret", Cart)
CART_GET: Endpoint[Cart] = _endpoint("cart.get", "GET /cart/{cartId}", "secret", Cart)
CART_ADD_LINE: Endpoint[Cart] = _endpoint(
    "cart.add_line", "POST /cart/{cartId}/lines", "secret", Cart
)
CART_UPDATE_LINE: Endpoint[Cart] = _endpoint(
    "cart.update_line", "PATCH /cart/{cartId}/lines/{productId}", "secret", Cart
)
CART_REMOVE_LINE: Endpoint[Cart] = _endpoint(
    "cart.remove_line", "DELETE /cart/{cartId}/lines/{productId}", "secret", Cart
)
CART_CLEAR: Endpoint[Cart] = _endpoint("cart.clear", "DELETE /cart/{cartId}", "secret", Cart)
CHECKOUT_CREATE_SESSION: Endpoint[CheckoutSession] = _endpoint(
    "checkout.create_session", "POST /checkout/session", "secret", CheckoutSession
)
CHECKOUT_GET_SESSION: Endpoint[CheckoutSessionDetails] = _endpoint(
    "checkout.get_session",
    "GET /checkout/sessions/{sessionId}",
    "secret",
    CheckoutSessionDetails,
)
SUBSCRIPTION_LIST: Endpoint[JSON] = _endpoint(
    "subscription.list", "GET /subscription", "secret", None
)
SUBSCRIPTION_CREATE_PORTAL_SESSION: Endpoint[PortalSession] = _endpoint(
    "subscription.create_portal_session", "POST /subscription/portal", "secret", PortalSession
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
