# Generated from quickshops/_async/resources/media.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.media``: the store's media library (secret key)."""

from __future__ import annotations

from ... import _args
from ..._endpoints import MEDIA_LIST
from ..._models import JSON
from ..._request import call
from ._base import SyncResource


class SyncMediaResource(SyncResource):
    """The store's images and files, as plain JSON (no published schema)."""

    def list(self, *, kind: str | None = None) -> JSON:
        """Return the store's media (``GET /media``).

        Args:
            kind: Only media of this kind (such as ``image``); all if None.

        Raises:
            InvalidRequestError: An empty kind, before any request.
        """
        query = {"kind": _args.query_text("kind", kind)}
        return self._sender.send(call(MEDIA_LIST, query=query))
