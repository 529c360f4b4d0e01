"""A Flask shop on the storefront helpers: a cart in a cookie, a 303 to checkout.

Run it with ``python examples/flask_app.py`` and open http://127.0.0.1:5000 (``PORT``
changes the port; ``SITE_URL``, the address the checkout returns to, defaults to it).
With ``QUICKSHOPS_API_KEY`` (or ``HEADLESS_API_KEY``) set it calls the real API;
without, the SDK's built-in emulator answers, so it needs no key and no network. The
sync ``Quickshops`` client suits Flask: one client, created at startup, serves every
request (it is safe to share between threads) and is closed at exit. The
`quickshops.storefront.Storefront` around it keeps the cart cookie, finds or makes the
visitor's cart and builds the checkout's return URLs.
"""

from __future__ import annotations

import html
import os

from flask import Flask, make_response, redirect, request
from werkzeug.wrappers import Response

from quickshops import (
    BadRequestError,
    InvalidRequestError,
    NotFoundError,
    Quickshops,
    QuickshopsError,
    UnprocessableEntityError,
)
from quickshops.storefront import Storefront, format_money
from quickshops.testing import client as emulator_client


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


def create_app(qs: Quickshops, site_url: str | None = None) -> Flask:
    """Build the shop on ``qs``, which the caller closes.

    `site_url` is where the checkout returns to: by default ``SITE_URL``, else the
    development server's own address.
    """
    app = Flask(__name__)
    port = os.environ.get("PORT", "5000")
    site = site_url or os.environ.get("SITE_URL") or f"http://127.0.0.1:{port}"
    shop = Storefront(qs, site_url=site, success_path="/success", cancel_path="/")

    @app.get("/")
    def home() -> str:
        """List the products with an "Add to cart" button each, and the cart."""
        products = qs.products.list()
        cards = "".join(
            f"<li>{esc(p.name)} ({esc(format_money(p.price_in_cents, p.currency))})"
            '<form method="post" action="/cart/add">'
            f'<input type="hidden" name="product_id" value="{esc(p.id)}">'
            '<button type="submit">Add to cart</button></form></li>'
            for p in products
        )
        cart = shop.cart(request.cookies)
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
        cart = shop.add_to_cart(request.cookies, request.form.get("product_id", ""))
        response = redirect("/", code=303)
        shop.save_cart(response, cart)  # HttpOnly, SameSite=Lax, Secure on an https site
        return response

    @app.post("/checkout")
    def checkout() -> Response:
        """Create a checkout session for the cart and 303 to its URL (a new one each time)."""
        cart = shop.cart(request.cookies)
        if cart is None or not cart.lines:
            return redirect("/", code=303)
        return redirect(shop.checkout_cart(cart.id).url, code=303)

    @app.get("/success")
    def success() -> Response:
        """Where a paid checkout returns: its status, and the cart cookie forgotten."""
        details = shop.checkout_session(request.args.get("session_id", ""))
        paid = details.payment_status == "paid"
        total = format_money(details.amount_total or 0, details.currency or "usd")
        response = make_response(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Thanks</title>'
            f"</head><body><h1>{'Thank you!' if paid else 'Payment pending'}</h1>"
            f"<p>{esc(total)}, {esc(details.customer_email or '')}</p>"
            '<p><a href="/">Back to the shop</a></p></body></html>'
        )
        if paid:
            shop.forget_cart(response)  # the next visit starts a new cart
        return response

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
