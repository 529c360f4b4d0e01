"""``qs.subscription``: the Stripe billing portal for subscribers (secret key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import _routes
from ._base import AsyncResource

if TYPE_CHECKING:
    from ..._models import PortalSession


class AsyncSubscriptionResource(AsyncResource):
    """Subscriptions: open the billing portal where a member manages theirs."""

    async def create_portal_session(
        self, member_session_id: str, *, idempotency_key: str | None = None
    ) -> PortalSession:
        """Create a billing-portal session for a member (``POST /subscription/portal``).

        Redirect the browser to the returned `url`.

        Args:
            member_session_id: The member's session id, from your sign-in.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.
        """
        return await self._transport.request(
            _routes.subscription_create_portal_session(member_session_id, idempotency_key)
        )
