# Generated from quickshops/_async/_sender.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""The only code that does I/O: send a call's request, retry it by the policy, read the answer.

A client's shared state holds what it shares with its `with_options` copies: the HTTP
client (the connection pool), the clock and the rate-limit pauses; the sender sends
each call through it. One
call reads top to bottom, its state in its `Call`:

- `send` gives the call its deadline and makes it current, builds the request once,
  makes the first attempt, hands a failed one to `_retry`, and reads the answer
  (`quickshops._response.parse_success`: JSON, unwrapped, decoded to the model);
- `_attempt` makes one attempt: the route's rate-limit turn, the send, a refusal's
  pause, and `_read`, which reads at most `max_response_bytes` of the body; an error
  status or what the HTTP library raised becomes the SDK's error there
  (`quickshops._response`, where every error of a call is built);
- `_retry` (only for a call whose first attempt failed) retries by the policy, within
  the deadline.

Each step is reported as it happens (`quickshops._observe`: the log lines, and, when
the client has a hook or traces, the call's `Watch`: its events and its span).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .._constants import ERROR_BODY_BYTES
from .._deadline import CURRENT, Clock, Deadline, skips_waits
from .._exceptions import QuickshopsError
from .._fork import fork_generation
from .._loops import SyncLoopGuard
from .._observe import Observer, attempted, before_retry, clock, pausing
from .._ratelimit import RateLimits
from .._request import RequestBuilder, new_idempotency_key
from .._response import (
    closed_client_error,
    error_from_response,
    forked_client_error,
    is_decoding_error,
    kept_content,
    other_loop_error,
    parse_success,
    request_id_of,
    send_error,
    too_large_error,
    total_timeout_error,
)
from .._retry import RetryStop, RetryWait, is_retryable, refusal_pause
from .._stack import library_of
from ._backend import SyncOwnClient

if TYPE_CHECKING:
    from .._config import ClientConfig
    from .._request import Call
    from .._stack import HTTPClient
    from ._fleet import FleetLimits, SharedCatalog

T = TypeVar("T")


class SyncSharedState:
    """What a client shares with its `with_options` copies.

    The HTTP client (httpx2 or httpx: the connection pool), the clock of deadlines and
    pauses, the rate-limit pauses of every route, the event loop the pool belongs to,
    and the process generation it was made in. The SDK closes only an HTTP client it
    made (`make` given), and after ``os.fork()`` it makes a new one in the child, so
    that parent and child never share a socket. An HTTP client the caller passed in is
    theirs: it is never closed, and never used in a forked child.
    """

    def __init__(
        self,
        client: HTTPClient | None = None,
        make: Callable[[], HTTPClient] | None = None,
    ) -> None:
        self.make = make
        if make is not None:
            client = make()
        assert client is not None, "give the caller's client or a way to make one"
        self.client = client
        library = library_of(client, "Client")
        assert library is not None, "the client was checked to be an httpx2 or httpx one"
        self.library = library
        """The module of the client's HTTP library, ``httpx2`` or ``httpx``."""
        self.generation: int = fork_generation()
        self.clock: Clock = Clock()
        """The clock of the client's deadlines and pauses, shared by its copies."""
        self.limits: RateLimits = RateLimits(self.clock)
        """The rate-limit pauses of every route, shared by the client's calls and copies."""
        self.loop: SyncLoopGuard = SyncLoopGuard()
        """The event loop the pool belongs to: the first that used it."""
        self.fleets: dict[tuple[str, str], FleetLimits] = {}
        """The pauses shared through a storage, by storage URL and key scope."""
        self.storages: list[FleetLimits | SharedCatalog] = []
        """What talks to a storage for the client (its storefronts too): closed with it."""
        self.closed: bool = False
        """Whether it was closed from another event loop (the client cannot tell)."""

    def get(self, call: Call[T]) -> HTTPClient:
        """Return the client to send `call` with, opening a new one after a fork."""
        if self.generation != fork_generation():
            if self.make is None:
                raise forked_client_error(call)
            self.client, self.generation = self.make(), fork_generation()
            self.loop = SyncLoopGuard()  # new connections: the child's loop may claim them
        if self.closed or self.client.is_closed:
            raise closed_client_error(call)
        if self.loop.is_foreign():
            raise other_loop_error(call.route)
        return self.client

    def fleet(self, config: ClientConfig) -> FleetLimits | None:
        """The pauses `config` shares through its ``rate_limit_storage``, if it names one."""
        url = config.rate_limit_storage
        if url is None:
            return None
        from .._storage import scope  # here: only a client with a storage needs them
        from ._fleet import FleetLimits

        key = (url, scope(config.api_key, config.base_url))
        fleet = self.fleets.get(key)
        if fleet is None:
            fleet = self.fleets[key] = FleetLimits(url, key[1], self.limits)
            self.storages.append(fleet)
        return fleet

    def close(self) -> None:
        """Close the client if the SDK made it; safe to call twice.

        Raises:
            APIConnectionError: Closing from another event loop than the pool's, which
                ends its connections as far as it can (their sockets are shut down).

        """
        for storage in self.storages:
            storage.close()
        if self.make is None:
            return
        if self.loop.is_foreign_to_close():
            self.closed = True
            if isinstance(self.client, SyncOwnClient):
                self.client.shut_down()
            raise other_loop_error(None)
        self.client.close()


class SyncSender:
    """Sends the calls of one client (one configuration) through its shared state, with retries."""

    def __init__(self, shared: SyncSharedState, config: ClientConfig) -> None:
        self.shared = shared
        self.config = config
        self.builder: RequestBuilder = RequestBuilder(shared.library, config)
        """Builds each call's request, with the client's headers merged once."""
        self.fleet: FleetLimits | None = shared.fleet(config)
        """The rate-limit pauses shared through ``rate_limit_storage``, if set."""
        self.observer: Observer | None = Observer.of(config)
        """What reports the calls to the ``on_event`` hook and to OpenTelemetry, if anything."""

    def send(self, call: Call[T]) -> T:
        """Send `call` within its total bound, retrying by the policy, and read its answer."""
        config, shared = self.config, self.shared
        call.limits, call.sleep = shared.limits, self._sleep
        if config.total_timeout is not None:
            call.deadline = Deadline(shared.clock, config.total_timeout)
        token = CURRENT.set(call)
        watch = call.watch = None if self.observer is None else self.observer.watch(call)
        try:
            request = self.builder.build(shared.client, call, new_idempotency_key)
            if watch is not None:
                watch.sending(request)
            try:
                response, content = self._attempt(request, call, 1)
            except QuickshopsError as failure:
                if not config.max_retries or not is_retryable(failure):
                    raise
                response, content = self._retry(request, call, failure)
            answer = parse_success(response, call, config, content)
        except BaseException as exc:
            if watch is not None:
                watch.finished(exc, None)
            raise
        finally:
            CURRENT.reset(token)
        if watch is not None:
            watch.finished(None, request_id_of(response))
        return answer

    def _retry(self, request: Any, call: Call[T], failure: QuickshopsError) -> tuple[Any, bytes]:
        """Retry, by the policy, a call whose first attempt failed with `failure`.

        The retry machinery is built only here, for the calls that need it; tenacity
        sees the first attempt's outcome as its own first attempt. The call stops when
        the next wait would pass its deadline.
        """
        import tenacity  # here, not at the top: most calls never retry

        first: QuickshopsError | None = failure
        stop = RetryStop(self.config, call.deadline)
        retrying = tenacity.Retrying(
            stop=stop,
            wait=RetryWait(self.shared.limits, call.route),
            retry=tenacity.retry_if_exception(is_retryable),
            before_sleep=functools.partial(before_retry, call),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    if first is not None:
                        error, first = first, None
                        raise error
                    number = attempt.retry_state.attempt_number
                    answer = self._attempt(request, call, number)
        except QuickshopsError as exc:
            if stop.out_of_time:
                raise total_timeout_error(call, self.config) from exc
            raise
        return answer

    def _attempt(self, request: Any, call: Call[T], attempt: int) -> tuple[Any, bytes]:
        """Make one attempt: return a 2xx response and its body, or raise its error.

        It first waits for the route's rate-limit turn, if the route is paced.
        """
        shared, fleet = self.shared, self.fleet
        limits, deadline = shared.limits, call.deadline
        # The fleet's turn, when pauses are shared and the storage answers; else this
        # process's own.
        shared_turn = (
            fleet is not None
            and fleet.usable()
            and (fleet.clear(call.route) or fleet.wait(call, self._pause, skips_waits(self.config)))
        )
        if not shared_turn and limits.is_paced(call.route):
            self._take_turn(limits, call)
        client = shared.get(call)
        start = clock()
        # The turn's time, on the clock of the limits: a refusal of a request sent before
        # the route's last one says nothing new. (The pool may take a new turn before
        # writing; that one is its own.)
        sent_at = call.sent_at = shared.clock()
        if deadline is not None and deadline.at - sent_at < self.config.longest_timeout:
            self._bound(request, call, deadline.at - sent_at)
        response = None
        try:
            response = client.send(request, follow_redirects=False, stream=True)
            # A refusal pauses its route at once, before this connection goes back to
            # the pool and to a request that would not know.
            refused = refusal_pause(response.status_code, response.headers)
            if refused is not None:
                limits.refused(call.route, refused, sent_at)
                if fleet is not None and fleet.usable():
                    fleet.refused(call.route, refused, sent_at)
            success = 200 <= response.status_code < 300
            try:
                content = self._read(response, call, success)
            finally:
                response.close()
        except QuickshopsError as error:  # the body was too large, or came too slowly
            attempted(call, self.config, start, attempt, response, error)
            raise
        except Exception as exc:
            failure: QuickshopsError | None
            if deadline is not None and deadline.left() <= 0.001:
                failure = total_timeout_error(call, self.config)
            else:
                failure = send_error(exc, call, self.config)
                if failure is None:
                    raise
            attempted(call, self.config, start, attempt, None, failure, exc)
            raise failure from exc
        if not success:
            refusal = error_from_response(response, call, self.config, content)
            attempted(call, self.config, start, attempt, response, refusal)
            raise refusal
        attempted(call, self.config, start, attempt, response, None)
        limits.succeeded(call.route)
        if fleet is not None and fleet.counting:
            fleet.succeeded(call.route)
        return response, content

    def _take_turn(self, limits: RateLimits, call: Call[T]) -> None:
        """Wait out the paced route's pause, then for the call's turn and its spacing."""
        for wait in (limits.paused_for, limits.turn, limits.space):
            seconds = wait(call.route)
            if seconds:
                self._pause(seconds, call)

    def _pause(self, seconds: float, call: Call[Any]) -> None:
        """Wait out the rate-limit pause of the call's route; it spends no retry."""
        if call.deadline is not None and seconds >= call.deadline.left():
            raise total_timeout_error(call, self.config)
        pausing(call, seconds)
        self._sleep(seconds)

    def _sleep(self, seconds: float) -> None:
        """Wait `seconds`; with instant retries on, move the client's clock past them instead."""
        if skips_waits(self.config):
            self.shared.clock.skip(seconds)
            return
        import time

        time.sleep(seconds)

    def _bound(self, request: Any, call: Call[T], left: float) -> None:
        """Shorten every timeout of the attempt to the `left` seconds before the deadline."""
        if left <= 0:
            raise total_timeout_error(call, self.config)
        request.extensions["timeout"] = {
            phase: left if value is None else min(value, left)
            for phase, value in self.config.timeout_extension.items()
        }

    def _read(self, response: Any, call: Call[T], success: bool) -> bytes:
        """Read the body, decompressed, up to its cap, and return it.

        The cap is `max_response_bytes` for a 2xx, and only as much as a message needs for
        an error status; past it, reading stops. (httpx2 has no public way to read a
        body only so far and keep it on the response: the SDK keeps it beside.)
        """
        cap = self.config.max_response_bytes
        if not success:
            cap = ERROR_BODY_BYTES if cap is None else min(cap, ERROR_BODY_BYTES)
        content = kept_content(response)
        if content is not None:  # read already: held to the same cap
            if cap is None or len(content) <= cap:
                return content
            if success:
                raise too_large_error(response, call, self.config)
            return content[:cap]
        deadline = call.deadline
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if cap is not None and size > cap:
                    if success:
                        raise too_large_error(response, call, self.config)
                    chunks.append(chunk[: len(chunk) - (size - cap)])
                    break
                chunks.append(chunk)
                if deadline is not None and deadline.left() <= 0:
                    raise total_timeout_error(call, self.config)
        except QuickshopsError:
            raise
        except Exception as exc:
            # An error status with an undecodable body is still that error status.
            if success or not is_decoding_error(exc):
                raise
        return b"".join(chunks)
