"""The only code that does I/O: send a call's request, retry it by the policy, read the answer.

The pool holds the HTTP client (the connection pool) that a client and its
`with_options` copies share; the sender sends each call through it. One call reads top
to bottom: `send` builds the request once, `_attempt` makes one attempt, and `_retry`
(only for a call whose first attempt failed) retries by the policy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from .._exceptions import QuickshopsError
from .._failures import closed_client_error, forked_client_error, is_decoding_error, send_error
from .._fork import fork_generation
from .._logging import clock, log_attempt, log_retry
from .._request import build_request, new_idempotency_key
from .._response import error_from_response, parse_success
from .._retry import is_retryable, retry_delay
from .._stack import library_of

if TYPE_CHECKING:
    from typing import Any

    from .._config import ClientConfig
    from .._request import Call
    from .._stack import AsyncHTTPClient

T = TypeVar("T")


class AsyncPool:
    """The HTTP client (httpx2 or httpx) of a client, shared with its `with_options` copies.

    The SDK closes only a pool it made (`make` given), and after ``os.fork()`` it makes
    a new one in the child, so that parent and child never share a socket. A pool the
    caller passed in is theirs: it is never closed, and never used in a forked child.
    """

    def __init__(
        self,
        client: AsyncHTTPClient | None = None,
        make: Callable[[], AsyncHTTPClient] | None = None,
    ) -> None:
        self.make = make
        if make is not None:
            client = make()
        assert client is not None, "give the caller's client or a way to make one"
        self.client = client
        library = library_of(client)
        assert library is not None, "the client was checked to be an httpx2 or httpx one"
        self.library = library
        """The module of the client's HTTP library, ``httpx2`` or ``httpx``."""
        self.generation = fork_generation()

    def get(self, call: Call[T]) -> AsyncHTTPClient:
        """Return the client to send `call` with, opening a new one after a fork."""
        if self.generation != fork_generation():
            if self.make is None:
                raise forked_client_error(call)
            self.client, self.generation = self.make(), fork_generation()
        if self.client.is_closed:
            raise closed_client_error(call)
        return self.client

    async def aclose(self) -> None:
        """Close the client if the SDK made it; safe to call twice."""
        if self.make is not None:
            await self.client.aclose()


class AsyncSender:
    """Sends the calls of one client (one configuration) through its pool, with retries."""

    def __init__(self, pool: AsyncPool, config: ClientConfig) -> None:
        self.pool = pool
        self.config = config
        self.headers = pool.library.Headers(config.headers)
        """The headers of every request, as the pool's library holds them, built once."""

    async def send(self, call: Call[T]) -> T:
        """Send `call`, retrying by the policy, and read its answer."""
        pool = self.pool
        request = build_request(
            pool.client, pool.library, self.headers, self.config, call, new_idempotency_key
        )
        try:
            response = await self._attempt(request, call, 1)
        except QuickshopsError as failure:
            if not self.config.max_retries or not is_retryable(failure):
                raise
            response = await self._retry(request, call, failure)
        return parse_success(response, call, self.config)

    async def _retry(self, request: Any, call: Call[T], failure: QuickshopsError) -> Any:
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
                response = await self._attempt(request, call, attempt.retry_state.attempt_number)
        return response

    async def _attempt(self, request: Any, call: Call[T], attempt: int) -> Any:
        """Make one attempt: return a 2xx response or raise the error it amounts to."""
        client = self.pool.get(call)
        start = clock()
        try:
            response = await client.send(request, follow_redirects=False, stream=True)
            try:
                await response.aread()
            except Exception as exc:
                # An error status with an undecodable body is still that error status.
                if response.is_success or not is_decoding_error(exc):
                    raise
            finally:
                await response.aclose()
        except Exception as exc:
            error = send_error(exc, call, self.config)
            if error is None:
                raise
            log_attempt(call, self.config, start, attempt, exc=exc)
            raise error from exc
        log_attempt(call, self.config, start, attempt, response=response)
        if not response.is_success:
            raise error_from_response(response, call, self.config)
        return response
