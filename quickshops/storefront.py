"""Storefront helpers: what every Python web app on Quickshops writes around the API.

The Python counterpart of the official JavaScript SDK's ``useStore()``, for Django,
Flask and FastAPI/Starlette alike: the cart cookie, finding or making the visitor's
cart, the checkout redirects built from the site's URL, buy now, the catalogue with
its fallback, and prices to show.

```python
from quickshops.storefront import CART_COOKIE, AsyncStorefront, Storefront, format_money

shop = Storefront(qs, site_url="https://shop.example")  # qs: a Quickshops
cart = shop.add_to_cart(request.COOKIES, product_id, quantity=2)
shop.save_cart(response, cart)
session = shop.checkout_cart(cart.id)  # redirect the browser to session.url
```
"""

from ._async.storefront import AsyncStorefront
from ._exports import publish as _publish
from ._storefront import CART_COOKIE, format_money
from ._sync.storefront import Storefront

__all__ = ["CART_COOKIE", "AsyncStorefront", "Storefront", "format_money"]

_publish(globals(), __name__, __all__)
