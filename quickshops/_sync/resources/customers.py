# Generated from quickshops/_async/resources/customers.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.customers``: the store's customers (secret key)."""

from __future__ import annotations

from ... import _args
from ..._endpoints import CUSTOMERS_LIST
from ..._models import JSON
from ..._request import call
from ._base import SyncResource


class SyncCustomersResource(SyncResource):
    """The store's customers, as plain JSON (no published schema)."""

    def list(self, *, limit: int | None = None) -> JSON:
        """Return the store's customers (``GET /customers``).

        Args:
            limit: Return at most this many customers (1 or more).

        Raises:
            InvalidRequestError: A limit below 1, before any request.
        """
        query = {"limit": _args.limit(limit)}
        return self._sender.send(call(CUSTOMERS_LIST, query=query))
