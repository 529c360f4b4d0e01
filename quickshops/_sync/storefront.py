# Generated from quickshops/_async/storefront.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""`Storefront`: what every storefront writes around the API, for an async client.

The cart cookie, finding or making the visitor's cart, the checkout redirects built
from the site's URL, buy now, and the catalogue with its fallback. Published as
`quickshops.storefront`; the sync `Storefront` is generated from this module.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
)
from .._models import Catalog
from .._storefront import CART_COOKIE, DEFAULT_COOKIE_MAX_AGE, Settings, SyncLock, one_after_another
from ._client import Quickshops

if TYPE_CHECKING:
    from .._models import Cart, CheckoutSession, CheckoutSessionDetails
    from ._fleet import SharedCatalog

__all__ = ["Storefront"]

# When GET /catalog fails with one of these, the store and the products are read instead.
_CATALOG_FALLBACK = (
    NotFoundError,
    InternalServerError,
    APIConnectionError,
    APIResponseValidationError,
)


class Storefront:
    """The storefront helpers for an `Quickshops`: cart cookie, checkout, catalogue.

    ```python
    shop = Storefront(qs, site_url="https://shop.example")
    cart = shop.add_to_cart(request.cookies, product_id, quantity=2)
    shop.save_cart(response, cart)
    session = shop.checkout_cart(cart.id)
    ```

    Args:
        client: The client the storefront calls through.
        site_url: The site's absolute URL, for the checkout redirects; by default the
            environment variable ``SITE_URL``. Checked when first needed.
        success_path: Where a paid checkout returns (with ``?session_id=...``).
        cancel_path: Where an abandoned checkout returns.
        cookie_name: The cart cookie's name; `CART_COOKIE` (``qs_cart_id``) as the
            official JavaScript SDK names it.
        cookie_max_age: The cart cookie's lifetime in seconds (14 days).
        secure_cookie: Whether the cookie is sent over https only; by default, whether
            `site_url` is https.
        catalog_max_age: Seconds `load_catalog` keeps the catalogue, shared by every
            call of this storefront; 0 keeps none.
        catalog_storage: A storage URL (``redis://host:6379/0``, ``rediss://``,
            ``valkey://``) where the catalogue is kept for `catalog_max_age`, shared by
            every process that uses it, and refreshed by one of them at a time; None
            (or ``memory://``) keeps it in this storefront. Needs
            ``pip install "quickshops[redis]"``; its connections close with the client.

    Raises:
        InvalidRequestError: A client of the other kind, or an invalid argument.
    """

    def __init__(
        self,
        client: Quickshops,
        *,
        site_url: str | None = None,
        success_path: str = "/success",
        cancel_path: str = "/cart",
        cookie_name: str = CART_COOKIE,
        cookie_max_age: int = DEFAULT_COOKIE_MAX_AGE,
        secure_cookie: bool | None = None,
        catalog_max_age: float = 0.0,
        catalog_storage: str | None = None,
    ) -> None:
        if not isinstance(client, Quickshops):
            raise InvalidRequestError(
                f"{type(self).__name__} works with a client of type {Quickshops.__name__}, "
                f"not {type(client).__name__}: the other client has a storefront of its own."
            )
        self.client = client
        """The client the storefront calls through."""
        self._settings = Settings(
            site_url=site_url,
            success_path=success_path,
            cancel_path=cancel_path,
            cookie_name=cookie_name,
            cookie_max_age=cookie_max_age,
            secure_cookie=secure_cookie,
            catalog_max_age=catalog_max_age,
            catalog_storage=catalog_storage,
        )
        self._catalog: tuple[float, Catalog] | None = None
        self._refresh = SyncLock()
        self._clock = time.monotonic
        self._shared: SharedCatalog | None = None
        if self._settings.catalog_storage is not None:
            from .._storage import scope
            from ._fleet import SharedCatalog

            config = client._config
            self._shared = SharedCatalog(
                self._settings.catalog_storage,
                scope(config.api_key, config.base_url),
                self._settings.catalog_max_age,
                self._clock,
            )
            client._shared.storages.append(self._shared)  # closed with the client

    @property
    def site_url(self) -> str:
        """The site's URL, without a trailing slash.

        Raises:
            InvalidRequestError: None given and ``SITE_URL`` unset, or not an absolute
                http(s) URL.
        """
        return self._settings.site_url

    def redirects(self) -> tuple[str, str]:
        """The checkout's success and cancel URLs, built from `site_url`.

        The success URL carries ``?session_id={CHECKOUT_SESSION_ID}``, which Stripe fills
        in, so the success page can read the session.
        """
        return self._settings.redirects()

    def cart_id(self, cookies: Mapping[str, str]) -> str | None:
        """The id in the cart cookie, stripped; None when there is none (no I/O).

        Args:
            cookies: The request's cookies (``request.COOKIES``, ``request.cookies``).
        """
        return self._settings.cart_id(cookies)

    def cart(self, cookies: Mapping[str, str]) -> Cart | None:
        """The cart the cookie names; None without a cookie, or for a cart that is gone.

        A stale or forged cookie is the visitor's input, never an error page.

        Args:
            cookies: The request's cookies.
        """
        cart_id = self.cart_id(cookies)
        if cart_id is None:
            return None
        try:
            return self.client.cart.get(cart_id)
        except NotFoundError:
            return None

    def add_to_cart(self, cookies: Mapping[str, str], product_id: str, quantity: int = 1) -> Cart:
        """Add a product to the visitor's cart, making the cart if there is none.

        With no cookie, or one naming a cart that is gone, a new cart is made holding
        the line, in one call. Save the cart's id with `save_cart`.

        Args:
            cookies: The request's cookies.
            product_id: The product to add.
            quantity: How many (1 or more).

        Raises:
            NotFoundError: The product does not exist.
        """
        cart_id = self.cart_id(cookies)
        if cart_id is not None:
            try:
                return self.client.cart.add_line(cart_id, product_id, quantity)
            except NotFoundError:
                if self.cart(cookies) is not None:
                    raise  # the cart is there: the product is not
        return self.client.cart.create(lines=[(product_id, quantity)])

    def save_cart(self, response: Any, cart: Cart | str) -> None:
        """Keep the cart's id in the cart cookie of `response` (no I/O).

        ``HttpOnly``, ``SameSite=Lax``, ``Path=/``, ``Secure`` as `secure_cookie` says,
        for `cookie_max_age` seconds; on Django's ``HttpResponse``, Werkzeug's (Flask's)
        ``Response`` and Starlette's ``Response`` as they are.

        Args:
            response: The response to set the cookie on.
            cart: The cart, or its id.
        """
        self._settings.save_cart(response, cart)

    def forget_cart(self, response: Any) -> None:
        """Delete the cart cookie on `response` (after a paid checkout, say; no I/O).

        Args:
            response: The response to delete the cookie on.
        """
        self._settings.forget_cart(response)

    def checkout_cart(self, cart_id: str) -> CheckoutSession:
        """A checkout session for the cart, returning to `redirects`' URLs.

        Args:
            cart_id: The cart to check out.
        """
        success_url, cancel_url = self.redirects()
        return self.client.checkout.create_session(
            cart_id, success_url=success_url, cancel_url=cancel_url
        )

    def buy_now(self, product_id: str, quantity: int = 1) -> CheckoutSession:
        """A checkout session for one product, without a cart.

        Args:
            product_id: The product to buy.
            quantity: How many (1 or more).
        """
        success_url, cancel_url = self.redirects()
        return self.client.checkout.create_session(
            product_id=product_id,
            quantity=quantity,
            success_url=success_url,
            cancel_url=cancel_url,
        )

    def checkout_session(self, session_id: str) -> CheckoutSessionDetails:
        """The checkout session the success page was given (``?session_id=...``).

        Args:
            session_id: The session's id.

        Raises:
            InvalidRequestError: A blank id, before any request.
        """
        if not isinstance(session_id, str) or not session_id.strip():
            raise InvalidRequestError(
                f"session_id must be the id the success URL carried, not {session_id!r}."
            )
        return self.client.checkout.get_session(session_id.strip())

    def load_catalog(self) -> Catalog:
        """The store and its products, for a page.

        ``GET /catalog``; when that fails with `NotFoundError`, `InternalServerError`,
        `APIConnectionError` or `APIResponseValidationError`, the store and the products
        are read instead, at once. Authentication, permission and rate-limit errors are
        not hidden. With `catalog_max_age`, the catalogue is kept that long and shared;
        when it is stale, one call refreshes it while the others wait for it. With
        `catalog_storage` too, it is kept in the storage and shared by every process,
        one refreshing it at a time; a storage that cannot be reached fails no call
        (the catalogue is then kept here, with one warning).
        """
        max_age = self._settings.catalog_max_age
        if not max_age:
            return self._fetch_catalog()
        kept = self._kept(max_age)
        if kept is not None:
            return kept
        with self._refresh:
            kept = self._kept(max_age)  # refreshed, perhaps, while this call waited
            if kept is not None:
                return kept
            shared = self._shared
            if shared is not None and shared.usable():
                found = shared.get(self._fetch_catalog)
                if found is not None:  # kept here until the shared one expires
                    catalog, left = found
                    self._catalog = (self._clock() - max_age + left, catalog)
                    return catalog
            catalog = self._fetch_catalog()
            self._catalog = (self._clock(), catalog)
            return catalog

    def _kept(self, max_age: float) -> Catalog | None:
        """The catalogue kept here, if younger than `max_age` seconds."""
        kept = self._catalog
        return kept[1] if kept is not None and self._clock() - kept[0] < max_age else None

    def _fetch_catalog(self) -> Catalog:
        try:
            return self.client.catalog.get()
        except _CATALOG_FALLBACK:
            store, products = one_after_another(self.client.store.get, self.client.products.list)
            return Catalog(store, tuple(products), request_id=store.request_id)
