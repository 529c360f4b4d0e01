"""The HTML the three example shops share, so that each shop's module is its framework's part.

Everything from the API is escaped; prices go through `quickshops.storefront.format_money`.
Each form posts to the same paths in every shop: ``/cart/add``, ``/buy`` and ``/checkout``.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from quickshops import BadRequestError, InvalidRequestError, NotFoundError, UnprocessableEntityError
from quickshops.storefront import format_money

if TYPE_CHECKING:
    from quickshops import Cart, Catalog, CheckoutSessionDetails, Product
    from quickshops.webhooks import CompletedOrder

# What the API refused because of what the shopper sent: a 400 page; anything else, 502.
REFUSED = (InvalidRequestError, BadRequestError, NotFoundError, UnprocessableEntityError)


def home(catalog: Catalog, cart: Cart | None, *, form_fields: str = "") -> str:
    """The store, its products with "Add to cart" and "Buy now", and the visitor's cart.

    Args:
        catalog: The store and its products.
        cart: The visitor's cart, if any.
        form_fields: HTML put in every form (Django's CSRF token input).
    """
    store = catalog.store
    products = {product.id: product for product in catalog.products}
    cards = "".join(product_card(product, form_fields) for product in catalog.products)
    body = (
        f"<header><h1>{esc(store.name or '')}</h1><p>{esc(store.description or '')}</p></header>"
        f'<main><section class="products"><h2>Products</h2><ul class="grid">{cards}</ul>'
        f"</section>{cart_panel(cart, products, form_fields)}</main>"
    )
    return page(store.name or "Shop", body)


def product_card(product: Product, form_fields: str = "") -> str:
    """One product with its "Add to cart" and "Buy now" forms."""
    price = format_money(product.price_in_cents, product.currency)
    if product.billing_interval:
        price += f" / {product.billing_interval}"
    image = ""
    if product.image_url:
        image = f'<img src="{esc(product.image_url)}" alt="" width="64" height="64">'
    field = f'<input type="hidden" name="product_id" value="{esc(product.id)}">{form_fields}'
    return (
        f'<li class="product" data-product-id="{esc(product.id)}">{image}'
        f'<h3>{esc(product.name)}</h3><p class="price">{esc(price)}</p>'
        f"<p>{esc(product.description or '')}</p>"
        f'<form method="post" action="/cart/add">{field}<button type="submit">Add to cart</button>'
        f'</form><form method="post" action="/buy">{field}'
        '<button type="submit" class="link">Buy now</button></form></li>'
    )


def cart_panel(cart: Cart | None, products: dict[str, Product], form_fields: str = "") -> str:
    """The cart's lines and total, with a "Checkout" button when it has lines."""
    if cart is None or not cart.lines:
        return '<aside id="cart"><h2>Your cart</h2><p>Your cart is empty.</p></aside>'
    items = []
    for line in cart.lines:
        product = line.product or products.get(line.product_id)
        name = product.name if product else line.product_id
        items.append(f'<li class="line">{esc(name)} &times; {line.quantity}</li>')
    total = format_money(cart.totals.total, cart.totals.currency)
    return (
        f'<aside id="cart"><h2>Your cart</h2><ul>{"".join(items)}</ul>'
        f'<p class="total">Total: {esc(total)}</p>'
        f'<form method="post" action="/checkout">{form_fields}'
        '<button type="submit" class="primary">Checkout</button></form></aside>'
    )


def success(details: CheckoutSessionDetails, order: CompletedOrder | None) -> str:
    """The success page: what the checkout session says was bought, and the order if known.

    The session is the truth of what was bought; the order is the webhook's, paired by
    email and amount (`examples.orders.OrderBook.matching`), and may not have come yet.
    """
    paid = details.payment_status == "paid"
    amount = format_money(details.amount_total or 0, details.currency or "usd")
    items = "".join(
        f'<li class="item">{esc(item.name or item.product_id or "")} &times; {item.quantity}</li>'
        for item in details.line_items or ()
    )
    if order is not None:
        status = f'<p id="fulfilled">Order {esc(order.order_id)} is on its way.</p>'
    else:  # the webhook may arrive after the shopper does
        status = '<p id="fulfilled">We are preparing your order.</p>'
    body = (
        f"<h1>{'Thank you!' if paid else 'Payment pending'}</h1>"
        f'<p id="session">Checkout {esc(details.id)}: {esc(details.payment_status or "unknown")}, '
        f"{esc(amount)}.</p><ul>{items}</ul>{status}"
        '<p><a href="/">Back to the shop</a></p>'
    )
    return page("Thank you" if paid else "Payment pending", body)


def problem(error: Exception) -> tuple[int, str]:
    """The status and page for a `QuickshopsError`: 400 when the API refused, 502 when it failed.

    ``str(error)`` names the status, the code and the request id to quote to support; it
    never holds the key.
    """
    status = 400 if isinstance(error, REFUSED) else 502
    body = f"<h1>Sorry, that did not work</h1><p>{esc(str(error))}</p><p><a href='/'>Back</a></p>"
    return status, page("Error", body)


def esc(text: str) -> str:
    """Escape text for HTML content and quoted attributes."""
    return html.escape(text, quote=True)


def page(title: str, body: str) -> str:
    """Wrap `body` (already escaped) in the page layout."""
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
.product form { display: inline; margin-right: .5rem; }
.price { font-weight: 600; }
#cart { background: #f5f7fa; }
#cart h2 { margin-top: 0; }
button { font: inherit; padding: .4rem .9rem; border-radius: 6px; cursor: pointer;
         border: 1px solid #9fb3c8; background: white; }
button.primary { background: #2563eb; border-color: #2563eb; color: white; }
button.link { border: none; background: none; color: #2563eb; padding: 0; }
"""
