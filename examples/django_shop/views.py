"""The shop's views, on one `Quickshops` client made when the module is imported.

One module-level client serves every request of a process: it is safe to share between
threads, and after a fork (gunicorn's workers, ``--preload`` or not) each process opens
its own connections. It needs no lock, no lazy creation and no closing at exit. It reads
``QUICKSHOPS_API_KEY`` (or ``HEADLESS_API_KEY``) and ``QUICKSHOPS_BASE_URL``; the
storefront reads ``SITE_URL``, where the checkout returns. A test swaps `shop` and
`orders` for its own: ``storefront(client)`` and ``OrderBook(secret)``.
"""

# --8<-- [start:client]
from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from examples import pages
from examples.orders import OrderBook, webhook_secret
from quickshops import Quickshops, QuickshopsError
from quickshops.storefront import Storefront
from quickshops.webhooks import SIGNATURE_HEADER

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest


def storefront(qs: Quickshops) -> Storefront:
    """The shop's storefront on `qs`: a paid checkout returns to /success, else to /."""
    return Storefront(qs, success_path="/success", cancel_path="/")


shop = storefront(Quickshops())
orders = OrderBook(webhook_secret())


# --8<-- [end:client]


# --8<-- [start:home]
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The store, its products and the visitor's cart."""
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
    page = pages.home(shop.load_catalog(), shop.cart(request.COOKIES), form_fields=csrf)
    return HttpResponse(page)


# --8<-- [end:home]


# --8<-- [start:add-to-cart]
@require_POST
def add_to_cart(request: HttpRequest) -> HttpResponse:
    """Add one of the posted product to the cart (a new cart if needed); 303 to ``/``."""
    cart = shop.add_to_cart(request.COOKIES, request.POST.get("product_id", ""))
    response = see_other("/")
    shop.save_cart(response, cart)  # HttpOnly, SameSite=Lax, Secure on an https site
    return response


# --8<-- [end:add-to-cart]


# --8<-- [start:checkout]
@require_POST
def buy_now(request: HttpRequest) -> HttpResponse:
    """303 to a checkout of one of the posted product, without a cart."""
    return see_other(shop.buy_now(request.POST.get("product_id", "")).url)


@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    """303 to a new checkout of the cart (a checkout URL is used once); home if empty."""
    cart = shop.cart(request.COOKIES)
    if cart is None or not cart.lines:
        return see_other("/")
    return see_other(shop.checkout_cart(cart.id).url)


# --8<-- [end:checkout]


# --8<-- [start:success]
@require_GET
def success(request: HttpRequest) -> HttpResponse:
    """Where a paid checkout returns: what was bought; the cart cookie forgotten."""
    details = shop.checkout_session(request.GET.get("session_id", ""))
    response = HttpResponse(pages.success(details, orders.matching(details)))
    if details.payment_status == "paid":
        shop.forget_cart(response)  # the next visit starts a new cart
    return response


# --8<-- [end:success]


# --8<-- [start:webhook]
@csrf_exempt  # Quickshops signs its webhooks instead
@require_POST
def receive_webhook(request: HttpRequest) -> HttpResponse:
    """Verify a Quickshops webhook and fulfil each order once."""
    status, body = orders.receive(request.body, request.headers.get(SIGNATURE_HEADER))
    return JsonResponse(body, status=status)


# --8<-- [end:webhook]


# --8<-- [start:see-other]
def see_other(url: str) -> HttpResponse:
    """A 303 to `url`: after a POST, the browser follows it with a GET."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


# --8<-- [end:see-other]


# --8<-- [start:errors]
class QuickshopsErrors:
    """Middleware: an error of the API is a 400 page (refused) or a 502 (failed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        """Answer the request as the views do."""
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answer a `QuickshopsError` with its page; leave any other error to Django."""
        if not isinstance(exception, QuickshopsError):
            return None
        status, page = pages.problem(exception)
        return HttpResponse(page, status=status)


# --8<-- [end:errors]
