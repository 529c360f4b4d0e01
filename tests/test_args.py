"""The argument checks of the resource methods, without a client."""

from __future__ import annotations

from typing import Any

import pytest

from quickshops import CartLineInput, InvalidRequestError
from quickshops._args import cart_lines, flag, integer, limit, query_text, return_url, segment, text


@pytest.mark.parametrize(
    ("lines", "argument"),
    [
        ([("p", 1, 2)], r"lines\[0\] must be a CartLineInput"),
        (["p"], r"lines\[0\] must be a CartLineInput"),
        ([("p", 1), CartLineInput("", 1)], r"lines\[1\].product_id"),
        ([CartLineInput("p", 0)], r"lines\[0\].quantity"),
        (b"p", "lines must be a list"),
        (42, "lines must be a list"),
    ],
)
def test_cart_lines_are_checked(lines: Any, argument: str) -> None:
    """Seed lines must be CartLineInput items or (product_id, quantity) pairs."""
    with pytest.raises(InvalidRequestError, match=argument):
        cart_lines(lines)


def test_cart_lines_accept_lists_of_pairs() -> None:
    """Pairs given as lists or tuples become the wire's lines; an empty list stays empty."""
    assert [{"productId": "p", "quantity": 3}] == cart_lines([["p", 3]])
    assert [] == cart_lines([])


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0, "not 0"),
        (2**31, "not one that large"),
        (-(10**5000), "not one that large"),
        (True, "True"),
    ],
    ids=["zero", "2**31", "-10**5000", "True"],
)
def test_integers_are_bounded(value: object, shown: str) -> None:
    """An integer is from its minimum to 2**31 - 1, never a bool, and huge ones are not shown."""
    with pytest.raises(InvalidRequestError, match=shown):
        integer("quantity", value, 1)


def test_query_values() -> None:
    """Query arguments become strings, or None when left out."""
    assert ("5", None, "true", "false", None) == (
        limit(5),
        limit(None),
        flag("include_inactive", True),
        flag("include_inactive", False),
        flag("include_inactive", None),
    )
    assert ("7d", None) == (query_text("range", "7d"), query_text("range", None))


@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        ("https://shop.example/thanks?s={CHECKOUT_SESSION_ID}", True),
        ("http://localhost:8000/thanks", True),
        ("http://127.0.0.1:8000/thanks", True),
        ("http://[::1]:8000/thanks", True),
        ("http://shop.example/thanks", False),
        ("https://", False),
        ("/thanks", False),
        ("https://x.example:abc/", False),
        (42, False),
    ],
)
def test_return_urls(value: object, allowed: bool) -> None:
    """A return URL is absolute https, or http to a loopback host (for local tests)."""
    if allowed:
        assert value == return_url("success_url", value)
    else:
        with pytest.raises(InvalidRequestError, match="success_url must be an absolute https"):
            return_url("success_url", value)


def test_segments_and_texts() -> None:
    """An id is one path segment; a text must hold more than whitespace."""
    assert ("a%2Fb", "%2E%2E") == (segment("cart_id", "a/b"), segment("cart_id", ".."))
    with pytest.raises(InvalidRequestError, match="proposal must be a non-empty string"):
        text("proposal", " \n")
