"""An async storefront on the Quickshops Headless API, with FastAPI and uvicorn.

Run it with ``python examples/storefront/app.py`` and open http://127.0.0.1:8000
(``PORT`` changes the port). Without ``QUICKSHOPS_API_KEY`` or ``HEADLESS_API_KEY``
in the environment it serves the SDK's emulator on loopback and runs against it, so it
needs no key and no network: its checkout page takes the "payment", and its webhook
comes back to this app.

- ``GET /`` lists the products and the cart;
- ``POST /cart/add`` adds a product, keeping the cart id in an httpOnly cookie;
- ``POST /checkout`` creates a Stripe-hosted checkout session, server-side, and
  answers 303 to its URL;
- ``GET /thanks`` is where checkout sends the shopper back after paying;
- ``POST /webhooks/quickshops`` receives Quickshops' webhooks, verifies them, and
  fulfils each ``order.completed`` exactly once, however often it is delivered;
- ``POST /portal`` 303s a member to the Stripe billing portal.

The secret key stays on the server: the browser only ever sees the cart id and the
Stripe URLs. One ``AsyncQuickshops`` serves every request: the lifespan opens it at
startup and closes it at shutdown, and routes get it by dependency injection.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import os
import threading
import urllib.parse
from typing import TYPE_CHECKING, Annotated, TypedDict

import uvicorn
from fastapi import Cookie, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from quickshops import (
    AsyncQuickshops,
    BadRequestError,
    Cart,
    InvalidRequestError,
    NotFoundError,
    Product,
    QuickshopsError,
    UnprocessableEntityError,
    webhooks,
)
from quickshops.testing import MEMBER_SESSION_ID, SECRET_KEY, EmulatorServer

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from contextlib import AbstractAsyncContextManager

CART_COOKIE = "cart_id"
"""The cookie holding the shopper's cart id."""
MEMBER_COOKIE = "member_session"
"""The cookie holding a signed-in member's Quickshops member session id."""
CART_MAX_AGE = 30 * 24 * 3600  # keep a cart for a month
MAX_FORM_BYTES = 4096  # our forms carry one product id
DEMO_WEBHOOK_SECRET = "whsec_storefront_demo"  # noqa: S105  (the emulator's, not a real one)
"""The signing secret used against the built-in emulator, when none is configured."""
WEBHOOK_PATH = "/webhooks/quickshops"


class Fulfilment:
    """The orders this shop has fulfilled, by order id: each is fulfilled once.

    A real shop keeps these in its database, with the order id as a unique key, and
    fulfils in the same transaction that records the id.
    """

    def __init__(self) -> None:
        self.orders: dict[str, webhooks.CompletedOrder] = {}
        self.deliveries = 0
        self._lock = threading.Lock()

    def record(self, order: webhooks.CompletedOrder) -> bool:
        """Fulfil `order` unless it was already; return whether it was new."""
        with self._lock:
            self.deliveries += 1
            if order.order_id in self.orders:
                return False
            self.orders[order.order_id] = order  # ship it, email the download link...
            return True


class State(TypedDict):
    """What the lifespan shares with every request, as ``request.state``."""

    qs: AsyncQuickshops
    demo_member_session_id: str | None
    webhook_secret: str
    fulfilment: Fulfilment


def api_key_in_environment() -> bool:
    """Whether the environment names a key, so the app should call the real API."""
    return bool(os.environ.get("QUICKSHOPS_API_KEY") or os.environ.get("HEADLESS_API_KEY"))


@contextlib.asynccontextmanager
async def client_from_environment() -> AsyncIterator[AsyncQuickshops]:
    """A client of the real API when a key is set, else of an emulator served on loopback.

    The emulator's checkout page is real, and its webhooks come to this app's
    ``/webhooks/quickshops`` on ``PORT``.
    """
    if api_key_in_environment():
        # Reads QUICKSHOPS_API_KEY (or HEADLESS_API_KEY) and QUICKSHOPS_BASE_URL.
        async with AsyncQuickshops() as qs:
            yield qs
        return
    with EmulatorServer() as server:
        port = os.environ.get("PORT", "8000")
        server.emulator.add_webhook(f"http://127.0.0.1:{port}{WEBHOOK_PATH}", DEMO_WEBHOOK_SECRET)
        print(
            "No QUICKSHOPS_API_KEY or HEADLESS_API_KEY set: the storefront runs against the "
            f"built-in emulator (quickshops.testing), serving at {server.url}.",
            flush=True,
        )
        async with AsyncQuickshops(api_key=SECRET_KEY, base_url=server.url) as qs:
            yield qs


def create_app(
    make_client: Callable[[], AbstractAsyncContextManager[AsyncQuickshops]] = (
        client_from_environment
    ),
    *,
    webhook_secret: str | None = None,
) -> FastAPI:
    """Build the storefront; ``make_client`` is entered once, at startup.

    Args:
        make_client: Returns the client every request shares (an ``AsyncQuickshops``,
            or a context manager yielding one); the app closes it at shutdown. Tests
            pass one bound to their own emulator.
        webhook_secret: The signing secret of the webhook endpoint; default
            ``QUICKSHOPS_WEBHOOK_SECRET``, or the demo's against the emulator.

    """

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[State]:
        async with make_client() as qs:
            # A member session id comes from Quickshops when a member signs in; your
            # sign-in flow would keep it in the httpOnly MEMBER_COOKIE. This demo has
            # no sign-in, so against the emulator everyone is its seeded member.
            demo = not api_key_in_environment()
            secret = webhook_secret or os.environ.get("QUICKSHOPS_WEBHOOK_SECRET")
            yield {
                "qs": qs,
                "demo_member_session_id": MEMBER_SESSION_ID if demo else None,
                "webhook_secret": secret or DEMO_WEBHOOK_SECRET,
                "fulfilment": Fulfilment(),
            }

    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.add_api_route("/", home, methods=["GET"], name="home", response_class=HTMLResponse)
    app.add_api_route("/cart/add", add_to_cart, methods=["POST"])
    app.add_api_route("/checkout", checkout, methods=["POST"])
    app.add_api_route("/portal", portal, methods=["POST"])
    app.add_api_route("/thanks", thanks, methods=["GET"], name="thanks")
    app.add_api_route(WEBHOOK_PATH, receive_webhook, methods=["POST"])
    app.add_exception_handler(QuickshopsError, quickshops_error)
    return app


def quickshops_client(request: Request) -> AsyncQuickshops:
    """The app's one client (a dependency: ``qs: Client``)."""
    qs: AsyncQuickshops = request.state.qs
    return qs


Client = Annotated[AsyncQuickshops, Depends(quickshops_client)]
CartId = Annotated[str | None, Cookie(alias=CART_COOKIE)]
MemberSession = Annotated[str | None, Cookie(alias=MEMBER_COOKIE)]


async def home(request: Request, qs: Client, cart_id: CartId = None) -> Response:
    """List the store's products, each with an "Add to cart" button, and the cart."""
    store = await qs.store.get()
    products = await qs.products.list()
    cart = await load_cart(qs, cart_id)
    body = (
        f"<header><h1>{esc(store.name or '')}</h1><p>{esc(store.description or '')}</p></header>"
        '<main><section class="products"><h2>Products</h2><ul class="grid">'
        f"{''.join(product_card(product) for product in products)}</ul></section>"
        f"{cart_panel(cart, {product.id: product for product in products})}</main>"
        '<footer><form method="post" action="/portal">'
        '<button type="submit" class="link">Manage subscription</button></form></footer>'
    )
    response = HTMLResponse(page(store.name or "Shop", body))
    if cart is None and cart_id is not None:
        response.delete_cookie(CART_COOKIE)  # the cart expired or was deleted
    return response


async def add_to_cart(request: Request, qs: Client, cart_id: CartId = None) -> Response:
    """Add one of the posted product to the cart (a new cart if needed), then 303 to ``/``."""
    product_id = (await read_form(request)).get("product_id", "")
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


def can_return_to(request: Request) -> bool:
    """Whether checkout may send the shopper back here: https, or loopback for testing."""
    if request.url.scheme == "https":
        return True
    host = request.url.hostname or ""
    with contextlib.suppress(ValueError):
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    return False


async def checkout(request: Request, qs: Client, cart_id: CartId = None) -> Response:
    """Create a checkout session for the cart and 303 to it; an empty cart goes back to ``/``.

    Each press creates a new session: a checkout URL is used once, never cached.
    """
    cart = await load_cart(qs, cart_id)
    if cart is None or not cart.lines:
        return RedirectResponse("/", status_code=303)
    success_url = cancel_url = None
    if can_return_to(request):
        thanks_url = str(request.url_for("thanks"))
        success_url = f"{thanks_url}?session_id={{CHECKOUT_SESSION_ID}}"  # filled in by Stripe
        cancel_url = str(request.url_for("home"))
    session = await qs.checkout.create_session(
        cart.id, success_url=success_url, cancel_url=cancel_url
    )
    return RedirectResponse(session.url, status_code=303)


async def portal(request: Request, qs: Client, member: MemberSession = None) -> Response:
    """303 to the Stripe billing portal of the signed-in member, or 401 when nobody is."""
    member_session_id = member or request.state.demo_member_session_id
    if not member_session_id:
        body = "<h1>Sign in first</h1><p>Only members can manage a subscription.</p>"
        return HTMLResponse(page("Sign in", body), status_code=401)
    session = await qs.subscription.create_portal_session(member_session_id)
    return RedirectResponse(session.url, status_code=303)


async def thanks(request: Request, qs: Client, session_id: str = "") -> Response:
    """Show the checkout session the shopper came back from, and whether it is fulfilled."""
    details = await qs.checkout.get_session(session_id)
    amount = money(details.amount_total or 0, details.currency or "")
    fulfilment: Fulfilment = request.state.fulfilment
    fulfilled = [
        order
        for order in fulfilment.orders.values()
        if order.customer_email == details.customer_email
        and order.amount_in_cents == details.amount_total
    ]
    if fulfilled:
        status = f'<p id="fulfilled">Order {esc(fulfilled[-1].order_id)} is on its way.</p>'
    else:  # the webhook may arrive after the shopper does
        status = '<p id="fulfilled">We are preparing your order.</p>'
    body = (
        "<h1>Thank you!</h1>"
        f'<p id="session">Checkout {esc(details.id)}: {esc(details.payment_status or "unknown")}, '
        f"{esc(amount)}.</p>{status}"
        '<p><a href="/">Back to the shop</a></p>'
    )
    return HTMLResponse(page("Thank you", body))


async def receive_webhook(request: Request) -> Response:
    """Verify a Quickshops webhook and fulfil an ``order.completed`` once.

    The signature is checked on the raw body, before anything else; a bad one is a
    400 and nothing happens. A repeated delivery of an order already fulfilled is
    acknowledged (200) without fulfilling it again, so Quickshops stops retrying.
    """
    try:
        event = webhooks.construct_event(
            await request.body(),
            request.headers.get(webhooks.SIGNATURE_HEADER),
            request.state.webhook_secret,
            tolerance=3600,
        )
    except webhooks.InvalidWebhookError as error:
        return JSONResponse({"error": error.message}, status_code=400)
    new = False
    if isinstance(event.data, webhooks.CompletedOrder):
        new = request.state.fulfilment.record(event.data)
    return JSONResponse({"received": event.type, "fulfilled": new})


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
    """Parse a small urlencoded form (FastAPI's ``Form`` would need python-multipart)."""
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
