# Generated from quickshops/_async/resources/cart.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.cart``: carts and their lines (secret key)."""

from __future__ import annotations

from collections.abc import Sequence

from ... import _args
from ..._endpoints import (
    CART_ADD_LINE,
    CART_CLEAR,
    CART_CREATE,
    CART_GET,
    CART_REMOVE_LINE,
    CART_UPDATE_LINE,
)
from ..._models import Cart, CartLineInput
from ..._request import call
from ._base import SyncResource


class SyncCartResource(SyncResource):
    """Carts: create, read, and change their lines. Needs a secret key."""

    def create(
        self,
        *,
        lines: Sequence[CartLineInput | tuple[str, int]] | None = None,
        idempotency_key: str | None = None,
    ) -> Cart:
        """Create a cart, empty or seeded with lines (``POST /cart``).

        Args:
            lines: `CartLineInput` items or ``(product_id, quantity)`` pairs.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        Raises:
            InvalidRequestError: A line without a product id or with a quantity below 1,
                before any request.
        """
        body = None if lines is None else {"lines": _args.cart_lines(lines)}
        return self._sender.send(call(CART_CREATE, body=body, idempotency_key=idempotency_key))

    def get(self, cart_id: str) -> Cart:
        """Return a cart (``GET /cart/{cartId}``).

        Args:
            cart_id: The cart.

        Raises:
            InvalidRequestError: An empty id, before any request.
        """
        return self._sender.send(call(CART_GET, path={"cart_id": cart_id}))

    def add_line(
        self,
        cart_id: str,
        product_id: str,
        quantity: int = 1,
        *,
        idempotency_key: str | None = None,
    ) -> Cart:
        """Add `quantity` of a product to what the cart holds (``POST /cart/{cartId}/lines``).

        Args:
            cart_id: The cart.
            product_id: The product to add.
            quantity: How many to add to the quantity already in the cart (1 or more).
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        Raises:
            InvalidRequestError: An empty id or a quantity below 1, before any request.
        """
        body = {
            "productId": _args.identifier("product_id", product_id),
            "quantity": _args.integer("quantity", quantity, 1),
        }
        return self._sender.send(
            call(
                CART_ADD_LINE,
                path={"cart_id": cart_id},
                body=body,
                idempotency_key=idempotency_key,
            )
        )

    def update_line(
        self,
        cart_id: str,
        product_id: str,
        quantity: int,
        *,
        idempotency_key: str | None = None,
    ) -> Cart:
        """Set a line's quantity; 0 removes it (``PATCH /cart/{cartId}/lines/{productId}``).

        Args:
            cart_id: The cart.
            product_id: The product whose line to change.
            quantity: The new quantity (0 or more).
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        Raises:
            InvalidRequestError: An empty id or a negative quantity, before any request.
        """
        body = {"quantity": _args.integer("quantity", quantity, 0)}
        return self._sender.send(
            call(
                CART_UPDATE_LINE,
                path={"cart_id": cart_id, "product_id": product_id},
                body=body,
                idempotency_key=idempotency_key,
            )
        )

    def remove_line(
        self, cart_id: str, product_id: str, *, idempotency_key: str | None = None
    ) -> Cart:
        """Remove a product from the cart (``DELETE /cart/{cartId}/lines/{productId}``).

        Args:
            cart_id: The cart.
            product_id: The product whose line to remove.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        Raises:
            InvalidRequestError: An empty id, before any request.
        """
        return self._sender.send(
            call(
                CART_REMOVE_LINE,
                path={"cart_id": cart_id, "product_id": product_id},
                idempotency_key=idempotency_key,
            )
        )

    def clear(self, cart_id: str, *, idempotency_key: str | None = None) -> Cart:
        """Remove every line from the cart, which stays (``DELETE /cart/{cartId}``).

        Args:
            cart_id: The cart.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        Raises:
            InvalidRequestError: An empty id, before any request.
        """
        return self._sender.send(
            call(CART_CLEAR, path={"cart_id": cart_id}, idempotency_key=idempotency_key)
        )
