"""What the SDK logs, on the ``quickshops`` logger: a DEBUG line per attempt, INFO per retry.

The key is never logged; a request id a server echoed is masked like everything else.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from ._constants import LOGGER_NAME
from ._response import mask, request_id_of

if TYPE_CHECKING:
    import tenacity

    from ._config import ClientConfig
    from ._request import Call
    from ._stack import HTTPResponse

clock = time.perf_counter
"""The clock an attempt's elapsed time is measured with."""

logger = logging.getLogger(LOGGER_NAME)


def log_attempt(
    call: Call[Any],
    config: ClientConfig,
    start: float,
    attempt: int,
    response: HTTPResponse | None = None,
    exc: BaseException | None = None,
) -> None:
    """Log one DEBUG line for an attempt: method, path, outcome, elapsed ms, request id."""
    if logger.isEnabledFor(logging.DEBUG):
        request_id = request_id_of(response) if response is not None else None
        logger.debug(
            "%s %s -> %s in %.1f ms (request id %s, attempt %d)",
            call.method,
            call.path,
            response.status_code if response is not None else type(exc).__name__,
            (clock() - start) * 1000,
            None if request_id is None else mask(request_id, config),
            attempt,
        )


def log_pause(call: Call[Any], seconds: float) -> None:
    """Log one DEBUG line for a call held back by its route's rate-limit pause."""
    logger.debug("%s %s waits %.2f s for its route's rate limit", call.method, call.path, seconds)


def log_retry(retry_state: tenacity.RetryCallState) -> None:
    """Log one INFO line before a retry: its attempt number, the delay and the reason."""
    outcome = retry_state.outcome
    assert outcome is not None  # tenacity sleeps only after an attempt
    logger.info(
        "Retrying (attempt %d) in %.2f s after: %s",
        retry_state.attempt_number + 1,
        retry_state.upcoming_sleep,
        outcome.exception(),
    )
