# Generated from quickshops/_async/resources/subscription.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.subscription``: subscriptions and the Stripe billing portal (secret key)."""

from __future__ import annotations

from ... import _args
from ..._endpoints import SUBSCRIPTION_CREATE_PORTAL_SESSION, SUBSCRIPTION_LIST
from ..._models import JSON, PortalSession
from ..._request import call
from ._base import SyncResource


class SyncSubscriptionResource(SyncResource):
    """Subscriptions: list them, and open the billing portal where a member manages theirs."""

    def list(self, *, limit: int | None = None) -> JSON:
        """Return the store's subscriptions, as plain JSON (``GET /subscription``).

        Args:
            limit: Return at most this many subscriptions (1 or more).

        Raises:
            InvalidRequestError: A limit below 1, before any request.
        """
        query = {"limit": _args.limit(limit)}
        return self._sender.send(call(SUBSCRIPTION_LIST, query=query))

    def create_portal_session(
        self, member_session_id: str, *, idempotency_key: str | None = None
    ) -> PortalSession:
        """Create a billing-portal session for a member (``POST /subscription/portal``).

        Redirect the browser to the returned `url`.

        Args:
            member_session_id: The member's session id, from your sign-in.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        Raises:
            InvalidRequestError: An empty id, before any request.
        """
        body = {"memberSessionId": _args.identifier("member_session_id", member_session_id)}
        return self._sender.send(
            call(SUBSCRIPTION_CREATE_PORTAL_SESSION, body=body, idempotency_key=idempotency_key)
        )
