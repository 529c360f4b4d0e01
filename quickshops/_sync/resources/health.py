# Generated from quickshops/_async/resources/health.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""``qs.health``: is the API up."""

from __future__ import annotations

from ..._endpoints import HEALTH_CHECK
from ..._models import Health
from ..._request import call
from ._base import SyncResource


class SyncHealthResource(SyncResource):
    """The health route, which needs no API key."""

    def check(self) -> Health:
        """Ask whether the API is up (``GET /health``)."""
        return self._sender.send(call(HEALTH_CHECK))
