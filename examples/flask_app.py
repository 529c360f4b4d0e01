"""A Flask shop on `quickshops.storefront`: catalogue, cart cookie, checkout, webhook.

Run it with ``python -m examples.flask_app`` and open http://127.0.0.1:5000 (``PORT``
changes the port). With ``QUICKSHOPS_API_KEY`` (or ``HEADLESS_API_KEY``) set it calls
your store, reading ``SITE_URL`` (where the checkout returns) and
``QUICKSHOPS_WEBHOOK_SECRET`` too; without, the SDK's emulator is served in their place
(`examples.demo`), so it needs no key and no network.

One `Quickshops` client serves every request of a process: it is safe to share between
threads, and after a fork (gunicorn's workers) each process gets its own connections.
``create_app()`` makes it from the environment; a test passes its own. In production:
``gunicorn 'examples.flask_app:create_app()'``.
"""

from __future__ import annotations

import os

# --8<-- [start:factory]
from flask import Flask, make_response, redirect, request
from werkzeug.wrappers import Response

from examples import pages
from examples.demo import emulator_unless_configured
from examples.orders import WEBHOOK_PATH, OrderBook, webhook_secret
from quickshops import Quickshops, QuickshopsError
from quickshops.storefront import Storefront
from quickshops.webhooks import SIGNATURE_HEADER


def create_app(qs: Quickshops | None = None) -> Flask:
    """Build the shop on `qs`, by default a client made from the environment.

    Raises:
        RuntimeError: ``QUICKSHOPS_WEBHOOK_SECRET`` is not set.
    """
    app = Flask(__name__)
    shop = Storefront(qs or Quickshops(), success_path="/success", cancel_path="/")
    orders = OrderBook(webhook_secret())
    app.extensions.update(storefront=shop, orders=orders)

    # --8<-- [end:factory]

    # --8<-- [start:home]
    @app.get("/")
    def home() -> str:
        """The store, its products and the visitor's cart."""
        return pages.home(shop.load_catalog(), shop.cart(request.cookies))

    # --8<-- [end:home]

    # --8<-- [start:add-to-cart]
    @app.post("/cart/add")
    def add_to_cart() -> Response:
        """Add one of the posted product to the cart (a new cart if needed); 303 to ``/``."""
        cart = shop.add_to_cart(request.cookies, request.form.get("product_id", ""))
        response = redirect("/", code=303)
        shop.save_cart(response, cart)  # HttpOnly, SameSite=Lax, Secure on an https site
        return response

    # --8<-- [end:add-to-cart]

    # --8<-- [start:checkout]
    @app.post("/buy")
    def buy_now() -> Response:
        """303 to a checkout of one of the posted product, without a cart."""
        return redirect(shop.buy_now(request.form.get("product_id", "")).url, code=303)

    @app.post("/checkout")
    def checkout() -> Response:
        """303 to a new checkout of the cart (a checkout URL is used once); home if empty."""
        cart = shop.cart(request.cookies)
        if cart is None or not cart.lines:
            return redirect("/", code=303)
        return redirect(shop.checkout_cart(cart.id).url, code=303)

    # --8<-- [end:checkout]

    # --8<-- [start:success]
    @app.get("/success")
    def success() -> Response:
        """Where a paid checkout returns: what was bought; the cart cookie forgotten."""
        details = shop.checkout_session(request.args.get("session_id", ""))
        response = make_response(pages.success(details, orders.matching(details)))
        if details.payment_status == "paid":
            shop.forget_cart(response)  # the next visit starts a new cart
        return response

    # --8<-- [end:success]

    # --8<-- [start:webhook]
    @app.post(WEBHOOK_PATH)
    def receive_webhook() -> tuple[dict[str, object], int]:
        """Verify a Quickshops webhook and fulfil each order once."""
        status, body = orders.receive(request.get_data(), request.headers.get(SIGNATURE_HEADER))
        return body, status

    # --8<-- [end:webhook]

    # --8<-- [start:errors]
    @app.errorhandler(QuickshopsError)
    def quickshops_error(error: QuickshopsError) -> tuple[str, int]:
        """400 for a request the API refused, 502 when it failed."""
        status, page = pages.problem(error)
        return page, status

    return app


# --8<-- [end:errors]


# --8<-- [start:main]
if __name__ == "__main__":
    port = os.environ.get("PORT", "5000")
    with emulator_unless_configured(port), Quickshops() as client:
        # Flask's development server, on loopback only.
        create_app(client).run(host="127.0.0.1", port=int(port))


# --8<-- [end:main]
