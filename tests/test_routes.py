"""Argument validation and request description, route by route, without a client."""

from __future__ import annotations

from typing import Any

import pytest

from quickshops import CartLineInput, InvalidRequestError
from quickshops._routes import (
    cart_create,
    checkout_create_session,
    products_list,
)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"cart_id": "c", "quantity": 2}, "quantity applies only with product_id"),
        ({"product_id": "p", "quantity": 0}, "quantity must be an integer from 1 to"),
        ({"product_id": "p", "success_url": "https://"}, "success_url"),
        ({"product_id": "p", "success_url": "https://x.example:abc/"}, "success_url"),
        ({"product_id": "p", "cancel_url": "/relative"}, "cancel_url"),
        ({"product_id": "p", "cancel_url": 42}, "cancel_url"),
        ({"product_id": "", "cart_id": None}, "product_id must be a non-empty string"),
        ({"cart_id": 7}, "cart_id must be a non-empty string"),
        ({"cart_id": "\ud800"}, "cart_id must be a non-empty string"),
        ({"product_id": "p", "success_url": "https://x.example/\ud800"}, "success_url"),
        ({"product_id": "p", "quantity": 2**31}, "from 1 to 2147483647, not one that large"),
        ({"product_id": "p", "quantity": -(10**5000)}, "not one that large"),
        ({"cart_id": "c", "idempotency_key": "ключ"}, "ASCII"),
    ],
)
def test_checkout_arguments(kwargs: dict[str, Any], argument: str) -> None:
    """Bad checkout arguments are refused, naming the argument and what is allowed."""
    arguments: dict[str, Any] = {
        "cart_id": None,
        "product_id": None,
        "quantity": None,
        "success_url": None,
        "cancel_url": None,
        "idempotency_key": None,
        **kwargs,
    }

    with pytest.raises(InvalidRequestError, match=argument):
        checkout_create_session(**arguments)


def test_checkout_for_a_cart_sends_only_the_cart() -> None:
    """A cart checkout sends the cart id and, when given, the return URLs."""
    spec = checkout_create_session("c", None, None, None, "https://shop.example/c", "k")

    assert {"cartId": "c", "cancelUrl": "https://shop.example/c"} == spec.json
    assert ("POST", "k") == (spec.method, spec.idempotency_key)


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
def test_cart_lines(lines: Any, argument: str) -> None:
    """Seed lines must be CartLineInput items or (product_id, quantity) pairs."""
    with pytest.raises(InvalidRequestError, match=argument):
        cart_create(lines, None)


def test_cart_create_accepts_lists_of_pairs() -> None:
    """Pairs given as lists or tuples become the wire's lines; an empty list is sent as is."""
    assert {"lines": [{"productId": "p", "quantity": 3}]} == cart_create([["p", 3]], None).json  # type: ignore[list-item]
    assert {"lines": []} == cart_create([], None).json
    assert cart_create(None, None).json is None


@pytest.mark.parametrize(
    ("kwargs", "params"),
    [
        ({"include_inactive": False}, {"includeInactive": "false"}),
        ({"limit": 10}, {"limit": "10"}),
        ({}, None),
    ],
)
def test_products_list_query(kwargs: dict[str, Any], params: dict[str, str] | None) -> None:
    """The list options become the documented query strings."""
    assert params == products_list(**kwargs).params


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [({"include_inactive": "yes"}, "include_inactive"), ({"limit": True}, "limit")],
)
def test_products_list_arguments(kwargs: dict[str, Any], argument: str) -> None:
    """include_inactive must be a bool and limit a positive int."""
    with pytest.raises(InvalidRequestError, match=argument):
        products_list(**kwargs)
