"""``qs.checkout``: Stripe-hosted checkout sessions (secret key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import _routes
from ._base import AsyncResource

if TYPE_CHECKING:
    from ..._models import CheckoutSession, CheckoutSessionDetails


class AsyncCheckoutResource(AsyncResource):
    """Checkout sessions. Create a new one each time a customer starts checkout."""

    async def create_session(
        self,
        cart_id: str | None = None,
        *,
        product_id: str | None = None,
        quantity: int | None = None,
        success_url: str | None = None,
        cancel_url: str | None = None,
        idempotency_key: str | None = None,
    ) -> CheckoutSession:
        """Create a checkout session for a cart, or for one product (``POST /checkout/session``).

        Redirect the browser to the returned `url`; it is single-use and expires soon.

        Args:
            cart_id: The cart to check out; or else pass `product_id`.
            product_id: The one product to buy; or else pass `cart_id`.
            quantity: How many of `product_id` (1 or more); only with `product_id`.
            success_url: Absolute https URL to return to after payment; may contain
                ``{CHECKOUT_SESSION_ID}``.
            cancel_url: Absolute https URL to return to if the customer gives up.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        """
        return await self._transport.request(
            _routes.checkout_create_session(
                cart_id, product_id, quantity, success_url, cancel_url, idempotency_key
            )
        )

    async def get_session(self, session_id: str) -> CheckoutSessionDetails:
        """Return a checkout session's status (``GET /checkout/sessions/{sessionId}``)."""
        return await self._transport.request(_routes.checkout_get_session(session_id))
