"""One function per route: validate the arguments, then describe the request. No I/O here.

Every argument is checked before anything is sent; a bad one raises
`InvalidRequestError` naming the argument and what is allowed. Path parameters are
percent-encoded as a single segment, so an id can never change which route is called.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

import httpx2

from ._config import is_header_safe
from ._exceptions import InvalidRequestError
from ._http import RequestSpec
from ._models import (
    Cart,
    CartLineInput,
    CheckoutSession,
    CheckoutSessionDetails,
    Health,
    PortalSession,
    Product,
    Store,
    decode,
    decode_list,
)

T = TypeVar("T")
Decode = Callable[[Any, str, "str | None"], T]

_MAX_INT = 2**31 - 1  # the largest quantity or limit the SDK sends


def _id(name: str, value: object) -> str:
    """Return `value` if it is a usable id: a non-empty string that UTF-8 can encode."""
    if isinstance(value, str) and value and _encodable(value):
        return value
    raise InvalidRequestError(f"{name} must be a non-empty string, not {value!r}.")


def _encodable(value: str) -> bool:
    """Tell whether `value` can be sent: a lone surrogate cannot be encoded."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _segment(name: str, value: object) -> str:
    """Return the id `value` encoded as exactly one path segment."""
    encoded = quote(_id(name, value), safe="")
    # "." and ".." are dot-segments that URL normalisation would remove.
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def _quantity(name: str, value: object, minimum: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= _MAX_INT:
        return value
    shown = (
        repr(value) if not isinstance(value, int) or abs(value) <= _MAX_INT else "one that large"
    )
    raise InvalidRequestError(
        f"{name} must be an integer from {minimum} to {_MAX_INT}, not {shown}."
    )


def _https_url(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        url = httpx2.URL(value) if isinstance(value, str) and _encodable(value) else None
    except httpx2.InvalidURL:
        url = None
    if url is None or url.scheme != "https" or not url.host:
        raise InvalidRequestError(
            f"{name} must be an absolute https URL such as 'https://shop.example/thanks', "
            f"not {value!r}."
        )
    return value


def _idempotency_key(value: str | None) -> str | None:
    if value is not None and (not isinstance(value, str) or not value or not is_header_safe(value)):
        raise InvalidRequestError(
            "idempotency_key must be a non-empty ASCII string without control characters, "
            f"not {value!r}."
        )
    return value


_HEALTH = partial(decode, Health)
_STORE = partial(decode, Store)
_PRODUCT = partial(decode, Product)
_PRODUCTS = partial(decode_list, Product)
_CART = partial(decode, Cart)
_CHECKOUT_SESSION = partial(decode, CheckoutSession)
_SESSION_DETAILS = partial(decode, CheckoutSessionDetails)
_PORTAL_SESSION = partial(decode, PortalSession)


def _read(
    route: str, path: str, decode: Decode[T], params: dict[str, str] | None = None
) -> RequestSpec[T]:
    """Describe a GET of `route` (``"GET /template"``) at `path`."""
    return RequestSpec("GET", path, route, decode, params=params)


def _mutation(
    route: str, path: str, decode: Decode[T], idempotency_key: str | None, json: Any = None
) -> RequestSpec[T]:
    """Describe a mutation of `route` (``"POST /template"``) at `path`."""
    method = route.partition(" ")[0]
    return RequestSpec(
        method, path, route, decode, json=json, idempotency_key=_idempotency_key(idempotency_key)
    )


def health_check() -> RequestSpec[Health]:
    """GET /health."""
    return _read("GET /health", "/health", _HEALTH)


def store_get() -> RequestSpec[Store]:
    """GET /products/store."""
    return _read("GET /products/store", "/products/store", _STORE)


def products_list(
    include_inactive: bool | None = None, limit: int | None = None
) -> RequestSpec[list[Product]]:
    """GET /products, with its optional query strings."""
    params: dict[str, str] = {}
    if include_inactive is not None:
        if not isinstance(include_inactive, bool):
            raise InvalidRequestError(
                f"include_inactive must be True, False or None, not {include_inactive!r}."
            )
        params["includeInactive"] = "true" if include_inactive else "false"
    if limit is not None:
        params["limit"] = str(_quantity("limit", limit, 1))
    return _read("GET /products", "/products", _PRODUCTS, params or None)


def products_get(product_id: str) -> RequestSpec[Product]:
    """GET /products/{productId}."""
    path = f"/products/{_segment('product_id', product_id)}"
    return _read("GET /products/{productId}", path, _PRODUCT)


def _line_input(index: int, line: object) -> dict[str, Any]:
    if isinstance(line, CartLineInput):
        product_id, quantity = line.product_id, line.quantity
    elif isinstance(line, (tuple, list)) and len(line) == 2:
        product_id, quantity = line
    else:
        raise InvalidRequestError(
            f"lines[{index}] must be a CartLineInput or a (product_id, quantity) pair, "
            f"not {line!r}."
        )
    return {
        "productId": _id(f"lines[{index}].product_id", product_id),
        "quantity": _quantity(f"lines[{index}].quantity", quantity, 1),
    }


def cart_create(
    lines: Sequence[CartLineInput | tuple[str, int]] | None, idempotency_key: str | None
) -> RequestSpec[Cart]:
    """POST /cart, empty or seeded with lines."""
    body = None
    given: object = lines
    if lines is not None:
        if isinstance(given, (str, bytes)) or not isinstance(given, Sequence):
            raise InvalidRequestError(
                f"lines must be a list of CartLineInput or (product_id, quantity) pairs, "
                f"not {lines!r}."
            )
        body = {"lines": [_line_input(i, line) for i, line in enumerate(lines)]}
    return _mutation("POST /cart", "/cart", _CART, idempotency_key, body)


def cart_get(cart_id: str) -> RequestSpec[Cart]:
    """GET /cart/{cartId}."""
    return _read("GET /cart/{cartId}", f"/cart/{_segment('cart_id', cart_id)}", _CART)


def cart_add_line(
    cart_id: str, product_id: str, quantity: int, idempotency_key: str | None
) -> RequestSpec[Cart]:
    """POST /cart/{cartId}/lines: adds to the quantity already in the cart."""
    path = f"/cart/{_segment('cart_id', cart_id)}/lines"
    body = {
        "productId": _id("product_id", product_id),
        "quantity": _quantity("quantity", quantity, 1),
    }
    return _mutation("POST /cart/{cartId}/lines", path, _CART, idempotency_key, body)


def cart_update_line(
    cart_id: str, product_id: str, quantity: int, idempotency_key: str | None
) -> RequestSpec[Cart]:
    """PATCH /cart/{cartId}/lines/{productId}: sets the quantity (0 removes the line)."""
    path = f"/cart/{_segment('cart_id', cart_id)}/lines/{_segment('product_id', product_id)}"
    body = {"quantity": _quantity("quantity", quantity, 0)}
    return _mutation("PATCH /cart/{cartId}/lines/{productId}", path, _CART, idempotency_key, body)


def cart_remove_line(
    cart_id: str, product_id: str, idempotency_key: str | None
) -> RequestSpec[Cart]:
    """DELETE /cart/{cartId}/lines/{productId}."""
    path = f"/cart/{_segment('cart_id', cart_id)}/lines/{_segment('product_id', product_id)}"
    return _mutation("DELETE /cart/{cartId}/lines/{productId}", path, _CART, idempotency_key)


def cart_clear(cart_id: str, idempotency_key: str | None) -> RequestSpec[Cart]:
    """DELETE /cart/{cartId}: removes every line."""
    path = f"/cart/{_segment('cart_id', cart_id)}"
    return _mutation("DELETE /cart/{cartId}", path, _CART, idempotency_key)


def checkout_create_session(
    cart_id: str | None,
    product_id: str | None,
    quantity: int | None,
    success_url: str | None,
    cancel_url: str | None,
    idempotency_key: str | None,
) -> RequestSpec[CheckoutSession]:
    """POST /checkout/session, for a cart or for one product."""
    if (cart_id is None) == (product_id is None):
        raise InvalidRequestError(
            "Pass exactly one of cart_id (to check out a cart) or product_id "
            "(to buy one product directly)."
        )
    body: dict[str, Any]
    if cart_id is not None:
        if quantity is not None:
            raise InvalidRequestError(
                "quantity applies only with product_id; a cart's quantities are its lines'."
            )
        body = {"cartId": _id("cart_id", cart_id)}
    else:
        body = {"productId": _id("product_id", product_id)}
        if quantity is not None:
            body["quantity"] = _quantity("quantity", quantity, 1)
    if _https_url("success_url", success_url) is not None:
        body["successUrl"] = success_url
    if _https_url("cancel_url", cancel_url) is not None:
        body["cancelUrl"] = cancel_url
    return _mutation(
        "POST /checkout/session", "/checkout/session", _CHECKOUT_SESSION, idempotency_key, body
    )


def checkout_get_session(session_id: str) -> RequestSpec[CheckoutSessionDetails]:
    """GET /checkout/sessions/{sessionId}."""
    path = f"/checkout/sessions/{_segment('session_id', session_id)}"
    return _read("GET /checkout/sessions/{sessionId}", path, _SESSION_DETAILS)


def subscription_create_portal_session(
    member_session_id: str, idempotency_key: str | None
) -> RequestSpec[PortalSession]:
    """POST /subscription/portal."""
    body = {"memberSessionId": _id("member_session_id", member_session_id)}
    return _mutation(
        "POST /subscription/portal", "/subscription/portal", _PORTAL_SESSION, idempotency_key, body
    )
