"""``qs.cart``: carts and their lines (secret key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import _routes
from ._base import AsyncResource

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..._models import Cart, CartLineInput


class AsyncCartResource(AsyncResource):
    """Carts: create, read, and change their lines. Needs a secret key."""

    async def create(
        self,
        *,
        lines: Sequence[CartLineInput | tuple[str, int]] | None = None,
        idempotency_key: str | None = None,
    ) -> Cart:
        """Create a cart, empty or seeded with lines (``POST /cart``).

        Args:
            lines: `CartLineInput` items or ``(product_id, quantity)`` pairs.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        """
        return await self._transport.request(_routes.cart_create(lines, idempotency_key))

    async def get(self, cart_id: str) -> Cart:
        """Return a cart (``GET /cart/{cartId}``)."""
        return await self._transport.request(_routes.cart_get(cart_id))

    async def add_line(
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
        return await self._transport.request(
            _routes.cart_add_line(cart_id, product_id, quantity, idempotency_key)
        )

    async def update_line(
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
        return await self._transport.request(
            _routes.cart_update_line(cart_id, product_id, quantity, idempotency_key)
        )

    async def remove_line(
        self, cart_id: str, product_id: str, *, idempotency_key: str | None = None
    ) -> Cart:
        """Remove a product from the cart (``DELETE /cart/{cartId}/lines/{productId}``).

        Args:
            cart_id: The cart.
            product_id: The product whose line to remove.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.
        """
        return await self._transport.request(
            _routes.cart_remove_line(cart_id, product_id, idempotency_key)
        )

    async def clear(self, cart_id: str, *, idempotency_key: str | None = None) -> Cart:
        """Remove every line from the cart (``DELETE /cart/{cartId}``).

        Args:
            cart_id: The cart.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.
        """
        return await self._transport.request(_routes.cart_clear(cart_id, idempotency_key))
