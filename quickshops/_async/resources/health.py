"""``qs.health``: is the API up."""

from __future__ import annotations

from ..._endpoints import HEALTH_CHECK
from ..._models import Health
from ..._request import call
from ._base import AsyncResource


class AsyncHealthResource(AsyncResource):
    """The health route, which needs no API key."""

    async def check(self) -> Health:
        """Ask whether the API is up (``GET /health``)."""
        return await self._sender.send(call(HEALTH_CHECK))
