"""``qs.health``: is the API up."""

from __future__ import annotations

from ... import _routes
from ..._models import Health
from ._base import AsyncResource


class AsyncHealthResource(AsyncResource):
    """The health route, which needs no API key."""

    async def check(self) -> Health:
        """Ask whether the API is up (``GET /health``)."""
        return await self._transport.request(_routes.health_check())
