# Generated from quickshops/_async/resources/orders.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.orders``: the store's orders (secret key)."""

from __future__ import annotations

from ... import _args
from ..._endpoints import ORDERS_CHART, ORDERS_LIST, ORDERS_STATS
from ..._models import JSON
from ..._request import call
from ._base import SyncResource


class SyncOrdersResource(SyncResource):
    """Orders, their statistics and their chart, as plain JSON (no published schema)."""

    def list(self, *, limit: int | None = None) -> JSON:
        """Return the store's orders, newest first (``GET /orders``).

        Args:
            limit: Return at most this many orders (1 or more).

        Raises:
            InvalidRequestError: A limit below 1, before any request.
        """
        return self._sender.send(call(ORDERS_LIST, query={"limit": _args.limit(limit)}))

    def stats(self) -> JSON:
        """Return the store's order statistics (``GET /orders/stats``)."""
        return self._sender.send(call(ORDERS_STATS))

    def chart(self, *, range: str | None = None) -> JSON:
        """Return orders and revenue over time (``GET /orders/chart``).

        Args:
            range: The period, such as ``7d`` or ``30d``; the API's default if None.

        Raises:
            InvalidRequestError: An empty range, before any request.
        """
        query = {"range": _args.query_text("range", range)}
        return self._sender.send(call(ORDERS_CHART, query=query))
