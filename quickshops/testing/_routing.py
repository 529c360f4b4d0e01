"""The emulator's routing, built from the SDK's endpoint table: one route per operation."""

from __future__ import annotations

import re
import urllib.parse
from typing import TYPE_CHECKING, Any

from quickshops._endpoints import BY_NAME, ENDPOINTS
from quickshops.testing._replies import APIError, not_found
from quickshops.testing._seed import BASE_PATH

if TYPE_CHECKING:
    from quickshops._endpoints import Endpoint

__all__ = ["ROUTE_NAMES", "handler_name", "resolve"]

ROUTE_NAMES = frozenset(endpoint.route for endpoint in ENDPOINTS)
"""Every operation as ``"METHOD /template"``, the names faults and rate limits use."""

_PATTERNS: tuple[tuple[Endpoint[Any], re.Pattern[str]], ...] = tuple(
    (endpoint, re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", endpoint.path)))
    for endpoint in ENDPOINTS
)


def handler_name(endpoint: Endpoint[Any]) -> str:
    """The emulator method answering `endpoint`: ``handle_cart_add_line`` for ``cart.add_line``.

    An alias (``GET /store``) is answered by the handler of the operation it aliases.
    """
    target = BY_NAME[endpoint.alias_of] if endpoint.alias_of else endpoint
    return "handle_" + target.name.replace(".", "_")


def resolve(method: str, path: str) -> tuple[Endpoint[Any], dict[str, str]]:
    """Find the operation for a raw path; each ``{param}`` is one percent-decoded segment.

    Raises:
        APIError: 404 for no route, 405 (with ``Allow``) for a route without `method`.

    """
    allowed: list[str] = []
    if path.startswith(BASE_PATH + "/"):
        below = path[len(BASE_PATH) :]
        for endpoint, pattern in _PATTERNS:
            match = pattern.fullmatch(below)
            if match is None:
                continue
            if endpoint.method == method:
                params = {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()}
                return endpoint, params
            allowed.append(endpoint.method)
    if allowed:
        raise APIError(
            405,
            "METHOD_NOT_ALLOWED",
            f"Method {method} not allowed on {path}",
            {"allow": ", ".join(sorted(set(allowed)))},
        )
    raise not_found(f"No route for {method} {path}")
