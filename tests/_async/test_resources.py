"""Every route: its method, path, headers and body, and the model it returns."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from quickshops import (
    AsyncQuickshops,
    Cart,
    CartLineInput,
    CheckoutSession,
    CheckoutSessionDetails,
    Health,
    InvalidRequestError,
    PortalSession,
    Product,
    Store,
)
from quickshops._version import __version__
from tests import payloads
from tests.conftest import SECRET_KEY

if TYPE_CHECKING:
    from collections.abc import Callable

    import respx

# (call, method, raw path, JSON body sent, payload answered, model returned)
ROUTES: list[tuple[Callable[[AsyncQuickshops], Any], str, str, Any, Any, type[Any]]] = [
    (lambda qs: qs.health.check(), "GET", "/v1/health", None, payloads.HEALTH, Health),
    (lambda qs: qs.store.get(), "GET", "/v1/products/store", None, payloads.STORE, Store),
    (
        lambda qs: qs.products.get("prod_1"),
        "GET",
        "/v1/products/prod_1",
        None,
        payloads.PRODUCT,
        Product,
    ),
    (lambda qs: qs.cart.create(), "POST", "/v1/cart", None, payloads.CART, Cart),
    (
        lambda qs: qs.cart.create(lines=[CartLineInput("prod_1", 2), ("prod_2", 1)]),
        "POST",
        "/v1/cart",
        {"lines": [{"productId": "prod_1", "quantity": 2}, {"productId": "prod_2", "quantity": 1}]},
        payloads.CART,
        Cart,
    ),
    (lambda qs: qs.cart.get("cart_1"), "GET", "/v1/cart/cart_1", None, payloads.CART, Cart),
    (
        lambda qs: qs.cart.add_line("cart_1", "prod_1"),
        "POST",
        "/v1/cart/cart_1/lines",
        {"productId": "prod_1", "quantity": 1},
        payloads.CART,
        Cart,
    ),
    (
        lambda qs: qs.cart.add_line("cart_1", "prod_1", 3),
        "POST",
        "/v1/cart/cart_1/lines",
        {"productId": "prod_1", "quantity": 3},
        payloads.CART,
        Cart,
    ),
    (
        lambda qs: qs.cart.update_line("cart_1", "prod_1", 0),
        "PATCH",
        "/v1/cart/cart_1/lines/prod_1",
        {"quantity": 0},
        payloads.CART,
        Cart,
    ),
    (
        lambda qs: qs.cart.remove_line("cart_1", "prod_1"),
        "DELETE",
        "/v1/cart/cart_1/lines/prod_1",
        None,
        payloads.CART,
        Cart,
    ),
    (lambda qs: qs.cart.clear("cart_1"), "DELETE", "/v1/cart/cart_1", None, payloads.CART, Cart),
    (
        lambda qs: qs.checkout.create_session("cart_1"),
        "POST",
        "/v1/checkout/session",
        {"cartId": "cart_1"},
        payloads.CHECKOUT_SESSION,
        CheckoutSession,
    ),
    (
        lambda qs: qs.checkout.create_session(
            product_id="prod_1",
            quantity=2,
            success_url="https://shop.example/ok?session={CHECKOUT_SESSION_ID}",
            cancel_url="https://shop.example/cart",
        ),
        "POST",
        "/v1/checkout/session",
        {
            "productId": "prod_1",
            "quantity": 2,
            "successUrl": "https://shop.example/ok?session={CHECKOUT_SESSION_ID}",
            "cancelUrl": "https://shop.example/cart",
        },
        payloads.CHECKOUT_SESSION,
        CheckoutSession,
    ),
    (
        lambda qs: qs.checkout.get_session("cs_test_1"),
        "GET",
        "/v1/checkout/sessions/cs_test_1",
        None,
        payloads.SESSION_DETAILS,
        CheckoutSessionDetails,
    ),
    (
        lambda qs: qs.subscription.create_portal_session("member_sess_1"),
        "POST",
        "/v1/subscription/portal",
        {"memberSessionId": "member_sess_1"},
        payloads.PORTAL_SESSION,
        PortalSession,
    ),
]
IDS = [f"{method} {path} {i}" for i, (_, method, path, *_rest) in enumerate(ROUTES)]


@pytest.mark.parametrize("enveloped", [True, False], ids=["enveloped", "bare"])
@pytest.mark.parametrize(("call", "method", "path", "sent", "answer", "model"), ROUTES, ids=IDS)
async def test_route(
    api: respx.MockRouter,
    qs: AsyncQuickshops,
    call: Callable[[AsyncQuickshops], Any],
    method: str,
    path: str,
    sent: Any,
    answer: Any,
    model: type[Any],
    enveloped: bool,
) -> None:
    """Each call sends its documented request and decodes either body shape."""
    body = {"data": answer} if enveloped else answer
    route = api.route().respond(200, json=body, headers={"x-request-id": "req_42"})

    result = await call(qs)

    request = route.calls.last.request
    assert (method, path) == (request.method, request.url.raw_path.decode())
    assert SECRET_KEY == request.headers["x-api-key"]
    assert "application/json" == request.headers["accept"]
    assert f"quickshops-python/{__version__}" == request.headers["user-agent"]
    assert sent == (json.loads(request.content) if request.content else None)
    assert ("application/json" if sent is not None else None) == request.headers.get("content-type")
    assert (method != "GET") == ("idempotency-key" in request.headers)
    assert isinstance(result, model)
    assert "req_42" == result.request_id


async def test_products_list(api: respx.MockRouter, qs: AsyncQuickshops) -> None:
    """products.list sends its query strings and returns a list of products."""
    route = api.get("/products").respond(
        200, json={"data": [payloads.PRODUCT, payloads.PRODUCT], "nextCursor": None}
    )

    products = await qs.products.list(include_inactive=True, limit=5)

    assert "includeInactive=true&limit=5" == route.calls.last.request.url.query.decode()
    assert ["prod_1", "prod_1"] == [product.id for product in products]


async def test_products_list_without_options(api: respx.MockRouter, qs: AsyncQuickshops) -> None:
    """products.list with no options sends no query string and reads a bare list."""
    route = api.get("/products").respond(200, json=[payloads.PRODUCT])

    products = await qs.products.list()

    assert b"" == route.calls.last.request.url.query
    assert [Product.__name__] == [type(product).__name__ for product in products]


@pytest.mark.parametrize(
    ("product_id", "raw_path"),
    [
        ("a/b?c#d", "/v1/products/a%2Fb%3Fc%23d"),
        ("../x", "/v1/products/..%2Fx"),
        ("..", "/v1/products/%2E%2E"),
        (".", "/v1/products/%2E"),
        ("50%", "/v1/products/50%25"),
        ("thé vert", "/v1/products/th%C3%A9%20vert"),
        ("line\nbreak", "/v1/products/line%0Abreak"),
    ],
)
async def test_path_parameters_are_one_segment(
    api: respx.MockRouter, qs: AsyncQuickshops, product_id: str, raw_path: str
) -> None:
    """An id is percent-encoded as one segment and never changes the route."""
    route = api.route().respond(200, json=payloads.PRODUCT)

    await qs.products.get(product_id)

    assert raw_path == route.calls.last.request.url.raw_path.decode()


async def test_every_path_parameter_is_encoded(api: respx.MockRouter, qs: AsyncQuickshops) -> None:
    """Cart and product ids in one path are each encoded on their own."""
    route = api.route().respond(200, json=payloads.CART)

    await qs.cart.update_line("c/1", "p?1", 2)

    assert "/v1/cart/c%2F1/lines/p%3F1" == route.calls.last.request.url.raw_path.decode()


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda qs: qs.products.get(""), "product_id"),
        (lambda qs: qs.cart.get(None), "cart_id"),
        (lambda qs: qs.cart.add_line("cart_1", "prod_1", 0), "quantity"),
        (lambda qs: qs.cart.add_line("cart_1", "", 1), "product_id"),
        (lambda qs: qs.cart.update_line("cart_1", "prod_1", -1), "quantity"),
        (lambda qs: qs.cart.update_line("cart_1", "prod_1", True), "quantity"),
        (lambda qs: qs.cart.create(lines=[("prod_1", 0)]), "lines[0].quantity"),
        (lambda qs: qs.cart.create(lines="prod_1"), "lines"),
        (lambda qs: qs.checkout.create_session(), "cart_id"),
        (lambda qs: qs.checkout.create_session("cart_1", product_id="p"), "cart_id"),
        (
            lambda qs: qs.checkout.create_session(success_url="http://x.example", product_id="p"),
            "success_url",
        ),
        (lambda qs: qs.subscription.create_portal_session(""), "member_session_id"),
        (lambda qs: qs.cart.clear("cart_1", idempotency_key="a\nb"), "idempotency_key"),
        (lambda qs: qs.products.list(limit=0), "limit"),
    ],
)
async def test_bad_arguments_fail_before_any_io(
    api: respx.MockRouter,
    qs: AsyncQuickshops,
    call: Callable[[AsyncQuickshops], Any],
    argument: str,
) -> None:
    """A bad argument raises InvalidRequestError naming it, and sends nothing."""
    route = api.route().respond(200, json={})

    with pytest.raises(InvalidRequestError, match=argument.replace("[", r"\[")):
        await call(qs)

    assert 0 == route.call_count
