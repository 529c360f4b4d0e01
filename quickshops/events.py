"""The typed events of a call, given to the client's ``on_event`` hook.

```python
from quickshops import Quickshops
from quickshops.events import CallFinished, Event


def count(event: Event) -> None:
    if isinstance(event, CallFinished):
        print(event.operation, event.status, event.attempts, round(event.seconds, 3))


qs = Quickshops(on_event=count)
```

A call reports, in order: a `RateLimitWait` each time its route's rate-limit pause
holds it back; an `AttemptFinished` for each request it sent; a `RetryScheduled`
before each retry; and one `CallFinished` when it returns or raises. Events are frozen
attrs classes; the hook runs in the call's own thread or task, so keep it quick (count,
log, put on a queue). A hook that raises is logged on the ``quickshops`` logger and
never fails the call. No event carries the key.

``error`` and ``reason`` use one vocabulary, OpenTelemetry's ``error.type``: the
status as text (``"503"``) when the API answered with an error status, else the
SDK's error class (``"APIConnectionError"``, ``"APITimeoutError"``,
``"APIResponseValidationError"``) or, for a call cancelled or interrupted, the class
of what stopped it (``"CancelledError"``).
"""

from __future__ import annotations

from typing import TypeAlias

import attrs

__all__ = ["AttemptFinished", "CallFinished", "Event", "RateLimitWait", "RetryScheduled"]


@attrs.frozen
class AttemptFinished:
    """One request of a call was sent and its answer read, or it failed.

    Attributes:
        operation: The client method (``"cart.add_line"``), or ``"request"`` for
            ``qs.request``.
        route: ``METHOD /template`` (``"POST /cart/{cartId}/lines"``); for
            ``qs.request``, the method and the path sent.
        attempt: Its number: 1 for the first request, 2 for the first retry.
        status: The HTTP status of the answer, or None when none came (a connection
            failure, a timeout).
        error: None when the attempt succeeded, else what failed it (``"503"``,
            ``"APITimeoutError"``).
        seconds: From sending the request to reading its answer (or failing).

    """

    operation: str
    route: str
    attempt: int
    status: int | None
    error: str | None
    seconds: float


@attrs.frozen
class RetryScheduled:
    """A failed attempt will be retried after a delay.

    Attributes:
        operation: The client method (``"products.get"``).
        route: ``METHOD /template``.
        attempt: The number of the attempt the retry makes (2 for the first retry).
        delay: The seconds it waits first: the backoff, or what the API asked for
            (``Retry-After``). With ``instant_retries`` the wait is skipped, and this
            is still the delay it would have been.
        reason: What failed the attempt before it (``"503"``, ``"APIConnectionError"``).

    """

    operation: str
    route: str
    attempt: int
    delay: float
    reason: str


@attrs.frozen
class RateLimitWait:
    """A call waits for its route's rate-limit pause or its turn after one.

    Attributes:
        route: ``METHOD /template`` of the paused route.
        seconds: How long it waits. With ``instant_retries`` the wait is skipped, and
            this is still the wait it would have been.

    """

    route: str
    seconds: float


@attrs.frozen
class CallFinished:
    """A call returned or raised: the last event of every call.

    Attributes:
        operation: The client method (``"checkout.create_session"``).
        route: ``METHOD /template``.
        status: The HTTP status of the last answer, or None when none came.
        attempts: The requests sent: 1, plus one per retry (0 when the call failed
            before sending, for example on a closed client).
        seconds: The whole call, rate-limit waits and retries included.
        request_id: The API's request id of the last answer, if it gave one.
        error: None when the call returned, else what it raised (``"404"``,
            ``"APITimeoutError"``).

    """

    operation: str
    route: str
    status: int | None
    attempts: int
    seconds: float
    request_id: str | None
    error: str | None = None


Event: TypeAlias = AttemptFinished | RetryScheduled | RateLimitWait | CallFinished
"""Any event of a call: what an ``on_event`` hook is given."""
