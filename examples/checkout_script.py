"""Build a cart and print a Stripe-hosted checkout URL, with the sync client.

Run it with ``python examples/checkout_script.py``. With ``QUICKSHOPS_API_KEY`` (or
``HEADLESS_API_KEY``) set, it calls your store through the real API (and
``QUICKSHOPS_BASE_URL`` if set); without, it starts the SDK's emulator on a free
loopback port and calls that, so it needs no key and no network.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

from quickshops import Quickshops, QuickshopsError
from quickshops.testing import SECRET_KEY, EmulatorServer

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextlib.contextmanager
def open_client() -> Iterator[Quickshops]:
    """Yield a client of the real API when a key is set, else of an emulator on loopback."""
    if os.environ.get("QUICKSHOPS_API_KEY") or os.environ.get("HEADLESS_API_KEY"):
        with Quickshops() as qs:  # the key and base URL come from the environment
            yield qs
        return
    with EmulatorServer() as server, Quickshops(api_key=SECRET_KEY, base_url=server.url) as qs:
        print(f"No QUICKSHOPS_API_KEY or HEADLESS_API_KEY set: using the emulator at {server.url}")
        yield qs


def money(minor_units: int, currency: str) -> str:
    """Format an amount in minor units, e.g. ``19.99 USD`` (two-decimal currencies)."""
    return f"{minor_units / 100:.2f} {currency.upper()}"


def main() -> int:
    """Create a cart with two one-off products and print its checkout URL; return 0."""
    with open_client() as qs:
        store = qs.store.get()
        print(f"Store: {store.name}")
        products = [product for product in qs.products.list() if product.type != "subscription"]
        if not products:
            print("The store has no one-off products to buy.", file=sys.stderr)
            return 1
        cart = qs.cart.create()
        for product in products[:2]:
            cart = qs.cart.add_line(cart.id, product.id, quantity=1)
            print(f"Added: {product.name}, {money(product.price_in_cents, product.currency)}")
        print(f"Cart {cart.id}: total {money(cart.totals.total, cart.totals.currency)}")
        # success_url and cancel_url are optional: pass your own https pages, e.g.
        # success_url="https://shop.example/thanks?session_id={CHECKOUT_SESSION_ID}".
        session = qs.checkout.create_session(cart.id)
        print(f"Checkout URL: {session.url}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except QuickshopsError as error:  # its message names the status, code and request id
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
