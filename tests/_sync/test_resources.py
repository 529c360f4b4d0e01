# Generated from tests/_async/test_resources.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""Every operation: the exact request it sends (tests/wire.py), and what it returns."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from quickshops import APIResponse, InvalidRequestError, Product, Quickshops
from quickshops._version import __version__
from tests import payloads
from tests.conftest import SECRET_KEY
from tests.wire import WIRE, Wire

if TYPE_CHECKING:
    from collections.abc import Callable

    import respx

IDS = [f"{i} {wire.route}" for i, wire in enumerate(WIRE)]


@pytest.mark.parametrize("enveloped", [True, False], ids=["enveloped", "bare"])
@pytest.mark.parametrize("wire", WIRE, ids=IDS)
def test_operation(api: respx.MockRouter, qs: Quickshops, wire: Wire, enveloped: bool) -> None:
    """Each call sends its literal request and reads either body shape, unknown fields kept."""
    body = {"data": wire.answer} if enveloped else wire.answer
    route = api.route().respond(200, json=body, headers={"x-request-id": "req_42"})

    result = wire.call(qs)

    request = route.calls.last.request
    assert (wire.method, wire.path, wire.query) == (
        request.method,
        request.url.raw_path.decode().partition("?")[0],
        request.url.query.decode(),
    )
    assert SECRET_KEY == request.headers["x-api-key"]
    assert "application/json" == request.headers["accept"]
    assert f"quickshops-python/{__version__}" == request.headers["user-agent"]
    assert wire.body == (json.loads(request.content) if request.content else None)
    sent_type = request.headers.get("content-type")
    assert ("application/json" if wire.body is not None else None) == sent_type
    assert (wire.method != "GET") == ("idempotency-key" in request.headers)
    if wire.returns is None:
        assert wire.answer == result
    elif wire.returns is APIResponse:
        assert (200, body, wire.answer, "req_42") == (
            result.status_code,
            result.body,
            result.data,
            result.request_id,
        )
    elif wire.returns is list:
        assert [Product] * len(wire.answer) == [type(item) for item in result]
        assert payloads.UNMAPPED.items() <= result[0].extra.items()
    else:
        assert isinstance(result, wire.returns)
        assert "req_42" == getattr(result, "request_id", None)
        unmapped = {key: value for key, value in wire.answer.items() if key in payloads.UNMAPPED}
        assert unmapped.items() <= getattr(result, "extra", {}).items()


def test_products_list(api: respx.MockRouter, qs: Quickshops) -> None:
    """products.list sends its query strings and returns a list of products."""
    route = api.get("/products").respond(
        200, json={"data": [payloads.PRODUCT, payloads.PRODUCT], "nextCursor": None}
    )

    products = qs.products.list(include_inactive=True, limit=5)

    assert "includeInactive=true&limit=5" == route.calls.last.request.url.query.decode()
    assert ["prod_1", "prod_1"] == [product.id for product in products]


def test_products_list_without_options(api: respx.MockRouter, qs: Quickshops) -> None:
    """products.list with no options sends no query string and reads a bare list."""
    route = api.get("/products").respond(200, json=[payloads.PRODUCT])

    products = qs.products.list()

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
def test_path_parameters_are_one_segment(
    api: respx.MockRouter, qs: Quickshops, product_id: str, raw_path: str
) -> None:
    """An id is percent-encoded as one segment and never changes the route."""
    route = api.route().respond(200, json=payloads.PRODUCT)

    qs.products.get(product_id)

    assert raw_path == route.calls.last.request.url.raw_path.decode()


def test_every_path_parameter_is_encoded(api: respx.MockRouter, qs: Quickshops) -> None:
    """Cart and product ids in one path are each encoded on their own."""
    route = api.route().respond(200, json=payloads.CART)

    qs.cart.update_line("c/1", "p?1", 2)

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
        (lambda qs: qs.products.list(include_inactive="yes"), "include_inactive"),
        (lambda qs: qs.store.propose(""), "proposal"),
        (lambda qs: qs.store.apply_proposal("  "), "proposal"),
        (lambda qs: qs.store.propose("x", idempotency_key=""), "idempotency_key"),
        (lambda qs: qs.orders.list(limit=0), "limit"),
        (lambda qs: qs.orders.chart(range=""), "range"),
        (lambda qs: qs.customers.list(limit=True), "limit"),
        (lambda qs: qs.media.list(kind=""), "kind"),
        (lambda qs: qs.subscription.list(limit=-1), "limit"),
        (lambda qs: qs.checkout.create_session("cart_1", quantity=2), "quantity applies only"),
        (lambda qs: qs.checkout.create_session(product_id="p", quantity=0), "quantity"),
        (lambda qs: qs.checkout.create_session(product_id="p", quantity=2**31), "that large"),
        (lambda qs: qs.checkout.create_session(cart_id=7), "cart_id"),
        (lambda qs: qs.checkout.create_session(product_id="\ud800"), "product_id"),
        (
            lambda qs: qs.checkout.create_session(product_id="p", success_url="https://"),
            "success_url",
        ),
        (lambda qs: qs.checkout.create_session(product_id="p", cancel_url="/x"), "cancel_url"),
        (lambda qs: qs.checkout.create_session(product_id="p", cancel_url=42), "cancel_url"),
        (
            lambda qs: qs.checkout.create_session(
                product_id="p", success_url="https://x.example/\ud800"
            ),
            "success_url",
        ),
        (
            lambda qs: qs.checkout.create_session(product_id="p", success_url="ftp://x.example"),
            "success_url",
        ),
    ],
)
def test_bad_arguments_fail_before_any_io(
    api: respx.MockRouter,
    qs: Quickshops,
    call: Callable[[Quickshops], Any],
    argument: str,
) -> None:
    """A bad argument raises InvalidRequestError naming it, and sends nothing."""
    route = api.route().respond(200, json={})

    with pytest.raises(InvalidRequestError, match=argument.replace("[", r"\[")):
        call(qs)

    assert 0 == route.call_count
