"""A Flask shop whose checkout button redirects (303) to a checkout session made server-side.

Run it with ``python examples/flask_app.py`` and open http://127.0.0.1:5000 (``PORT``
changes the port). With ``QUICKSHOPS_API_KEY`` (or ``HEADLESS_API_KEY``) set it calls
the real API; without, the SDK's built-in emulator answers, so it needs no key and no
network. The sync ``Quickshops`` client suits Flask: one client, created at startup,
serves every request (it is safe to share between threads) and is closed at exit.
"""

from __future__ import annotations

import html
import os

from flask import Flask, redirect, request
from werkzeug.wrappers import Response

from quickshops import (
    BadRequestError,
    Cart,
    InvalidRequestError,
    NotFoundError,
    Quickshops,
    QuickshopsError,
    UnprocessableEntityError,
)
from quickshops.testing import client as emulator_client

CART_COOKIE = "cart_id"
"""The cookie holding the shopper's cart id."""
CART_MAX_AGE = 30 * 24 * 3600  # keep a cart for a month


def client_from_environment() -> Quickshops:
    """Return a client of the real API when a key is set, else of the built-in emulator."""
    if os.environ.get("QUICKSHOPS_API_KEY") or os.environ.get("HEADLESS_API_KEY"):
        return Quickshops()  # the key and base URL come from the environment
    print(
        "No QUICKSHOPS_API_KEY or HEADLESS_API_KEY set: the shop runs against the built-in "
        "emulator (quickshops.testing), with fake Stripe URLs.",
        flush=True,
    )
    return emulator_client()


def create_app(qs: Quickshops) -> Flask:
    """Build the shop on ``qs``, which the caller closes."""
    app = Flask(__name__)

    def load_cart() -> Cart | None:
        """Return the cart named by the cookie, or None when there is none (or it expired)."""
        cart_id = request.cookies.get(CART_COOKIE)
        if not cart_id:
            return None
        try:
            return qs.cart.get(cart_id)
        except NotFoundError:
            return None

    @app.get("/")
    def home() -> str:
        """List the products with an "Add to cart" button each, and the cart."""
        products = qs.products.list()
        cards = "".join(
            f"<li>{esc(p.name)} ({p.price_in_cents / 100:.2f} {esc(p.currency.upper())})"
            '<form method="post" action="/cart/add">'
            f'<input type="hidden" name="product_id" value="{esc(p.id)}">'
            '<button type="submit">Add to cart</button></form></li>'
            for p in products
        )
        cart = load_cart()
        names = {p.id: p.name for p in products}
        lines = "".join(
            f"<li>{esc(names.get(line.product_id, line.product_id))} &times; {line.quantity}</li>"
            for line in (cart.lines if cart else ())
        )
        checkout = (
            '<form method="post" action="/checkout"><button type="submit">Checkout</button></form>'
            if lines
            else "<p>Your cart is empty.</p>"
        )
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>'
            f"</head><body><h1>Products</h1><ul>{cards}</ul>"
            f"<h2>Your cart</h2><ul>{lines}</ul>{checkout}</body></html>"
        )

    @app.post("/cart/add")
    def add_to_cart() -> Response:
        """Add one of the posted product to the cart (a new cart if needed); 303 to ``/``."""
        product_id = request.form.get("product_id", "")
        cart_id = request.cookies.get(CART_COOKIE)
        cart: Cart | None = None
        if cart_id:
            try:
                cart = qs.cart.add_line(cart_id, product_id)
            except NotFoundError:  # an expired cart, or an unknown product: retried below
                cart = None
        if cart is None:
            cart = qs.cart.create(lines=[(product_id, 1)])
        response = redirect("/", code=303)
        # httpOnly: page scripts cannot read it; SameSite=Lax: other sites cannot post
        # our forms with it.
        response.set_cookie(
            CART_COOKIE,
            cart.id,
            max_age=CART_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
        return response

    @app.post("/checkout")
    def checkout() -> Response:
        """Create a checkout session for the cart and 303 to its URL (a new one each time)."""
        cart = load_cart()
        if cart is None or not cart.lines:
            return redirect("/", code=303)
        # success_url / cancel_url (absolute https) bring the shopper back to your site.
        session = qs.checkout.create_session(cart.id)
        return redirect(session.url, code=303)

    @app.errorhandler(QuickshopsError)
    def quickshops_error(error: QuickshopsError) -> tuple[str, int]:
        """Answer 400 for a request the API refused, 502 when the API failed."""
        refused = (InvalidRequestError, BadRequestError, NotFoundError, UnprocessableEntityError)
        status = 400 if isinstance(error, refused) else 502
        return f"<h1>Sorry, that did not work</h1><p>{esc(str(error))}</p>", status

    return app


def esc(text: str) -> str:
    """Escape text for HTML content and quoted attributes."""
    return html.escape(text, quote=True)


if __name__ == "__main__":
    with client_from_environment() as client:
        # Flask's development server, on loopback only; PORT picks another port.
        create_app(client).run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
