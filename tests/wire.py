"""The wire, written out by hand: what each operation must send, independent of the SDK's table.

One `Wire` per operation of the API's contract (and a few more calls where arguments
change what is sent): the client call, then the literal method, raw path, query and
JSON body it must put on the wire, the payload the API answers, and what the call
returns. Nothing here is derived from ``quickshops._endpoints``: if the table and this
list disagree, a test fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from quickshops import (
    APIResponse,
    Cart,
    CartLineInput,
    Catalog,
    CheckoutSession,
    CheckoutSessionDetails,
    Health,
    PortalSession,
    Product,
    Store,
)
from tests import payloads


@dataclass(frozen=True)
class Wire:
    """One call and the exact request it sends."""

    route: str
    """The operation, as the contract names it: ``POST /cart/{cartId}/lines``."""
    call: Callable[[Any], Any]
    method: str
    path: str
    query: str
    body: Any
    answer: Any
    returns: type | None
    """The model returned; None for plain JSON."""


WIRE: list[Wire] = [
    Wire("GET /health", lambda qs: qs.health.check(), "GET", "/v1/health", "", None,
         payloads.HEALTH, Health),
    Wire("GET /catalog", lambda qs: qs.catalog.get(), "GET", "/v1/catalog", "", None,
         payloads.CATALOG, Catalog),
    Wire("GET /products/store", lambda qs: qs.store.get(), "GET", "/v1/products/store", "", None,
         payloads.STORE, Store),
    Wire("GET /store", lambda qs: qs.request("GET", "/store"), "GET", "/v1/store", "", None,
         payloads.STORE, APIResponse),
    Wire("GET /store/settings", lambda qs: qs.store.settings(), "GET", "/v1/store/settings", "",
         None, payloads.ANY, None),
    Wire("GET /store/themes", lambda qs: qs.store.themes(), "GET", "/v1/store/themes", "", None,
         [payloads.ANY], None),
    Wire("GET /store/page-builder-theme", lambda qs: qs.store.page_builder_theme(), "GET",
         "/v1/store/page-builder-theme", "", None, payloads.ANY, None),
    Wire("POST /store/proposals", lambda qs: qs.store.propose("Make the hero blue"), "POST",
         "/v1/store/proposals", "", {"proposal": "Make the hero blue"}, payloads.ANY, None),
    Wire("POST /store/proposals/apply", lambda qs: qs.store.apply_proposal("Blue hero"), "POST",
         "/v1/store/proposals/apply", "", {"proposal": "Blue hero"}, payloads.ANY, None),
    Wire("DELETE /store/proposals/pending", lambda qs: qs.store.discard_proposal(), "DELETE",
         "/v1/store/proposals/pending", "", None, payloads.ANY, None),
    Wire("GET /products", lambda qs: qs.products.list(), "GET", "/v1/products", "", None,
         [payloads.PRODUCT], list),
    Wire("GET /products", lambda qs: qs.products.list(include_inactive=True, limit=5), "GET",
         "/v1/products", "includeInactive=true&limit=5", None, [payloads.PRODUCT], list),
    Wire("GET /products", lambda qs: qs.products.list(include_inactive=False), "GET",
         "/v1/products", "includeInactive=false", None, [payloads.PRODUCT], list),
    Wire("GET /products/{productId}", lambda qs: qs.products.get("prod_1"), "GET",
         "/v1/products/prod_1", "", None, payloads.PRODUCT, Product),
    Wire("GET /orders", lambda qs: qs.orders.list(), "GET", "/v1/orders", "", None,
         [payloads.ANY], None),
    Wire("GET /orders", lambda qs: qs.orders.list(limit=20), "GET", "/v1/orders", "limit=20",
         None, [payloads.ANY], None),
    Wire("GET /orders/stats", lambda qs: qs.orders.stats(), "GET", "/v1/orders/stats", "", None,
         payloads.ANY, None),
    Wire("GET /orders/chart", lambda qs: qs.orders.chart(range="30d"), "GET", "/v1/orders/chart",
         "range=30d", None, payloads.ANY, None),
    Wire("GET /customers", lambda qs: qs.customers.list(limit=3), "GET", "/v1/customers",
         "limit=3", None, [payloads.ANY], None),
    Wire("GET /media", lambda qs: qs.media.list(kind="image"), "GET", "/v1/media", "kind=image",
         None, [payloads.ANY], None),
    Wire("POST /cart", lambda qs: qs.cart.create(), "POST", "/v1/cart", "", None,
         payloads.CART, Cart),
    Wire("POST /cart",
         lambda qs: qs.cart.create(lines=[CartLineInput("prod_1", 2), ("prod_2", 1)]), "POST",
         "/v1/cart", "",
         {"lines": [{"productId": "prod_1", "quantity": 2},
                    {"productId": "prod_2", "quantity": 1}]},
         payloads.CART, Cart),
    Wire("GET /cart/{cartId}", lambda qs: qs.cart.get("cart_1"), "GET", "/v1/cart/cart_1", "",
         None, payloads.CART, Cart),
    Wire("POST /cart/{cartId}/lines", lambda qs: qs.cart.add_line("cart_1", "prod_1"), "POST",
         "/v1/cart/cart_1/lines", "", {"productId": "prod_1", "quantity": 1}, payloads.CART, Cart),
    Wire("POST /cart/{cartId}/lines", lambda qs: qs.cart.add_line("cart_1", "prod_1", 3), "POST",
         "/v1/cart/cart_1/lines", "", {"productId": "prod_1", "quantity": 3}, payloads.CART, Cart),
    Wire("PATCH /cart/{cartId}/lines/{productId}",
         lambda qs: qs.cart.update_line("cart_1", "prod_1", 0), "PATCH",
         "/v1/cart/cart_1/lines/prod_1", "", {"quantity": 0}, payloads.CART, Cart),
    Wire("DELETE /cart/{cartId}/lines/{productId}",
         lambda qs: qs.cart.remove_line("cart_1", "prod_1"), "DELETE",
         "/v1/cart/cart_1/lines/prod_1", "", None, payloads.CART, Cart),
    Wire("DELETE /cart/{cartId}", lambda qs: qs.cart.clear("cart_1"), "DELETE",
         "/v1/cart/cart_1", "", None, payloads.CART, Cart),
    Wire("POST /checkout/session", lambda qs: qs.checkout.create_session("cart_1"), "POST",
         "/v1/checkout/session", "", {"cartId": "cart_1"}, payloads.CHECKOUT_SESSION,
         CheckoutSession),
    Wire("POST /checkout/session",
         lambda qs: qs.checkout.create_session(
             product_id="prod_1",
             quantity=2,
             success_url="https://shop.example/ok?session={CHECKOUT_SESSION_ID}",
             cancel_url="http://localhost:8000/cart",
         ),
         "POST", "/v1/checkout/session", "",
         {
             "productId": "prod_1",
             "quantity": 2,
             "successUrl": "https://shop.example/ok?session={CHECKOUT_SESSION_ID}",
             "cancelUrl": "http://localhost:8000/cart",
         },
         payloads.CHECKOUT_SESSION, CheckoutSession),
    Wire("GET /checkout/sessions/{sessionId}", lambda qs: qs.checkout.get_session("cs_test_1"),
         "GET", "/v1/checkout/sessions/cs_test_1", "", None, payloads.SESSION_DETAILS,
         CheckoutSessionDetails),
    Wire("GET /subscription", lambda qs: qs.subscription.list(limit=10), "GET",
         "/v1/subscription", "limit=10", None, [payloads.ANY], None),
    Wire("POST /subscription/portal",
         lambda qs: qs.subscription.create_portal_session("member_sess_1"), "POST",
         "/v1/subscription/portal", "", {"memberSessionId": "member_sess_1"},
         payloads.PORTAL_SESSION, PortalSession),
]  # fmt: skip
"""Every operation, as the wire must carry it."""
