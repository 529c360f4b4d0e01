"""Tests of the emulator's routes, errors, rate limits, idempotency and switches."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any

import attrs
import hypothesis
import hypothesis.strategies as st
import pytest

import quickshops.testing
from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    INACTIVE_PRODUCT_ID,
    MEMBER_SESSION_ID,
    PHYSICAL_PRODUCT_ID,
    SECRET_KEY,
    STORE_ID,
    SUBSCRIPTION_PRODUCT_ID,
    Emulator,
    RateLimit,
)
from tests.emulator.conftest import make_client

if TYPE_CHECKING:
    import httpx

    from tests.emulator.conftest import FakeClock


def data(response: httpx.Response) -> Any:
    """Return the ``data`` of an enveloped success body."""
    return response.json()["data"]


def new_cart(client: httpx.Client, *lines: tuple[str, int]) -> str:
    """Create a cart seeded with ``lines`` and return its id."""
    body = {"lines": [{"productId": pid, "quantity": qty} for pid, qty in lines]}
    response = client.post("/cart", json=body)
    assert response.status_code == 200
    cart_id: str = data(response)["id"]
    return cart_id


def error(response: httpx.Response) -> tuple[int, str, str]:
    """Return the status, code and message of a ``detailed`` error response."""
    body = response.json()
    assert body["status"] == response.status_code
    return response.status_code, body["code"], body["message"]


# Catalogue


def test_health_needs_no_key_and_is_bare(emulator: Emulator) -> None:
    """GET /health answers without an API key, unwrapped, as the contract has it."""
    with make_client(emulator, api_key=None) as client:
        response = client.get("/health")
    assert (
        response.status_code,
        response.json(),
    ) == (200, {"ok": True, "service": "quickshops-emulator", "version": "1"})


def test_store_reflects_payments_switch(emulator: Emulator, public_client: httpx.Client) -> None:
    """The store's paymentsConfigured follows the emulator's switch."""
    store = data(public_client.get("/products/store"))
    emulator.payments_configured = False
    assert (
        store["_id"],
        store["paymentsConfigured"],
        data(public_client.get("/products/store"))["paymentsConfigured"],
    ) == (STORE_ID, True, False)


def test_products_hide_inactive_by_default(public_client: httpx.Client) -> None:
    """GET /products lists the active products with a null nextCursor."""
    body = public_client.get("/products").json()
    ids = [product["_id"] for product in body["data"]]
    assert (
        ids,
        body["nextCursor"],
    ) == ([DIGITAL_PRODUCT_ID, PHYSICAL_PRODUCT_ID, SUBSCRIPTION_PRODUCT_ID], None)


def test_products_include_inactive_and_limit(public_client: httpx.Client) -> None:
    """includeInactive=true adds the inactive product and limit=N truncates."""
    everything = data(public_client.get("/products", params={"includeInactive": "true"}))
    limited = data(public_client.get("/products", params={"limit": "2"}))
    assert (everything[-1]["_id"], len(everything), len(limited)) == (INACTIVE_PRODUCT_ID, 4, 2)


def test_seeded_products_have_their_types(public_client: httpx.Client) -> None:
    """The seeded catalogue has a digital, a physical and a monthly subscription product."""
    products = {p["_id"]: p for p in data(public_client.get("/products"))}
    assert (
        products[DIGITAL_PRODUCT_ID]["type"],
        products[PHYSICAL_PRODUCT_ID]["type"],
        products[SUBSCRIPTION_PRODUCT_ID]["type"],
        products[SUBSCRIPTION_PRODUCT_ID]["billingInterval"],
    ) == ("digital", "physical", "subscription", "month")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"includeInactive": "yes"}, "includeInactive must be true or false"),
        ({"limit": "0"}, "limit must be an integer from 1 to 2147483647"),
        ({"limit": "two"}, "limit must be an integer from 1 to 2147483647"),
    ],
)
def test_products_reject_bad_query(
    public_client: httpx.Client, params: dict[str, str], message: str
) -> None:
    """A malformed products query is a 400 naming the parameter."""
    assert (400, "VALIDATION_ERROR", message) == error(
        public_client.get("/products", params=params)
    )


def test_get_product_and_missing_product(public_client: httpx.Client) -> None:
    """GET /products/{id} returns the product, or 404 for an unknown id."""
    found = data(public_client.get(f"/products/{INACTIVE_PRODUCT_ID}"))
    missing = public_client.get("/products/nope")
    assert (
        (found["isActive"], found["priceInCents"]),
        error(missing),
    ) == ((False, 500), (404, "NOT_FOUND", "Product nope not found"))


# Carts


def test_create_empty_cart(client: httpx.Client) -> None:
    """POST /cart without a body creates an empty cart with zero totals."""
    response = client.post("/cart")
    cart = data(response)
    assert (
        response.status_code,
        cart["storeId"],
        cart["lines"],
        cart["totals"],
    ) == (200, STORE_ID, [], {"subtotal": 0, "total": 0, "currency": "usd"})


def test_create_seeded_cart_totals_in_minor_units(client: httpx.Client) -> None:
    """A seeded cart embeds the product and totals 2 x 1999 as 3998."""
    cart_id = new_cart(client, (DIGITAL_PRODUCT_ID, 1), (DIGITAL_PRODUCT_ID, 1))
    cart = data(client.get(f"/cart/{cart_id}"))
    line = cart["lines"][0]
    assert (
        line["productId"],
        line["quantity"],
        line["product"]["name"],
        cart["totals"]["total"],
    ) == (DIGITAL_PRODUCT_ID, 2, "Field Guide (e-book)", 3998)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            b"{",
            400,
            "Request body is not valid JSON: Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)",
        ),
        (b"[]", 400, "Request body must be a JSON object"),
        (b'{"lines": {}}', 400, "lines must be a list"),
        (b'{"lines": [1]}', 400, "lines[0] must be an object"),
        (b'{"lines": [{"quantity": 1}]}', 400, "lines[0].productId must be a non-empty string"),
        (
            b'{"lines": [{"productId": "prod_mug", "quantity": true}]}',
            400,
            "lines[0].quantity must be an integer from 1 to 2147483647",
        ),
        (
            b'{"lines": [{"productId": "prod_retired", "quantity": 1}]}',
            400,
            "productId prod_retired is not an active product",
        ),
        (b'{"lines": [{"productId": "nope", "quantity": 1}]}', 404, "Product nope not found"),
    ],
)
def test_create_cart_rejects_bad_lines(
    emulator: Emulator, client: httpx.Client, body: bytes, status: int, message: str
) -> None:
    """A bad seed is an error naming the field, and no cart is counted."""
    response = client.post("/cart", content=body)
    assert (status, message, 0) == (
        response.status_code,
        response.json()["message"],
        emulator.effects["POST /cart"],
    )


def test_add_line_adds_to_existing_quantity(client: httpx.Client) -> None:
    """POST /cart/{id}/lines adds to the quantity already there, and adds new lines."""
    cart_id = new_cart(client, (DIGITAL_PRODUCT_ID, 1))
    client.post(f"/cart/{cart_id}/lines", json={"productId": DIGITAL_PRODUCT_ID, "quantity": 2})
    cart = data(
        client.post(
            f"/cart/{cart_id}/lines", json={"productId": PHYSICAL_PRODUCT_ID, "quantity": 1}
        )
    )
    assert (
        [(line["productId"], line["quantity"]) for line in cart["lines"]],
        cart["totals"]["subtotal"],
    ) == ([(DIGITAL_PRODUCT_ID, 3), (PHYSICAL_PRODUCT_ID, 1)], 3 * 1999 + 1250)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"quantity": 1}, "productId must be a non-empty string"),
        ({"productId": "", "quantity": 1}, "productId must be a non-empty string"),
        ({"productId": DIGITAL_PRODUCT_ID}, "quantity must be an integer from 1 to 2147483647"),
        (
            {"productId": DIGITAL_PRODUCT_ID, "quantity": 0},
            "quantity must be an integer from 1 to 2147483647",
        ),
        (
            {"productId": DIGITAL_PRODUCT_ID, "quantity": "2"},
            "quantity must be an integer from 1 to 2147483647",
        ),
    ],
)
def test_add_line_rejects_wrong_types(
    client: httpx.Client, body: dict[str, Any], message: str
) -> None:
    """A wrong field type is a 400 VALIDATION_ERROR naming the field."""
    cart_id = new_cart(client)
    response = client.post(f"/cart/{cart_id}/lines", json=body)
    assert (400, "VALIDATION_ERROR", message) == error(response)


def test_update_line_sets_quantity_and_zero_removes(client: httpx.Client) -> None:
    """PATCH sets the quantity; 0 removes the line."""
    cart_id = new_cart(client, (DIGITAL_PRODUCT_ID, 1), (PHYSICAL_PRODUCT_ID, 4))
    path = f"/cart/{cart_id}/lines"
    set_five = data(client.patch(f"{path}/{DIGITAL_PRODUCT_ID}", json={"quantity": 5}))
    removed = data(client.patch(f"{path}/{PHYSICAL_PRODUCT_ID}", json={"quantity": 0}))
    assert (
        [(line["productId"], line["quantity"]) for line in set_five["lines"]],
        [(line["productId"], line["quantity"]) for line in removed["lines"]],
    ) == ([(DIGITAL_PRODUCT_ID, 5), (PHYSICAL_PRODUCT_ID, 4)], [(DIGITAL_PRODUCT_ID, 5)])


def test_update_line_errors(client: httpx.Client) -> None:
    """PATCH of a line not in the cart is 404; a negative quantity is 400."""
    cart_id = new_cart(client, (DIGITAL_PRODUCT_ID, 1))
    missing = client.patch(f"/cart/{cart_id}/lines/{PHYSICAL_PRODUCT_ID}", json={"quantity": 1})
    negative = client.patch(f"/cart/{cart_id}/lines/{DIGITAL_PRODUCT_ID}", json={"quantity": -1})
    assert (
        (404, "NOT_FOUND", f"Product {PHYSICAL_PRODUCT_ID} is not in cart {cart_id}"),
        (400, "VALIDATION_ERROR", "quantity must be an integer from 0 to 2147483647"),
    ) == (error(missing), error(negative))


def test_remove_line_and_missing_line(client: httpx.Client) -> None:
    """DELETE of a line removes it; deleting it again is 404."""
    cart_id = new_cart(client, (DIGITAL_PRODUCT_ID, 1), (PHYSICAL_PRODUCT_ID, 1))
    cart = data(client.delete(f"/cart/{cart_id}/lines/{DIGITAL_PRODUCT_ID}"))
    again = client.delete(f"/cart/{cart_id}/lines/{DIGITAL_PRODUCT_ID}")
    assert (
        [line["productId"] for line in cart["lines"]],
        again.status_code,
    ) == ([PHYSICAL_PRODUCT_ID], 404)


def test_clear_cart_removes_every_line(client: httpx.Client) -> None:
    """DELETE /cart/{id} empties the cart and keeps it."""
    cart_id = new_cart(client, (DIGITAL_PRODUCT_ID, 1), (PHYSICAL_PRODUCT_ID, 1))
    cleared = data(client.delete(f"/cart/{cart_id}"))
    assert (
        cleared["lines"],
        cleared["totals"]["total"],
        client.get(f"/cart/{cart_id}").status_code,
    ) == ([], 0, 200)


def test_unknown_cart_is_not_found(client: httpx.Client) -> None:
    """An unknown cart id is 404 NOT_FOUND."""
    assert error(client.get("/cart/cart_nope")) == (404, "NOT_FOUND", "Cart cart_nope not found")


def test_path_segment_is_decoded_as_one_id(client: httpx.Client) -> None:
    """An id a/b sent as a%2Fb is looked up as the id a/b, not as extra path."""
    response = client.get("/cart/a%2Fb")
    assert error(response) == (404, "NOT_FOUND", "Cart a/b not found")


@hypothesis.given(st.text(min_size=1))
def test_any_id_stays_one_segment(cart_id: str) -> None:
    """Every id, percent-encoded as one segment, reaches the cart route as that id."""
    reply = Emulator().handle(
        "GET", f"/v1/cart/{urllib.parse.quote(cart_id, safe='')}", "", {"x-api-key": SECRET_KEY}
    )
    assert (404, f"Cart {cart_id} not found") == (reply.status, reply.json()["message"])


# Checkout and portal


def test_checkout_from_cart(emulator: Emulator, client: httpx.Client) -> None:
    """A checkout session from a cart gets a fake Stripe URL and details mirroring the cart."""
    cart_id = new_cart(client, (DIGITAL_PRODUCT_ID, 2), (PHYSICAL_PRODUCT_ID, 1))
    session = data(
        client.post(
            "/checkout/session",
            json={
                "cartId": cart_id,
                "successUrl": "https://shop.example/ok?session={CHECKOUT_SESSION_ID}",
                "cancelUrl": "https://shop.example/cancel",
            },
        )
    )
    details = data(client.get(f"/checkout/sessions/{session['sessionId']}"))
    assert (
        f"https://checkout.stripe.test/c/pay/{session['sessionId']}",
        {
            "id": session["sessionId"],
            "status": "open",
            "paymentStatus": "unpaid",
            "mode": "payment",
            "amountTotal": 2 * 1999 + 1250,
            "currency": "usd",
            "customerEmail": None,
            "lineItems": [
                {
                    "productId": DIGITAL_PRODUCT_ID,
                    "name": "Field Guide (e-book)",
                    "quantity": 2,
                    "amountTotal": 3998,
                },
                {
                    "productId": PHYSICAL_PRODUCT_ID,
                    "name": "Enamel Mug",
                    "quantity": 1,
                    "amountTotal": 1250,
                },
            ],
        },
        1,
    ) == (session["url"], details, emulator.effects["POST /checkout/session"])


def test_checkout_of_subscription_product(emulator: Emulator, client: httpx.Client) -> None:
    """A session for a subscription product has mode subscription and can be completed."""
    session_id = data(
        client.post("/checkout/session", json={"productId": SUBSCRIPTION_PRODUCT_ID, "quantity": 2})
    )["sessionId"]
    emulator.complete_session(session_id, customer_email="ada@example.com")
    details = data(client.get(f"/checkout/sessions/{session_id}"))
    assert (
        details["mode"],
        details["amountTotal"],
        details["status"],
        details["paymentStatus"],
        details["customerEmail"],
    ) == ("subscription", 1800, "complete", "paid", "ada@example.com")


def test_checkout_product_quantity_defaults_to_one(client: httpx.Client) -> None:
    """A product checkout without quantity buys one."""
    session_id = data(client.post("/checkout/session", json={"productId": DIGITAL_PRODUCT_ID}))[
        "sessionId"
    ]
    assert [
        item["quantity"]
        for item in data(client.get(f"/checkout/sessions/{session_id}"))["lineItems"]
    ] == [1]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "exactly one of cartId or productId is required"),
        ({"cartId": "c", "productId": "p"}, "exactly one of cartId or productId is required"),
        (
            {"productId": "prod_ebook", "successUrl": "http://x.example/"},
            "successUrl must be an absolute https URL (or http to localhost) without control "
            "characters, such as https://shop.example/thanks",
        ),
        (
            {"productId": "prod_ebook", "cancelUrl": "/relative"},
            "cancelUrl must be an absolute https URL (or http to localhost) without control "
            "characters, such as https://shop.example/thanks",
        ),
        (
            {"productId": "prod_ebook", "cancelUrl": 3},
            "cancelUrl must be an absolute https URL (or http to localhost) without control "
            "characters, such as https://shop.example/thanks",
        ),
        ({"cartId": "c", "quantity": 1}, "quantity is only allowed with productId"),
        ({"cartId": 7}, "cartId must be a non-empty string"),
        (
            {"productId": "prod_ebook", "quantity": 0},
            "quantity must be an integer from 1 to 2147483647",
        ),
    ],
)
def test_checkout_rejects_bad_bodies(
    client: httpx.Client, body: dict[str, Any], message: str
) -> None:
    """A bad checkout body is a 400 VALIDATION_ERROR naming the field."""
    assert (400, "VALIDATION_ERROR", message) == error(client.post("/checkout/session", json=body))


def test_checkout_of_empty_cart_is_rejected(client: httpx.Client) -> None:
    """Checking out an empty cart is 400."""
    response = client.post("/checkout/session", json={"cartId": new_cart(client)})
    assert error(response) == (400, "VALIDATION_ERROR", "cartId: cart is empty")


def test_checkout_without_payments_is_rejected(emulator: Emulator, client: httpx.Client) -> None:
    """A store without payments answers 400 PAYMENTS_NOT_CONFIGURED and creates nothing."""
    emulator.payments_configured = False
    response = client.post("/checkout/session", json={"productId": DIGITAL_PRODUCT_ID})
    assert (
        error(response),
        emulator.effects["POST /checkout/session"],
    ) == ((400, "PAYMENTS_NOT_CONFIGURED", "Payments are not configured for this store"), 0)


def test_unknown_checkout_session(emulator: Emulator, client: httpx.Client) -> None:
    """An unknown session id is 404, and completing it raises KeyError."""
    with pytest.raises(KeyError):
        emulator.complete_session("cs_nope")
    assert error(client.get("/checkout/sessions/cs_nope")) == (
        404,
        "NOT_FOUND",
        "Checkout session cs_nope not found",
    )


def test_portal_for_seeded_member(client: httpx.Client) -> None:
    """The seeded member gets a fake billing portal URL."""
    response = client.post("/subscription/portal", json={"memberSessionId": MEMBER_SESSION_ID})
    assert (
        response.status_code,
        data(response)["url"].startswith("https://billing.stripe.test/p/session/"),
    ) == (200, True)


def test_portal_errors(client: httpx.Client) -> None:
    """An unknown member is 404; a missing member id is 400."""
    unknown = client.post("/subscription/portal", json={"memberSessionId": "msess_nope"})
    missing = client.post("/subscription/portal", json={})
    assert (error(unknown), error(missing)) == (
        (404, "NOT_FOUND", "Member session msess_nope not found"),
        (400, "VALIDATION_ERROR", "memberSessionId must be a non-empty string"),
    )


# Auth and routing


def test_missing_key_is_unauthorized(emulator: Emulator) -> None:
    """A request without x-api-key is 401 API key required."""
    with make_client(emulator, api_key=None) as client:
        response = client.get("/products")
    assert error(response) == (401, "UNAUTHORIZED", "API key required")


def test_unknown_key_is_unauthorized(emulator: Emulator) -> None:
    """An unknown key is 401 Missing or invalid API key."""
    with make_client(emulator, api_key="qk_nope") as client:
        response = client.get("/products/store")
    assert error(response) == (401, "UNAUTHORIZED", "Missing or invalid API key")


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("POST", "/cart", "cart:write"),
        ("GET", "/cart/c", "cart:read"),
        ("POST", "/checkout/session", "checkout:write"),
        ("GET", "/checkout/sessions/s", "checkout:read"),
        ("POST", "/subscription/portal", "subscription:write"),
    ],
)
def test_public_key_on_secret_route_is_forbidden(
    emulator: Emulator, public_client: httpx.Client, method: str, path: str, scope: str
) -> None:
    """The public key on a secret route is 403 FORBIDDEN naming the scope."""
    response = public_client.request(method, path)
    assert ((403, "FORBIDDEN", f"Scope {scope} required"), 0) == (
        error(response),
        sum(emulator.effects.values()),
    )


@pytest.mark.parametrize("path", ["/nope", "/cart/c/lines/p/extra", "/products/a/b"])
def test_unknown_route_is_not_found(client: httpx.Client, path: str) -> None:
    """A path no route matches is 404."""
    assert (404, "NOT_FOUND", f"No route for GET /v1{path}") == error(client.get(path))


def test_path_outside_base_is_not_found(emulator: Emulator) -> None:
    """Only paths under /v1 are routed."""
    reply = emulator.handle("GET", "/health")
    assert (reply.status, emulator.requests[-1].route) == (404, None)


def test_wrong_method_is_not_allowed(client: httpx.Client) -> None:
    """A known path with another method is 405 with an Allow header."""
    response = client.put("/cart/c1")
    assert (
        response.status_code,
        response.json()["code"],
        response.headers["allow"],
    ) == (405, "METHOD_NOT_ALLOWED", "DELETE, GET")


# Request ids, log and switches


def test_every_response_has_a_unique_request_id(client: httpx.Client) -> None:
    """Successes and errors carry x-request-id; error bodies repeat it."""
    ok = client.get("/health")
    failed = client.get("/cart/nope")
    assert (True, True, failed.headers["x-request-id"]) == (
        ok.headers["x-request-id"].startswith("req_"),
        ok.headers["x-request-id"] != failed.headers["x-request-id"],
        failed.json()["requestId"],
    )


def test_requests_are_recorded(emulator: Emulator, client: httpx.Client) -> None:
    """Every handled request is logged with its route, headers, body and outcome."""
    response = client.post("/cart", json={"lines": []}, headers={"Idempotency-Key": "k1"})
    record = emulator.requests[-1]
    assert (
        "POST",
        "/v1/cart",
        "POST /cart",
        "k1",
        {"lines": []},
        200,
        response.headers["x-request-id"],
        False,
    ) == (
        record.method,
        record.path,
        record.route,
        record.headers["idempotency-key"],
        record.json(),
        record.status,
        record.request_id,
        record.dropped,
    )


def test_bare_bodies_when_envelope_is_off(emulator: Emulator, client: httpx.Client) -> None:
    """With envelope off, objects and lists come bare."""
    emulator.envelope = False
    store = client.get("/products/store").json()
    products = client.get("/products").json()
    assert (STORE_ID, list, 3) == (store["_id"], type(products), len(products))


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("flat", {"error": "Cart c not found", "code": "NOT_FOUND"}),
        ("nested", {"error": {"message": "Cart c not found", "code": "NOT_FOUND"}}),
        ("detailed", {"status": 404, "code": "NOT_FOUND", "message": "Cart c not found"}),
    ],
)
def test_error_styles(
    emulator: Emulator, client: httpx.Client, style: Any, expected: dict[str, Any]
) -> None:
    """Each error style has its documented shape plus the requestId."""
    emulator.error_style = style
    response = client.get("/cart/c")
    assert {**expected, "requestId": response.headers["x-request-id"]} == response.json()


def test_reply_is_json_decodable() -> None:
    """Reply.json decodes the body."""
    reply = Emulator().handle("GET", "/v1/health")
    assert reply.json() == {"ok": True, "service": "quickshops-emulator", "version": "1"}


# Rate limits


def test_rate_limits_are_off_by_default(client: httpx.Client) -> None:
    """Without limits, many requests all succeed."""
    assert {200} == {client.get("/products").status_code for _ in range(50)}


def test_rate_limit_per_route_with_retry_after(
    emulator: Emulator, client: httpx.Client, clock: FakeClock
) -> None:
    """Over the limit a route answers 429 with Retry-After until the window passes."""
    emulator.set_rate_limit("GET /products", RateLimit(requests=2, per_seconds=10))
    statuses = [client.get("/products").status_code for _ in range(2)]
    clock.advance(3)
    limited = client.get("/products")
    other_route = client.get("/products/store")
    clock.advance(7)
    assert (
        statuses,
        error(limited),
        limited.headers["retry-after"],
        other_route.status_code,
        client.get("/products").status_code,
    ) == ([200, 200], (429, "RATE_LIMITED", "Rate limit exceeded"), "7", 200, 200)


def test_rate_limit_is_per_key(
    emulator: Emulator, client: httpx.Client, public_client: httpx.Client
) -> None:
    """Each key has its own budget under the "*" limit."""
    emulator.set_rate_limit("*", RateLimit(requests=1, per_seconds=1))
    first = client.get("/products").status_code
    second = client.get("/products")
    assert (
        first,
        second.status_code,
        second.headers["retry-after"],
        public_client.get("/products").status_code,
    ) == (200, 429, "1", 200)


def test_rate_limit_can_be_lifted_and_set_at_construction(clock: FakeClock) -> None:
    """Limits given to the constructor apply, and None lifts them."""
    emulator = Emulator(rate_limits={"get /health": RateLimit(1, 60)}, clock=clock)
    limited = [emulator.handle("GET", "/v1/health").status for _ in range(2)]
    emulator.set_rate_limit("GET /health", None)
    assert (limited, emulator.handle("GET", "/v1/health").status) == ([200, 429], 200)


def test_rate_limit_rejects_bad_values() -> None:
    """Unknown routes and non-positive limits are refused."""
    with pytest.raises(ValueError, match="unknown route"):
        Emulator().set_rate_limit("GET /nope", RateLimit(1, 1))
    with pytest.raises(ValueError, match="requests"):
        RateLimit(0, 1)
    with pytest.raises(ValueError, match="per_seconds"):
        RateLimit(1, 0)


# Idempotency


def test_idempotent_replay_applies_once(emulator: Emulator, client: httpx.Client) -> None:
    """The same key and request replays the stored response without applying it again."""
    cart_id = new_cart(client)
    path = f"/cart/{cart_id}/lines"
    body = {"productId": DIGITAL_PRODUCT_ID, "quantity": 1}
    first = client.post(path, json=body, headers={"Idempotency-Key": "add-1"})
    second = client.post(path, json=body, headers={"Idempotency-Key": "add-1"})
    assert (first.status_code, first.content, "true", 1, 1) == (
        second.status_code,
        second.content,
        second.headers["idempotent-replayed"],
        emulator.effects["POST /cart/{cartId}/lines"],
        data(client.get(f"/cart/{cart_id}"))["lines"][0]["quantity"],
    )


def test_idempotency_key_with_other_body_conflicts(
    emulator: Emulator, client: httpx.Client
) -> None:
    """Reusing a key with a different body is 409 CONFLICT and applies nothing."""
    client.post("/cart", headers={"Idempotency-Key": "k"})
    conflict = client.post("/cart", json={"lines": []}, headers={"Idempotency-Key": "k"})
    assert (error(conflict)[:2], emulator.effects["POST /cart"]) == ((409, "CONFLICT"), 1)


def test_idempotency_keys_are_scoped_to_the_api_key(emulator: Emulator) -> None:
    """Requests without a key, or on another API key, are applied every time."""
    emulator.add_key("qk_test_secret_other")
    for api_key in (SECRET_KEY, "qk_test_secret_other"):
        emulator.handle("POST", "/v1/cart", "", {"x-api-key": api_key, "idempotency-key": "k"})
    emulator.handle("POST", "/v1/cart", "", {"x-api-key": SECRET_KEY})
    emulator.handle("POST", "/v1/cart", "", {"x-api-key": SECRET_KEY})
    assert emulator.effects["POST /cart"] == 4


def test_errors_are_not_stored_for_replay(emulator: Emulator, client: httpx.Client) -> None:
    """A failed mutation is not stored: the retry with the same key runs again."""
    emulator.payments_configured = False
    headers = {"Idempotency-Key": "checkout-1"}
    body = {"productId": DIGITAL_PRODUCT_ID}
    failed = client.post("/checkout/session", json=body, headers=headers)
    emulator.payments_configured = True
    retried = client.post("/checkout/session", json=body, headers=headers)
    assert (
        failed.status_code,
        retried.status_code,
        emulator.effects["POST /checkout/session"],
    ) == (400, 200, 1)


def test_idempotency_key_is_ignored_on_reads(client: httpx.Client) -> None:
    """A GET with an Idempotency-Key is handled normally."""
    first = client.get("/products/store", headers={"Idempotency-Key": "r"})
    second = client.get("/cart/nope", headers={"Idempotency-Key": "r"})
    assert (first.status_code, second.status_code) == (200, 404)


def test_replay_keeps_replay_headers_apart_from_request_id(client: httpx.Client) -> None:
    """A replay gets its own request id."""
    first = client.post("/cart", headers={"Idempotency-Key": "same"})
    second = client.post("/cart", headers={"Idempotency-Key": "same"})
    assert (
        first.headers["x-request-id"] != second.headers["x-request-id"],
        "idempotent-replayed" in first.headers,
    ) == (True, False)


def test_added_keys_are_accepted_and_checked(emulator: Emulator) -> None:
    """An added public key reads the catalogue but not carts; a key without qk_ is refused."""
    emulator.add_key("qk_my_public", "public")
    headers = {"x-api-key": "qk_my_public"}
    with pytest.raises(ValueError, match="qk_"):
        emulator.add_key("sk_live_nope")
    assert (
        emulator.handle("GET", "/v1/products", "", headers).status,
        emulator.handle("GET", "/v1/cart/c", "", headers).status,
    ) == (200, 403)


def test_reply_is_frozen() -> None:
    """Replies are immutable values."""
    reply = Emulator().handle("GET", "/v1/health")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        reply.status = 500  # type: ignore[misc]


def test_public_classes_report_the_public_module() -> None:
    """The exported classes say they live in quickshops.testing."""
    modules = {
        getattr(quickshops.testing, name).__module__
        for name in quickshops.testing.__all__
        if isinstance(getattr(quickshops.testing, name), type)
    }
    assert modules == {"quickshops.testing"}


def test_the_request_log_keeps_the_latest() -> None:
    """requests keeps the latest request_log requests (1,000 by default), or all with None."""
    bounded, unbounded = Emulator(request_log=3), Emulator(request_log=None)
    for emulator in (bounded, unbounded):
        for index in range(5):
            emulator.handle("GET", f"/v1/products/p{index}")

    assert ["/v1/products/p2", "/v1/products/p3", "/v1/products/p4"] == [
        request.path for request in bounded.requests
    ]
    assert (5, 1000) == (len(unbounded.requests), Emulator().requests.maxlen)
