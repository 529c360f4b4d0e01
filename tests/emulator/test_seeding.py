"""Shaping the emulator for a test: products, members, store fields, overridden handlers."""

from __future__ import annotations

from typing import Any

import pytest

from quickshops import BadRequestError, InternalServerError, Product
from quickshops.testing import DIGITAL_PRODUCT_ID, Emulator, client
from quickshops.testing._handlers import Request


def test_an_added_product_is_sold_like_a_seeded_one() -> None:
    """add_product puts a product with every contract key in the catalogue; it can be bought."""
    emulator = Emulator()
    product_id = emulator.add_product(
        "Poster",
        2500,
        type="physical",
        category="prints",
        details=["A2"],
        image_url="https://x/p.png",
    )

    with client(emulator) as qs:
        product = qs.products.get(product_id)
        cart = qs.cart.create(lines=[(product_id, 2)])
        listed = [p.id for p in qs.products.list()]

    assert (
        Product(
            id=product_id,
            store_id="store_emulator",
            name="Poster",
            price_in_cents=2500,
            currency="usd",
            type="physical",
            is_active=True,
            category="prints",
            details=("A2",),
            image_url="https://x/p.png",
        )
        == product
    )
    assert product_id.startswith("prod_")
    assert product_id in listed
    assert 5000 == cart.totals.total
    assert set(emulator.products[DIGITAL_PRODUCT_ID]) == set(emulator.products[product_id])


def test_an_added_subscription_bills_monthly_by_default_and_an_id_can_be_chosen() -> None:
    """A subscription without billing_interval is monthly; product_id names it."""
    emulator = Emulator()
    emulator.add_product(
        "Club (yearly)", 9000, product_id="prod_year", type="subscription", billing_interval="year"
    )
    emulator.add_product("Club", 900, product_id="prod_month", type="subscription")
    emulator.add_product("Hidden", 100, product_id="prod_hidden", is_active=False)

    with client(emulator) as qs:
        assert "year" == qs.products.get("prod_year").billing_interval
        assert "month" == qs.products.get("prod_month").billing_interval
        assert "prod_hidden" not in [p.id for p in qs.products.list()]
        with pytest.raises(BadRequestError, match="not an active product"):
            qs.cart.create(lines=[("prod_hidden", 1)])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"price_in_cents": -1}, "must be >= 0"),
        ({"price_in_cents": 9.99}, "must be an integer"),
        ({"price_in_cents": True}, "must be an integer"),
        ({"price_in_cents": 100, "product_id": DIGITAL_PRODUCT_ID}, "already exists"),
    ],
)
def test_add_product_refuses_bad_products(arguments: dict[str, Any], message: str) -> None:
    """A negative or fractional price, or a taken id, is refused."""
    emulator = Emulator()
    before = dict(emulator.products)

    with pytest.raises(ValueError, match=message):
        emulator.add_product("Bad", **arguments)
    assert before == emulator.products


def test_an_added_member_opens_a_portal() -> None:
    """add_member makes a member session the portal and the subscription list know."""
    emulator = Emulator()
    emulator.add_member("msess_ada", customer_email="ada@example.com")

    with client(emulator) as qs:
        portal = qs.subscription.create_portal_session("msess_ada")
        members = qs.subscription.list()
    assert isinstance(members, list)

    assert "msess_ada" == emulator.portal_sessions[portal.url.rsplit("/", 1)[1]]
    assert {
        "memberSessionId": "msess_ada",
        "productId": "prod_club_monthly",
        "customerEmail": "ada@example.com",
        "status": "active",
    } in members


def test_add_member_needs_a_subscription_product() -> None:
    """A member of a product that is not a subscription is refused."""
    emulator = Emulator()

    with pytest.raises(ValueError, match="not a subscription product"):
        emulator.add_member("msess_x", product_id=DIGITAL_PRODUCT_ID)
    with pytest.raises(ValueError, match="not a subscription product"):
        emulator.add_member("msess_x", product_id="prod_nope")


def test_store_fields_are_set_by_their_sdk_names() -> None:
    """update_store takes the names of quickshops.Store and writes the wire names."""
    emulator = Emulator()
    emulator.update_store(
        name="Ada's Shop", contact_phone="+44 20 7946 0000", payments_configured=False
    )

    with client(emulator) as qs:
        store = qs.store.get()
        with pytest.raises(BadRequestError, match="Payments are not configured"):
            qs.checkout.create_session(product_id=DIGITAL_PRODUCT_ID)

    assert ("Ada's Shop", "+44 20 7946 0000", False) == (
        store.name,
        store.contact_phone,
        store.payments_configured,
    )
    assert emulator.payments_configured is False
    emulator.payments_configured = True
    assert emulator.store["paymentsConfigured"] is True


def test_an_unknown_store_field_names_the_real_ones() -> None:
    """A typo is a TypeError listing the fields; nothing is changed."""
    emulator = Emulator()
    before = dict(emulator.store)

    with pytest.raises(TypeError, match=r"not a store field: nmae; the fields are id, slug, name"):
        emulator.update_store(nmae="x")
    assert before == emulator.store


def test_a_subclass_overrides_a_handler() -> None:
    """Handlers are looked up on the instance: a subclass's override answers its route."""

    class Broken(Emulator):
        def handle_products_get(self, request: Request) -> Any:
            return {**super().handle_products_get(request), "name": "Overridden"}

    emulator = Broken()
    with client(emulator) as qs:
        assert "Overridden" == qs.products.get(DIGITAL_PRODUCT_ID).name


def test_an_instance_attribute_overrides_a_handler_too() -> None:
    """A handler set on one emulator, as a plain function, answers for that emulator only."""
    emulator = Emulator()

    def failing(request: Request) -> Any:
        from quickshops.testing._replies import APIError

        raise APIError(500, "INTERNAL_ERROR", "the test broke it")

    emulator.handle_store_get = failing  # type: ignore[method-assign]
    with (
        client(emulator, max_retries=0) as qs,
        pytest.raises(InternalServerError, match="the test broke it"),
    ):
        qs.store.get()
    with client(Emulator()) as qs:
        assert "Emulator Shop" == qs.store.get().name
