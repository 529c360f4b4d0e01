"""What the storefronts share without I/O: the cart cookie, the redirects, money, locks.

`quickshops.storefront` publishes `CART_COOKIE` and `format_money` from here; the two
storefronts (`quickshops/_async/storefront.py`, and the sync one generated from it)
read their settings through `Settings`.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._args import integer
from ._config import is_token, positive_seconds
from ._exceptions import InvalidRequestError
from ._storage import storage_url

if TYPE_CHECKING:
    from types import TracebackType

    from ._models import Cart

A = TypeVar("A")
B = TypeVar("B")

CART_COOKIE = "qs_cart_id"
"""The cart cookie's name, as the official JavaScript SDK names it: a JS and a Python
front end can share a visitor's cart."""

SITE_URL_ENV_VAR = "SITE_URL"
"""The environment variable a storefront's `site_url` defaults to."""

DEFAULT_COOKIE_MAX_AGE = 14 * 24 * 60 * 60
"""Fourteen days, as the official JavaScript SDK keeps its cart cookie."""

# ISO 4217: the currencies whose minor unit is not a hundredth.
_EXPONENTS = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "KRW": "₩"}


def format_money(amount: int, currency: str) -> str:
    """An amount in minor units as a price to show: ``format_money(1999, "usd")`` is ``"$19.99"``.

    The number of decimals is the currency's (ISO 4217): two for USD and EUR, none for
    JPY and KRW (``"¥1,999"``), three for KWD and BHD (``"KWD 1.999"``); thousands are
    grouped with commas. USD, EUR, GBP, JPY and KRW show their symbol; any other
    currency its code, and an unknown code two decimals.

    Args:
        amount: The amount in the currency's minor unit (cents for USD), as the API
            gives prices (`Product.price_in_cents`, `CartTotals.total`).
        currency: The ISO 4217 code, in any case (the API sends ``"usd"``).

    Raises:
        InvalidRequestError: An amount that is not an integer, or a code that is not
            three letters.
    """
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise InvalidRequestError(f"amount must be an integer of minor units, not {amount!r}.")
    if not isinstance(currency, str) or not re.fullmatch("[A-Za-z]{3}", currency):
        raise InvalidRequestError(f"currency must be a three-letter code, not {currency!r}.")
    code = currency.upper()
    exponent = _EXPONENTS.get(code, 2)
    units, minor = divmod(abs(amount), 10**exponent)
    number = f"{units:,}" + (f".{minor:0{exponent}d}" if exponent else "")
    sign = "-" if amount < 0 else ""
    symbol = _SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{code} {number}"


def site_url_of(site_url: str | None) -> str:
    """The site's absolute http(s) URL, without a trailing slash; by default ``SITE_URL``.

    Raises:
        InvalidRequestError: None given and ``SITE_URL`` unset, or not an absolute http(s)
            URL.
    """
    source = "site_url"
    if site_url is None:
        site_url, source = os.environ.get(SITE_URL_ENV_VAR) or None, SITE_URL_ENV_VAR
        if site_url is None:
            raise InvalidRequestError(
                "A storefront needs its site's URL for the checkout redirects: pass "
                "site_url='https://shop.example' or set the environment variable "
                f"{SITE_URL_ENV_VAR}."
            )
    if not isinstance(site_url, str) or not re.fullmatch(
        r"https?://[^/?#\s]+(/[^?#\s]*)?", site_url
    ):
        raise InvalidRequestError(
            f"{source} must be an absolute http(s) URL such as 'https://shop.example' "
            f"(the environment variable {SITE_URL_ENV_VAR} by default), not {site_url!r}."
        )
    return site_url[:-1] if site_url.endswith("/") else site_url


class Settings:
    """A storefront's settings, checked as it is made (but `site_url`, when first needed)."""

    def __init__(
        self,
        *,
        site_url: str | None,
        success_path: str,
        cancel_path: str,
        cookie_name: str,
        cookie_max_age: int,
        secure_cookie: bool | None,
        catalog_max_age: float,
        catalog_storage: str | None = None,
    ) -> None:
        for name, path in (("success_path", success_path), ("cancel_path", cancel_path)):
            if not isinstance(path, str) or re.search(r"[\s#]", path):
                raise InvalidRequestError(f"{name} must be a path such as '/cart', not {path!r}.")
        if not is_token(cookie_name):
            raise InvalidRequestError(f"cookie_name must be a cookie name, not {cookie_name!r}.")
        integer("cookie_max_age", cookie_max_age, 0)
        if secure_cookie is not None and not isinstance(secure_cookie, bool):
            raise InvalidRequestError(
                f"secure_cookie must be True, False or None, not {secure_cookie!r}."
            )
        if catalog_max_age != 0 and positive_seconds(catalog_max_age) is None:
            raise InvalidRequestError(
                f"catalog_max_age must be seconds (0 keeps no catalogue), not {catalog_max_age!r}."
            )
        self._site_url = site_url
        self._checked_site_url: str | None = None
        self.success_path = success_path if success_path.startswith("/") else f"/{success_path}"
        self.cancel_path = cancel_path if cancel_path.startswith("/") else f"/{cancel_path}"
        self.cookie_name = cookie_name
        self.cookie_max_age = cookie_max_age
        self.secure_cookie = secure_cookie
        self.catalog_max_age = float(catalog_max_age)
        self.catalog_storage = storage_url("catalog_storage", catalog_storage)
        if self.catalog_storage is not None and not self.catalog_max_age:
            raise InvalidRequestError(
                "catalog_storage keeps the catalogue for catalog_max_age seconds: set "
                "catalog_max_age too (60, say)."
            )

    @property
    def site_url(self) -> str:
        """The site's URL, checked the first time it is needed."""
        if self._checked_site_url is None:
            self._checked_site_url = site_url_of(self._site_url)
        return self._checked_site_url

    def redirects(self) -> tuple[str, str]:
        """The checkout's success and cancel URLs."""
        site = self.site_url
        return (
            f"{site}{self.success_path}?session_id={{CHECKOUT_SESSION_ID}}",
            f"{site}{self.cancel_path}",
        )

    def cart_id(self, cookies: Mapping[str, str]) -> str | None:
        """The cart cookie's value, stripped; None when absent or blank."""
        value = cookies.get(self.cookie_name)
        if not isinstance(value, str):
            return None
        return value.strip() or None

    def save_cart(self, response: Any, cart: Cart | str) -> None:
        """Set the cart cookie on `response` (Django's, Werkzeug's or Starlette's)."""
        cart_id = cart if isinstance(cart, str) else cart.id
        secure = self.secure_cookie
        if secure is None:
            secure = self.site_url.startswith("https://")
        response.set_cookie(
            self.cookie_name,
            cart_id,
            max_age=self.cookie_max_age,
            path="/",
            httponly=True,
            samesite="lax",
            secure=secure,
        )

    def forget_cart(self, response: Any) -> None:
        """Delete the cart cookie on `response`."""
        response.delete_cookie(self.cookie_name, path="/")


class AsyncLock:
    """A lock for one event loop's tasks, made on first use (anyio's)."""

    def __init__(self) -> None:
        self._lock: Any = None

    async def __aenter__(self) -> None:
        if self._lock is None:
            import anyio

            self._lock = anyio.Lock()
        await self._lock.acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()


class SyncLock:
    """A lock for threads (the sync storefront's)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._lock.release()


async def concurrently(
    first: Callable[[], Awaitable[A]], second: Callable[[], Awaitable[B]]
) -> tuple[A, B]:
    """Await both at once and return both results; the first error of either is raised.

    Each error is caught in its own task, so none leaves as an exception group.
    """
    import anyio

    results: list[Any] = [None, None]
    errors: list[Exception | None] = [None, None]

    async def run(index: int, function: Callable[[], Awaitable[Any]]) -> None:
        try:
            results[index] = await function()
        except Exception as exc:  # raised below, outside the task group
            errors[index] = exc

    async with anyio.create_task_group() as group:
        group.start_soon(run, 0, first)
        group.start_soon(run, 1, second)
    for error in errors:
        if error is not None:
            raise error
    return results[0], results[1]


def one_after_another(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """Call one, then the other (the sync storefront's `concurrently`)."""
    return first(), second()
