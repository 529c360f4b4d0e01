# Generated from quickshops/_async/resources/store.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.store``: the store the key belongs to, and its settings (secret key)."""

from __future__ import annotations

from ... import _args
from ..._endpoints import (
    STORE_APPLY_PROPOSAL,
    STORE_DISCARD_PROPOSAL,
    STORE_GET,
    STORE_PAGE_BUILDER_THEME,
    STORE_PROPOSE,
    STORE_SETTINGS,
    STORE_THEMES,
)
from ..._models import JSON, Store
from ..._request import call
from ._base import SyncResource


class SyncStoreResource(SyncResource):
    """The store: its profile (any key), its settings and theme proposals (secret key).

    The API publishes no schema for the settings, themes and proposals: they are
    returned as plain JSON.
    """

    def get(self) -> Store:
        """Return the store's profile (``GET /products/store``)."""
        return self._sender.send(call(STORE_GET))

    def settings(self) -> JSON:
        """Return the store's settings, as plain JSON (``GET /store/settings``)."""
        return self._sender.send(call(STORE_SETTINGS))

    def themes(self) -> JSON:
        """Return the themes the store can use, as plain JSON (``GET /store/themes``)."""
        return self._sender.send(call(STORE_THEMES))

    def page_builder_theme(self) -> JSON:
        """Return the page builder's theme, as plain JSON (``GET /store/page-builder-theme``)."""
        return self._sender.send(call(STORE_PAGE_BUILDER_THEME))

    def propose(self, proposal: str, *, idempotency_key: str | None = None) -> JSON:
        """Propose a change to the store, left pending (``POST /store/proposals``).

        Args:
            proposal: The proposed change, as text.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        Raises:
            InvalidRequestError: An empty proposal, before any request.
        """
        body = {"proposal": _args.text("proposal", proposal)}
        return self._sender.send(call(STORE_PROPOSE, body=body, idempotency_key=idempotency_key))

    def apply_proposal(self, proposal: str, *, idempotency_key: str | None = None) -> JSON:
        """Apply a proposed change to the store (``POST /store/proposals/apply``).

        Args:
            proposal: The change to apply, as text.
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.

        Raises:
            InvalidRequestError: An empty proposal, before any request.
        """
        body = {"proposal": _args.text("proposal", proposal)}
        return self._sender.send(
            call(STORE_APPLY_PROPOSAL, body=body, idempotency_key=idempotency_key)
        )

    def discard_proposal(self, *, idempotency_key: str | None = None) -> JSON:
        """Discard the pending proposal (``DELETE /store/proposals/pending``).

        Args:
            idempotency_key: Your own Idempotency-Key; by default a fresh one per call.
        """
        return self._sender.send(call(STORE_DISCARD_PROPOSAL, idempotency_key=idempotency_key))
