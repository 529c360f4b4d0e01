"""Argument checks of the resource methods, run before anything is sent. No I/O here.

Each check returns the value as it goes on the wire, or raises `InvalidRequestError`
naming the argument and what is allowed. Path parameters are percent-encoded as a
single segment, so an id can never change which route is called.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx2

from ._config import is_header_safe, is_loopback
from ._exceptions import InvalidRequestError
from ._models import CartLineInput

MAX_INT = 2**31 - 1
"""The largest quantity or limit the SDK sends."""


def identifier(name: str, value: object) -> str:
    """Return `value` if it is a usable id: a non-empty string that UTF-8 can encode."""
    if isinstance(value, str) and value and _encodable(value):
        return value
    raise InvalidRequestError(f"{name} must be a non-empty string, not {value!r}.")


def text(name: str, value: object) -> str:
    """Return `value` if it is a non-empty string (a proposal's text, say)."""
    if isinstance(value, str) and value.strip() and _encodable(value):
        return value
    raise InvalidRequestError(f"{name} must be a non-empty string, not {value!r}.")


def _encodable(value: str) -> bool:
    """Tell whether `value` can be sent: a lone surrogate cannot be encoded."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


_PLAIN = re.compile(r"[A-Za-z0-9_~-]+")
"""An id of these characters is one path segment as it is (most ids are)."""


def segment(name: str, value: object) -> str:
    """Return the id `value` encoded as exactly one path segment."""
    if type(value) is str and _PLAIN.fullmatch(value):
        return value
    encoded = quote(identifier(name, value), safe="")
    # "." and ".." are dot-segments that URL normalisation would remove.
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def integer(name: str, value: object, minimum: int) -> int:
    """Return `value` if it is an int from `minimum` to `MAX_INT` (not a bool)."""
    if isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= MAX_INT:
        return value
    shown = repr(value) if not isinstance(value, int) or abs(value) <= MAX_INT else "one that large"
    raise InvalidRequestError(
        f"{name} must be an integer from {minimum} to {MAX_INT}, not {shown}."
    )


def limit(value: object, name: str = "limit") -> str | None:
    """A ``limit`` query string: None when not given, else an integer of 1 or more."""
    return None if value is None else str(integer(name, value, 1))


def flag(name: str, value: object) -> str | None:
    """A boolean query string (``true``/``false``), None when not given."""
    if value is None:
        return None
    if not isinstance(value, bool):
        raise InvalidRequestError(f"{name} must be True, False or None, not {value!r}.")
    return "true" if value else "false"


def query_text(name: str, value: object) -> str | None:
    """A string query parameter: None when not given, else a non-empty string."""
    return None if value is None else text(name, value)


def return_url(name: str, value: object) -> str | None:
    """A URL a customer returns to: absolute https, or http to a loopback host."""
    if value is None:
        return None
    try:
        url = httpx2.URL(value) if isinstance(value, str) and _encodable(value) else None
    except httpx2.InvalidURL:
        url = None
    if (
        url is not None
        and url.host
        and (url.scheme == "https" or (url.scheme == "http" and is_loopback(url.host)))
    ):
        return str(value)
    raise InvalidRequestError(
        f"{name} must be an absolute https URL such as 'https://shop.example/thanks' "
        f"(or http to localhost while testing), not {value!r}."
    )


def idempotency_key(value: str | None) -> str | None:
    """The caller's Idempotency-Key: None, or a header-safe non-empty string."""
    if value is not None and (not isinstance(value, str) or not value or not is_header_safe(value)):
        raise InvalidRequestError(
            "idempotency_key must be a non-empty ASCII string without control characters, "
            f"not {value!r}."
        )
    return value


def _line(index: int, line: object) -> dict[str, Any]:
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
        "productId": identifier(f"lines[{index}].product_id", product_id),
        "quantity": integer(f"lines[{index}].quantity", quantity, 1),
    }


def cart_lines(lines: object) -> list[dict[str, Any]]:
    """The ``lines`` of a new cart, from `CartLineInput` items or (id, quantity) pairs."""
    if isinstance(lines, (str, bytes)) or not isinstance(lines, Sequence):
        raise InvalidRequestError(
            f"lines must be a list of CartLineInput or (product_id, quantity) pairs, not {lines!r}."
        )
    return [_line(index, line) for index, line in enumerate(lines)]
