"""Fault injection for the emulator: failures, dropped responses and latency."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

__all__ = ["ANY_ROUTE", "Failure", "FaultPlan", "Faults", "route_name"]

ANY_ROUTE = "*"


@attrs.frozen
class Failure:
    """A response to send instead of handling the request.

    Attributes:
        status: The HTTP status of the response.
        retry_after: The ``Retry-After`` header value, or None for no header.
        code: The error code of the body, or None for the one matching ``status``.
        message: The error message of the body, or None for the one matching ``status``.
        headers: Extra response headers.
        body: A raw body sent as is instead of an error body (e.g. an HTML page).

    """

    status: int
    retry_after: str | None = None
    code: str | None = None
    message: str | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    body: bytes | None = None


@attrs.frozen
class FaultPlan:
    """What the faults decided for one request.

    Attributes:
        failure: The response to send instead of handling the request, if any.
        drop: Whether to drop the response after the request was handled.
        delay: Seconds to wait before delivering the response.

    """

    failure: Failure | None = None
    drop: bool = False
    delay: float = 0.0


@attrs.define
class _Rule:
    route: str
    times: int | None
    failure: Failure | None = None
    drop: bool = False
    delay: float = 0.0

    def matches(self, route: str) -> bool:
        return self.route in (ANY_ROUTE, route)


def _format_seconds(seconds: float | str) -> str:
    if isinstance(seconds, str):
        return seconds
    if float(seconds).is_integer():
        return str(int(seconds))
    return repr(float(seconds))


class Faults:
    """Faults planned for the next requests, by route.

    A route is ``"*"`` (every route) or ``"METHOD /template"`` exactly as the emulator
    names it, e.g. ``"POST /cart/{cartId}/lines"`` (without the ``/v1`` prefix). Rules
    apply in the order they were added. A request first meets the failures: the first
    pending one answers instead of the emulator, and nothing is applied. Otherwise the
    request is handled, and the first pending drop, if any, discards the response
    after the change was applied. Delays add up and apply to every response,
    including failures.
    """

    def __init__(self, routes: Collection[str], lock: threading.RLock | None = None) -> None:
        """Create an empty set of faults.

        Args:
            routes: The route names faults may target, besides ``"*"``.
            lock: The lock guarding the rules; a new one if None.

        """
        self._routes = frozenset(routes)
        self._lock = lock if lock is not None else threading.RLock()
        self._rules: list[_Rule] = []

    def fail_next(
        self,
        route: str = "*",
        *,
        times: int = 1,
        status: int = 503,
        retry_after: float | str | None = None,
        code: str | None = None,
        message: str | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | str | None = None,
    ) -> None:
        """Answer the next ``times`` requests to ``route`` with ``status``, applying nothing.

        Args:
            route: ``"*"`` or ``"METHOD /template"``.
            times: How many requests fail.
            status: The HTTP status, 200 to 599.
            retry_after: Seconds (written as ``"1"`` or ``"0.25"``) or a raw header value
                such as an HTTP date, sent as ``Retry-After``.
            code: The error code in the body; defaults to the one for ``status``.
            message: The error message in the body; defaults to the one for ``status``.
            headers: Extra response headers, e.g. ``{"x-should-retry": "false"}``.
            body: A raw body sent instead of an error body, e.g. an HTML page.

        Raises:
            ValueError: On an unknown route, ``times`` below 1 or a status out of range.

        """
        if not 200 <= status <= 599:
            raise ValueError(f"status must be between 200 and 599, got {status}")
        raw = body.encode() if isinstance(body, str) else body
        after = None if retry_after is None else _format_seconds(retry_after)
        failure = Failure(status, after, code, message, dict(headers or {}), raw)
        self._add(_Rule(self._check_route(route), _check_times(times), failure=failure))

    def drop_next(self, route: str = "*", *, times: int = 1) -> None:
        """Drop the response to the next ``times`` requests to ``route``.

        The emulator applies the request first: the client sees a connection error
        while the state has changed.

        Args:
            route: ``"*"`` or ``"METHOD /template"``.
            times: How many responses are dropped.

        Raises:
            ValueError: On an unknown route or ``times`` below 1.

        """
        self._add(_Rule(self._check_route(route), _check_times(times), drop=True))

    def delay(self, route: str, seconds: float, *, times: int | None = None) -> None:
        """Delay the responses to ``route`` by ``seconds``.

        The emulator applies the request first, then the adapters wait before
        delivering the response.

        Args:
            route: ``"*"`` or ``"METHOD /template"``.
            seconds: The added latency, 0 or more.
            times: How many responses are delayed; every one until `clear` if None.

        Raises:
            ValueError: On an unknown route, negative seconds or ``times`` below 1.

        """
        if seconds < 0:
            raise ValueError(f"seconds must be 0 or more, got {seconds}")
        counted = None if times is None else _check_times(times)
        self._add(_Rule(self._check_route(route), counted, delay=float(seconds)))

    def clear(self) -> None:
        """Remove every planned fault."""
        with self._lock:
            self._rules.clear()

    def take(self, route: str) -> FaultPlan:
        """Consume the faults planned for one request to ``route`` and return them.

        Args:
            route: The ``"METHOD /template"`` name of the request's route.

        Returns:
            The failure, drop and delay that apply to this request.

        """
        with self._lock:
            matching = [rule for rule in self._rules if rule.matches(route)]
            failure = next((rule for rule in matching if rule.failure is not None), None)
            drop = None if failure else next((rule for rule in matching if rule.drop), None)
            delays = [rule for rule in matching if rule.failure is None and not rule.drop]
            for rule in (failure, drop, *delays):
                if rule is not None and rule.times is not None:
                    rule.times -= 1
            self._rules = [rule for rule in self._rules if rule.times != 0]
            return FaultPlan(
                failure=failure.failure if failure else None,
                drop=drop is not None,
                delay=sum(rule.delay for rule in delays),
            )

    def _add(self, rule: _Rule) -> None:
        with self._lock:
            self._rules.append(rule)

    def _check_route(self, route: str) -> str:
        return route_name(route, self._routes)


def route_name(route: str, routes: Collection[str]) -> str:
    """Return ``route`` normalised as ``"*"`` or ``"METHOD /template"``.

    Args:
        route: The route as the caller wrote it, e.g. ``"post /cart"``.
        routes: The known ``"METHOD /template"`` names.

    Raises:
        ValueError: When the route is neither ``"*"`` nor one of ``routes``.

    """
    method, _, template = route.strip().partition(" ")
    name = f"{method.upper()} {template.strip()}" if template else method
    if name != ANY_ROUTE and name not in routes:
        known = ", ".join(sorted(routes))
        raise ValueError(f"unknown route {route!r}; use '*' or one of: {known}")
    return name


def _check_times(times: int) -> int:
    if times < 1:
        raise ValueError(f"times must be 1 or more, got {times}")
    return times
