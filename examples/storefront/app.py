"""An async storefront on the Quickshops Headless API, with Starlette and uvicorn.

Run it with ``python examples/storefront/app.py`` and open http://127.0.0.1:8000
(``PORT`` changes the port). Without ``QUICKSHOPS_API_KEY`` or ``HEADLESS_API_KEY``
in the environment it runs against the SDK's built-in emulator, so it needs no key
and no network.

- ``GET /`` lists the products and the cart;
- ``POST /cart/add`` adds a product, keeping the cart id in an httpOnly cookie;
- ``POST /checkout`` creates a Stripe-hosted checkout session, server-side, and
  answers 303 to its URL;
- ``POST /portal`` does the same for the Stripe billing portal of a member;
- ``GET /thanks`` is where Stripe sends the shopper back after paying.

The secret key stays on the server: the browser only ever sees the cart id and the
Stripe URLs. One ``AsyncQuickshops`` serves every request; the lifespan opens it at
startup and closes it at shutdown.
"""

from __future__ import annotations

import contextlib
import html
import os
import urllib.parse
from typing import TYPE_CHECKING, TypedDict

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from quickshops import (
    AsyncQuickshops,
    BadRequestError,
    Cart,
    InvalidRequestError,
    NotFoundError,
    Product,
    QuickshopsError,
    UnprocessableEntityError,
)
from quickshops.testing import MEMBER_SESSION_ID, async_client

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

CART_COOKIE = "cart_id"
"""The cookie holding the shopper's cart id."""
MEMBER_COOKIE = "member_session"
"""The cookie holding a signed-in member's Quickshops member session id."""
CART_MAX_AGE = 30 * 24 * 3600  # keep a cart for a month
MAX_FORM_BYTES = 4096  # our forms carry one product id


class State(TypedDict):
    """What the lifespan shares with every request, as ``request.state``."""

    qs: AsyncQuickshops
    demo_member_session_id: str | None


def api_key_in_environment() -> bool:
    """Whether the environment names a key, so the app should call the real API."""
    return bool(os.environ.get("QUICKSHOPS_API_KEY") or os.environ.get("HEADLESS_API_KEY"))


def client_from_environment() -> AsyncQuickshops:
    """Return a client of the real API when a key is set, else of the built-in emulator."""
    if api_key_in_environment():
        # Reads QUICKSHOPS_API_KEY (or HEADLESS_API_KEY) and QUICKSHOPS_BASE_URL.
        return AsyncQuickshops()
    print(
        "No QUICKSHOPS_API_KEY or HEADLESS_API_KEY set: the storefront runs against the "
        "built-in emulator (quickshops.testing), with fake Stripe URLs.",
        flush=True,
    )
    return async_client()


def create_app(make_client: Callable[[], AsyncQuickshops] = client_from_environment) -> Starlette:
    """Build the storefront; ``make_client`` is called once, at startup.

    Args:
        make_client: Returns the client every request shares; the app closes it at
            shutdown. Tests pass one bound to their own emulator.

    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[State]:
        async with make_client() as qs:
            # A member session id comes from Quickshops when a member signs in; your
            # sign-in flow would keep it in the httpOnly MEMBER_COOKIE. This demo has
            # no sign-in, so against the emulator everyone is its seeded member.
            demo_member = None if api_key_in_environment() else MEMBER_SESSION_ID
            yield {"qs": qs, "demo_member_session_id": demo_member}

    return Starlette(
        routes=[
            Route("/", home, methods=["GET"], name="home"),
            Route("/cart/add", add_to_cart, methods=["POST"]),
            Route("/checkout", checkout, methods=["POST"]),
            Route("/portal", portal, methods=["POST"]),
            Route("/thanks", thanks, methods=["GET"], name="thanks"),
        ],
        lifespan=lifespan,
        exception_handlers={QuickshopsError: quickshops_error},
    )


async def home(request: Request) -> Response:
    """List the store's products, each with an "Add to cart" button, and the cart."""
    qs: AsyncQuickshops = request.state.qs
    store = await qs.store.get()
    products = await qs.products.list()
    cart = await load_cart(qs, request.cookies.get(CART_COOKIE))
    body = (
        f"<header><h1>{esc(store.name)}</h1><p>{esc(store.description or '')}</p></header>"
        '<main><section class="products"><h2>Products</h2><ul class="grid">'
        f"{''.join(product_card(product) for product in products)}</ul></section>"
        f"{cart_panel(cart, {product.id: product for product in products})}</main>"
        '<footer><form method="post" action="/portal">'
        '<button type="submit" class="link">Manage subscription</button></form></footer>'
    )
    response = HTMLResponse(page(store.name, body))
    if cart is None and CART_COOKIE in request.cookies:
        response.delete_cookie(CART_COOKIE)  # the cart expired or was deleted
    return response


async def add_to_cart(request: Request) -> Response:
    """Add one of the posted product to the cart (a new cart if needed), then 303 to ``/``."""
    qs: AsyncQuickshops = request.state.qs
    product_id = (await read_form(request)).get("product_id", "")
    cart_id = request.cookies.get(CART_COOKIE)
    cart: Cart | None = None
    if cart_id:
        with contextlib.suppress(NotFoundError):  # an expired cart: start a new one
            cart = await qs.cart.add_line(cart_id, product_id)
    if cart is None:
        cart = await qs.cart.create(lines=[(product_id, 1)])
    response = RedirectResponse("/", status_code=303)
    # httpOnly: page scripts cannot read the cart id. SameSite=Lax: other sites cannot
    # post our forms with it, which is this demo's protection against CSRF.
    response.set_cookie(
        CART_COOKIE,
        cart.id,
        max_age=CART_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


async def checkout(request: Request) -> Response:
    """Create a checkout session for the cart and 303 to it; an empty cart goes back to ``/``.

    Each press creates a new session: a checkout URL is used once, never cached.
    """
    qs: AsyncQuickshops = request.state.qs
    cart = await load_cart(qs, request.cookies.get(CART_COOKIE))
    if cart is None or not cart.lines:
        return RedirectResponse("/", status_code=303)
    success_url = cancel_url = None
    if request.url.scheme == "https":  # Stripe only sends shoppers back to https pages
        thanks_url = str(request.url_for("thanks"))
        success_url = f"{thanks_url}?session_id={{CHECKOUT_SESSION_ID}}"  # Stripe fills it in
        cancel_url = str(request.url_for("home"))
    session = await qs.checkout.create_session(
        cart.id, success_url=success_url, cancel_url=cancel_url
    )
    return RedirectResponse(session.url, status_code=303)


async def portal(request: Request) -> Response:
    """303 to the Stripe billing portal of the signed-in member, or 401 when nobody is."""
    qs: AsyncQuickshops = request.state.qs
    member_session_id = request.cookies.get(MEMBER_COOKIE) or request.state.demo_member_session_id
    if not member_session_id:
        body = "<h1>Sign in first</h1><p>Only members can manage a subscription.</p>"
        return HTMLResponse(page("Sign in", body), status_code=401)
    session = await qs.subscription.create_portal_session(member_session_id)
    return RedirectResponse(session.url, status_code=303)


async def thanks(request: Request) -> Response:
    """Show the checkout session Stripe sent the shopper back from."""
    qs: AsyncQuickshops = request.state.qs
    details = await qs.checkout.get_session(request.query_params.get("session_id", ""))
    amount = money(details.amount_total or 0, details.currency or "")
    body = (
        "<h1>Thank you!</h1>"
        f"<p>Order {esc(details.id)}: {esc(details.payment_status)}, {esc(amount)}.</p>"
        '<p><a href="/">Back to the shop</a></p>'
    )
    return HTMLResponse(page("Thank you", body))


async def quickshops_error(request: Request, error: Exception) -> Response:
    """Answer 400 for a request the API refused, 502 when the API failed."""
    refused = (InvalidRequestError, BadRequestError, NotFoundError, UnprocessableEntityError)
    status = 400 if isinstance(error, refused) else 502
    # str(error) names the status, the code and the request id to quote to support;
    # it never contains the key.
    body = f"<h1>Sorry, that did not work</h1><p>{esc(str(error))}</p><p><a href='/'>Back</a></p>"
    return HTMLResponse(page("Error", body), status_code=status)


async def load_cart(qs: AsyncQuickshops, cart_id: str | None) -> Cart | None:
    """Return the cart named by the cookie, or None when there is none (or it expired)."""
    if not cart_id:
        return None
    try:
        return await qs.cart.get(cart_id)
    except NotFoundError:
        return None


async def read_form(request: Request) -> dict[str, str]:
    """Parse a small urlencoded form (``request.form()`` would need python-multipart)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields = urllib.parse.parse_qsl(body.decode("utf-8", "replace"), max_num_fields=10)
    return dict(fields)


def product_card(product: Product) -> str:
    """Render one product with its "Add to cart" form."""
    price = money(product.price_in_cents, product.currency)
    if product.billing_interval:
        price += f" / {product.billing_interval}"
    image = ""
    if product.image_url:
        image = f'<img src="{esc(product.image_url)}" alt="" width="64" height="64">'
    return (
        f'<li class="product" data-product-id="{esc(product.id)}">{image}'
        f"<h3>{esc(product.name)}</h3><p class='price'>{esc(price)}</p>"
        f"<p>{esc(product.description or '')}</p>"
        '<form method="post" action="/cart/add">'
        f'<input type="hidden" name="product_id" value="{esc(product.id)}">'
        '<button type="submit">Add to cart</button></form></li>'
    )


def cart_panel(cart: Cart | None, products: dict[str, Product]) -> str:
    """Render the cart, with a "Checkout" button when it has lines."""
    if cart is None or not cart.lines:
        return '<aside id="cart"><h2>Your cart</h2><p>Your cart is empty.</p></aside>'
    items = []
    for line in cart.lines:
        product = line.product or products.get(line.product_id)
        name = product.name if product else line.product_id
        items.append(f'<li class="line">{esc(name)} &times; {line.quantity}</li>')
    total = money(cart.totals.total, cart.totals.currency)
    return (
        f'<aside id="cart"><h2>Your cart</h2><ul>{"".join(items)}</ul>'
        f'<p class="total">Total: {esc(total)}</p>'
        '<form method="post" action="/checkout">'
        '<button type="submit" class="primary">Checkout</button></form></aside>'
    )


def money(minor_units: int, currency: str) -> str:
    """Format an amount in minor units, e.g. ``19.99 USD`` (two-decimal currencies)."""
    return f"{minor_units / 100:.2f} {currency.upper()}"


def esc(text: str) -> str:
    """Escape text for HTML content and quoted attributes."""
    return html.escape(text, quote=True)


def page(title: str, body: str) -> str:
    """Wrap ``body`` (already escaped) in the page layout."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1f2933; }
main { display: grid; grid-template-columns: 2fr 1fr; gap: 2rem; align-items: start; }
.grid { list-style: none; padding: 0; display: grid; gap: 1rem;
        grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); }
.product, #cart { border: 1px solid #d9e2ec; border-radius: 8px; padding: 1rem; }
.product h3 { margin: 0 0 .25rem; }
.price { font-weight: 600; }
#cart { background: #f5f7fa; }
#cart h2 { margin-top: 0; }
button { font: inherit; padding: .4rem .9rem; border-radius: 6px; cursor: pointer;
         border: 1px solid #9fb3c8; background: white; }
button.primary { background: #2563eb; border-color: #2563eb; color: white; }
button.link { border: none; background: none; color: #2563eb; padding: 0; }
footer { margin-top: 2rem; }
"""

app = create_app()
"""The app, for ``uvicorn app:app --app-dir examples/storefront`` too."""


if __name__ == "__main__":
    # Loopback only: this is a demo. PORT picks another port.
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
