"""The only code that does I/O: send a request, retry it by the policy, decode the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import httpx

from .._exceptions import QuickshopsError
from .._http import (
    build_request,
    clock,
    closed_client_error,
    error_from_response,
    fork_generation,
    forked_client_error,
    log_attempt,
    new_idempotency_key,
    parse_success,
    transport_error,
    unusable_pool_error,
)
from .._retry import is_retryable, log_retry, retry_delay

if TYPE_CHECKING:
    from .._config import ClientConfig
    from .._http import RequestSpec

T = TypeVar("T")


class AsyncPool:
    """The `httpx.AsyncClient` of a client, shared with its `with_options` copies.

    The SDK closes only a pool it made (`make` given), and after ``os.fork()`` it makes
    a new one in the child, so that parent and child never share a socket. A pool the
    caller passed in is theirs: it is never closed, and never used in a forked child.
    """

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        make: Callable[[], httpx.AsyncClient] | None = None,
    ) -> None:
        self.make = make
        if make is not None:
            client = make()
        assert client is not None, "give the caller's client or a way to make one"
        self.client = client
        self.generation = fork_generation()

    def get(self, spec: RequestSpec[T]) -> httpx.AsyncClient:
        """Return the client to send `spec` with, opening a new one after a fork."""
        if self.generation != fork_generation():
            if self.make is None:
                raise forked_client_error(spec)
            self.client, self.generation = self.make(), fork_generation()
        if self.client.is_closed:
            raise closed_client_error(spec)
        return self.client

    async def aclose(self) -> None:
        """Close the client if the SDK made it; safe to call twice."""
        if self.make is not None:
            await self.client.aclose()


class AsyncTransport:
    """Sends the requests of one client through its pool, with retries."""

    def __init__(self, pool: AsyncPool, config: ClientConfig) -> None:
        self.pool = pool
        self.config = config

    async def request(self, spec: RequestSpec[T]) -> T:
        """Send the call `spec` describes, retrying by the policy, and decode its answer."""
        request = build_request(self.pool.client, self.config, spec, new_idempotency_key)
        try:
            response = await self._send(request, spec, 1)
        except QuickshopsError as failure:
            if not self.config.max_retries or not is_retryable(failure):
                raise
            response = await self._retry(request, spec, failure)
        return parse_success(response, spec, self.config)

    async def _retry(
        self, request: httpx.Request, spec: RequestSpec[T], failure: QuickshopsError
    ) -> httpx.Response:
        """Retry, by the policy, a call whose first attempt failed with `failure`.

        The retry machinery is built only here, for the calls that need it; tenacity
        sees the first attempt's outcome as its own first attempt.
        """
        import anyio  # here, not at the top: most calls never retry
        import tenacity

        first: QuickshopsError | None = failure
        retrying = tenacity.AsyncRetrying(
            stop=tenacity.stop_after_attempt(self.config.max_retries + 1),
            wait=retry_delay,
            retry=tenacity.retry_if_exception(is_retryable),
            before_sleep=log_retry,
            sleep=anyio.sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                if first is not None:
                    error, first = first, None
                    raise error
                response = await self._send(request, spec, attempt.retry_state.attempt_number)
        return response

    async def _send(
        self, request: httpx.Request, spec: RequestSpec[T], attempt: int
    ) -> httpx.Response:
        """Make one attempt: return a 2xx response or raise the error it amounts to."""
        client = self.pool.get(spec)
        start = clock()
        try:
            response = await client.send(request, follow_redirects=False, stream=True)
            try:
                await response.aread()
            except httpx.DecodingError:
                if response.is_success:
                    raise
                # An error status with an undecodable body is still that error status.
            finally:
                await response.aclose()
        except httpx.HTTPError as exc:
            log_attempt(spec, self.config, start, attempt, exc=exc)
            raise transport_error(exc, spec, self.config) from exc
        except RuntimeError as exc:  # e.g. connections of an event loop now closed
            log_attempt(spec, self.config, start, attempt, exc=exc)
            raise unusable_pool_error(exc, spec, self.config) from exc
        log_attempt(spec, self.config, start, attempt, response=response)
        if not response.is_success:
            raise error_from_response(response, spec, self.config)
        return response
