# Generated from quickshops/_async/resources/checkout.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.checkout``: Stripe-hosted checkout sessions (secret key)."""

from __future__ import annotations

from typing import Any

from ... import _args
from ..._endpoints import CHECKOUT_CREATE_SESSION, CHECKOUT_GET_SESSION
from ..._exceptions import InvalidRequestError
from ..._models import CheckoutSession, CheckoutSessionDetails
from ..._request import call
from ._base import SyncResource


class SyncCheckoutResource(SyncResource):
    """Checkout sessions. Create a new one each time a customer starts checkout."""

    def create_session(
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
                ``{CHECKOUT_SESSION_ID}``. Plain http is taken for a loopback host.
            cancel_url: Absolute https URL to return to if the customer gives up.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        Raises:
            InvalidRequestError: Both or neither of `cart_id` and `product_id`, a
                quantity with a cart, or a URL that is not absolute https, before any
                request.
        """
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
            body = {"cartId": _args.identifier("cart_id", cart_id)}
        else:
            body = {"productId": _args.identifier("product_id", product_id)}
            if quantity is not None:
                body["quantity"] = _args.integer("quantity", quantity, 1)
        for field, value in (
            ("successUrl", _args.return_url("success_url", success_url)),
            ("cancelUrl", _args.return_url("cancel_url", cancel_url)),
        ):
            if value is not None:
                body[field] = value
        return self._sender.send(
            call(CHECKOUT_CREATE_SESSION, body=body, idempotency_key=idempotency_key)
        )

    def get_session(self, session_id: str) -> CheckoutSessionDetails:
        """Return a checkout session's status (``GET /checkout/sessions/{sessionId}``).

        Args:
            session_id: The session's id, from `create_session` or the success URL.

        Raises:
            InvalidRequestError: An empty id, before any request.
        """
        return self._sender.send(call(CHECKOUT_GET_SESSION, path={"session_id": session_id}))
