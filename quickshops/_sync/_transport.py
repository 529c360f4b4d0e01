# Generated from quickshops/_async/_transport.py by scripts/unasync.py: edit that file, not this one.
"""The only code that does I/O: send a request, retry it by the policy, decode the answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

import httpx

from .._exceptions import QuickshopsError
from .._http import (
    build_request,
    clock,
    closed_client_error,
    error_from_response,
    log_attempt,
    new_idempotency_key,
    parse_success,
    transport_error,
)
from .._retry import is_retryable, log_retry, retry_delay

if TYPE_CHECKING:
    from .._config import ClientConfig
    from .._http import RequestSpec

T = TypeVar("T")


class SyncTransport:
    """Sends the requests of one client through an `httpx.Client`, with retries."""

    def __init__(self, client: httpx.Client, config: ClientConfig) -> None:
        self.client = client
        self.config = config

    def request(self, spec: RequestSpec[T]) -> T:
        """Send the call `spec` describes, retrying by the policy, and decode its answer."""
        request = build_request(self.client, self.config, spec, new_idempotency_key)
        try:
            response = self._send(request, spec, 1)
        except QuickshopsError as failure:
            if not self.config.max_retries or not is_retryable(failure):
                raise
            response = self._retry(request, spec, failure)
        return parse_success(response, spec, self.config)

    def _retry(
        self, request: httpx.Request, spec: RequestSpec[T], failure: QuickshopsError
    ) -> httpx.Response:
        """Retry, by the policy, a call whose first attempt failed with `failure`.

        The retry machinery is built only here, for the calls that need it; tenacity
        sees the first attempt's outcome as its own first attempt.
        """
        import time  # here, not at the top: most calls never retry
        import tenacity

        first: QuickshopsError | None = failure
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.config.max_retries + 1),
            wait=retry_delay,
            retry=tenacity.retry_if_exception(is_retryable),
            before_sleep=log_retry,
            sleep=time.sleep,
            reraise=True,
        )
        for attempt in retrying:
            with attempt:
                if first is not None:
                    error, first = first, None
                    raise error
                response = self._send(request, spec, attempt.retry_state.attempt_number)
        return response

    def _send(
        self, request: httpx.Request, spec: RequestSpec[T], attempt: int
    ) -> httpx.Response:
        """Make one attempt: return a 2xx response or raise the error it amounts to."""
        if self.client.is_closed:
            raise closed_client_error(spec)
        start = clock()
        try:
            response = self.client.send(request, follow_redirects=False)
        except httpx.HTTPError as exc:
            log_attempt(spec, start, attempt, exc=exc)
            raise transport_error(exc, spec, self.config) from exc
        log_attempt(spec, start, attempt, response=response)
        if not response.is_success:  # the body was read, and the response closed
            raise error_from_response(response, spec, self.config)
        return response
