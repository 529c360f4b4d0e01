"""An async FastAPI shop on `quickshops.storefront`: catalogue, cart cookie, checkout, webhook.

Run it with ``python examples/fastapi_app.py`` and open http://127.0.0.1:8000 (``PORT``
changes the port). With ``QUICKSHOPS_API_KEY`` (or ``HEADLESS_API_KEY``) set it calls
your store, reading ``SITE_URL`` (where the checkout returns) and
``QUICKSHOPS_WEBHOOK_SECRET`` too; without, the SDK's emulator is served in their place
(`examples.demo`), so it needs no key and no network. In production:
``uvicorn examples.fastapi_app:app``.

One `AsyncQuickshops` serves every request: the lifespan opens it at startup, from the
environment, and closes it at shutdown; routes get the `AsyncStorefront` around it by
dependency injection. The secret key stays on the server: the browser only ever sees
the cart cookie and the checkout URLs.
"""

from __future__ import annotations

import contextlib
import os
import urllib.parse
from typing import TYPE_CHECKING, Annotated, TypedDict

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from examples import pages
from examples.demo import emulator_unless_configured
from examples.orders import WEBHOOK_PATH, OrderBook, webhook_secret
from quickshops import AsyncQuickshops, Catalog, QuickshopsError
from quickshops.storefront import AsyncStorefront
from quickshops.webhooks import SIGNATURE_HEADER

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

MAX_FORM_BYTES = 4096  # the forms carry one product id


# --8<-- [start:lifespan]
class State(TypedDict):
    """What the lifespan shares with every request, as ``request.state``."""

    shop: AsyncStorefront
    orders: OrderBook


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[State]:
    """Open the one client, from the environment, for as long as the app runs."""
    orders = OrderBook(webhook_secret())
    async with AsyncQuickshops() as qs:
        yield {
            "shop": AsyncStorefront(qs, success_path="/success", cancel_path="/"),
            "orders": orders,
        }


def storefront(request: Request) -> AsyncStorefront:
    """The app's storefront (a dependency: ``shop: Shop``)."""
    shop: AsyncStorefront = request.state.shop
    return shop


Shop = Annotated[AsyncStorefront, Depends(storefront)]
router = APIRouter()


# --8<-- [end:lifespan]


# --8<-- [start:home]
@router.get("/", response_class=HTMLResponse)
async def home(request: Request, shop: Shop) -> str:
    """The store, its products and the visitor's cart."""
    return pages.home(await shop.load_catalog(), await shop.cart(request.cookies))


@router.get("/api/catalog")
async def catalog(shop: Shop) -> Catalog:
    """The catalogue as JSON: the SDK's models are FastAPI response models."""
    return await shop.load_catalog()


# --8<-- [end:home]


# --8<-- [start:cart]
@router.post("/cart/add")
async def add_to_cart(request: Request, shop: Shop) -> Response:
    """Add one of the posted product to the cart (a new cart if needed); 303 to ``/``."""
    product_id = (await read_form(request)).get("product_id", "")
    cart = await shop.add_to_cart(request.cookies, product_id)
    response = RedirectResponse("/", status_code=303)
    shop.save_cart(response, cart)  # HttpOnly, SameSite=Lax, Secure on an https site
    return response


# --8<-- [end:cart]


# --8<-- [start:checkout]
@router.post("/buy")
async def buy_now(request: Request, shop: Shop) -> Response:
    """303 to a checkout of one of the posted product, without a cart."""
    session = await shop.buy_now((await read_form(request)).get("product_id", ""))
    return RedirectResponse(session.url, status_code=303)


@router.post("/checkout")
async def checkout(request: Request, shop: Shop) -> Response:
    """303 to a new checkout of the cart (a checkout URL is used once); home if empty."""
    cart = await shop.cart(request.cookies)
    if cart is None or not cart.lines:
        return RedirectResponse("/", status_code=303)
    session = await shop.checkout_cart(cart.id)
    return RedirectResponse(session.url, status_code=303)


# --8<-- [end:checkout]


# --8<-- [start:success]
@router.get("/success", response_class=HTMLResponse)
async def success(request: Request, shop: Shop, session_id: str = "") -> Response:
    """Where a paid checkout returns: what was bought; the cart cookie forgotten."""
    details = await shop.checkout_session(session_id)
    orders: OrderBook = request.state.orders
    response = HTMLResponse(pages.success(details, orders.matching(details)))
    if details.payment_status == "paid":
        shop.forget_cart(response)  # the next visit starts a new cart
    return response


# --8<-- [end:success]


# --8<-- [start:webhook]
@router.post(WEBHOOK_PATH)
async def receive_webhook(request: Request) -> Response:
    """Verify a Quickshops webhook and fulfil each order once."""
    orders: OrderBook = request.state.orders
    status, body = orders.receive(await request.body(), request.headers.get(SIGNATURE_HEADER))
    return JSONResponse(body, status_code=status)


# --8<-- [end:webhook]


# --8<-- [start:errors]
async def quickshops_error(request: Request, error: Exception) -> Response:
    """400 for a request the API refused, 502 when it failed."""
    status, page = pages.problem(error)
    return HTMLResponse(page, status_code=status)


# --8<-- [end:errors]


# --8<-- [start:form]
async def read_form(request: Request) -> dict[str, str]:
    """Parse a small urlencoded form (FastAPI's ``Form`` would need python-multipart)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace"), max_num_fields=10))


# --8<-- [end:form]


# --8<-- [start:app]
def create_app() -> FastAPI:
    """Build the shop; its client is made from the environment at startup."""
    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)
    app.include_router(router)
    app.add_exception_handler(QuickshopsError, quickshops_error)
    return app


app = create_app()
"""The app, for ``uvicorn examples.fastapi_app:app``."""


# --8<-- [end:app]


# --8<-- [start:main]
if __name__ == "__main__":
    port = os.environ.get("PORT", "8000")
    with emulator_unless_configured(port):
        uvicorn.run(app, host="127.0.0.1", port=int(port))  # loopback only
# --8<-- [end:main]
