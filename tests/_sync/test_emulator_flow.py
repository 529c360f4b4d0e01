# Generated from tests/_async/test_emulator_flow.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""The whole storefront flow against the emulator, in memory and over loopback HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from quickshops import (
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    Quickshops,
    testing,
)
from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    MEMBER_SESSION_ID,
    PHYSICAL_PRODUCT_ID,
    PUBLIC_KEY,
    SECRET_KEY,
    Emulator,
    EmulatorServer,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

Shop = tuple[Quickshops, Emulator]


@pytest.fixture(params=["mock-transport", "loopback-http"])
def shop(request: pytest.FixtureRequest) -> Iterator[Shop]:
    """A client and the emulator answering it, through either adapter.

    Both wait out their backoff (through the `sleeps` fixture, where a test asks).
    """
    emulator = Emulator()
    if request.param == "mock-transport":
        with testing.client(emulator, instant_retries=False) as qs:
            yield qs, emulator
    else:
        with EmulatorServer(emulator) as server:
            with Quickshops(api_key=SECRET_KEY, base_url=server.url) as qs:
                yield qs, emulator


def test_storefront_flow(shop: Shop) -> None:
    """Store, products, a cart changed line by line, checkout and portal all work."""
    qs, emulator = shop

    assert (qs.health.check()).ok
    store = qs.store.get()
    products = qs.products.list()
    cart = qs.cart.create()
    qs.cart.add_line(cart.id, PHYSICAL_PRODUCT_ID, 2)
    qs.cart.add_line(cart.id, DIGITAL_PRODUCT_ID)
    qs.cart.update_line(cart.id, PHYSICAL_PRODUCT_ID, 3)
    cart = qs.cart.get(cart.id)
    session = qs.checkout.create_session(
        cart.id, success_url="https://shop.example/thanks?s={CHECKOUT_SESSION_ID}"
    )
    assert session.session_id is not None
    details = qs.checkout.get_session(session.session_id)
    portal = qs.subscription.create_portal_session(MEMBER_SESSION_ID)
    emptied = qs.cart.remove_line(cart.id, PHYSICAL_PRODUCT_ID)
    cleared = qs.cart.clear(cart.id)

    assert store.payments_configured
    assert {PHYSICAL_PRODUCT_ID, DIGITAL_PRODUCT_ID} <= {p.id for p in products}
    assert 3 * 1250 + 1999 == cart.totals.total
    assert {(PHYSICAL_PRODUCT_ID, 3), (DIGITAL_PRODUCT_ID, 1)} == {
        (line.product_id, line.quantity) for line in cart.lines
    }
    pages = emulator.pages_url or "https://"  # served over HTTP: the emulator's own pages
    assert session.url.startswith(pages)
    assert (cart.totals.total, 2) == (details.amount_total, len(details.line_items or ()))
    assert portal.url.startswith(pages)
    assert [DIGITAL_PRODUCT_ID] == [line.product_id for line in emptied.lines]
    assert (0, ()) == (cleared.totals.total, cleared.lines)


def test_seeded_cart_and_direct_checkout(shop: Shop) -> None:
    """A cart seeded with lines, and a checkout of one product, need no cart changes."""
    qs, emulator = shop

    cart = qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 2)])
    session = qs.checkout.create_session(product_id=DIGITAL_PRODUCT_ID, quantity=1)

    assert 2 * 1999 == cart.totals.subtotal
    assert session.url.startswith(emulator.pages_url or "https://")


@pytest.mark.parametrize("style", ["flat", "detailed", "nested"])
@pytest.mark.parametrize("envelope", [True, False])
def test_every_body_style_is_understood(shop: Shop, style: str, envelope: bool) -> None:
    """Whatever body style the emulator uses, results and errors decode the same."""
    qs, emulator = shop
    emulator.error_style = style  # type: ignore[assignment]
    emulator.envelope = envelope

    product = qs.products.get(DIGITAL_PRODUCT_ID)
    with pytest.raises(NotFoundError) as caught:
        qs.cart.get("cart_missing")

    assert DIGITAL_PRODUCT_ID == product.id
    assert "NOT_FOUND" == caught.value.code
    assert emulator.requests[-1].request_id == caught.value.request_id


def test_documented_errors(shop: Shop) -> None:
    """A public key cannot reach a cart; an empty cart cannot be checked out."""
    qs, _ = shop
    public = qs.with_options(api_key=PUBLIC_KEY)

    with pytest.raises(PermissionDeniedError) as forbidden:
        public.cart.create()
    cart = qs.cart.create()
    with pytest.raises(BadRequestError):
        qs.checkout.create_session(cart.id)

    assert "public key" in forbidden.value.message
    assert (public.store.get()).name


@pytest.mark.parametrize(
    "route",
    [
        "POST /cart",
        "POST /cart/{cartId}/lines",
        "POST /checkout/session",
        "PATCH /cart/{cartId}/lines/{productId}",
    ],
)
def test_dropped_response_is_applied_once(shop: Shop, sleeps: list[float], route: str) -> None:
    """A response lost after the change was applied is retried without applying it twice."""
    qs, emulator = shop
    cart = qs.cart.create(lines=[(PHYSICAL_PRODUCT_ID, 1)])
    before = emulator.effects[route]
    emulator.faults.drop_next(route)

    if route == "POST /cart":
        cart = qs.cart.create(lines=[(PHYSICAL_PRODUCT_ID, 1)])
    elif route == "POST /cart/{cartId}/lines":
        cart = qs.cart.add_line(cart.id, PHYSICAL_PRODUCT_ID)
    elif route == "POST /checkout/session":
        qs.checkout.create_session(cart.id)
    else:
        cart = qs.cart.update_line(cart.id, PHYSICAL_PRODUCT_ID, 5)

    assert before + 1 == emulator.effects[route]
    assert 1 == len(sleeps)
    expected = {"POST /cart/{cartId}/lines": 2, "PATCH /cart/{cartId}/lines/{productId}": 5}
    assert expected.get(route, 1) == (qs.cart.get(cart.id)).lines[0].quantity
