"""Rate-limit pauses and pacing shared by every client of one key through a storage.

With ``rate_limit_storage`` set, a refusal one client meets pauses its route for every
client of the same key and base URL that uses the same storage, in any process on any
machine; after the pause the turns are given out one by one across all of them, at an
interval estimated from the calls the whole fleet had accepted (each client adds its
own count once it learns of the refusal). It is `quickshops._ratelimit` on the
storage's clock, changed in one step by the scripts of `quickshops._storage`.

A route that is not paced costs no storage round trip on most calls: "not paced" is
kept for `FRESH` seconds. A storage that cannot be reached fails no call: the client
falls back to its own in-process pauses (`RateLimits`) and tries the storage again a
second later, logging one warning per outage.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .._models import Catalog, decode
from .._ratelimit import IDLE_PAUSES, JITTER, SAFETY, SLOW_DOWN, SPEED_UP, RateLimits
from .._storage import (
    ACCEPTED,
    PAUSED,
    PREFIX,
    REFUSED,
    RELEASE,
    TURN,
    AsyncFetch,
    AsyncPause,
    Outage,
    connect_async,
    safe,
)

if TYPE_CHECKING:
    from .._request import Call

FRESH = 0.02
"""Seconds a client keeps knowing that a route is not paced before asking again."""
GRACE = 0.1
"""After a refusal, answers count toward the estimate for this share of the pause."""
SETTLE = 1.05
"""A refusal while the fleet is paced lengthens its estimated interval this much."""
LOCK_SECONDS = 10.0
"""How long a client may hold the catalogue's refresh before another may take it over."""
LOCK_POLL = 0.05
"""Seconds between looks at the catalogue while another client refreshes it."""


class AsyncStorage:
    """A storage at `url`, connected on first use, whose outages are noted.

    Args:
        url: The storage URL (``redis://...``).
        what: The option that named it, for the outage's warning.
        clock: Monotonic seconds, for the outage's quiet second.
    """

    def __init__(self, url: str, what: str, clock: Callable[[], float]) -> None:
        self._url = url
        self._outage = Outage(what, clock)
        self._redis: Any = None
        self._scripts: dict[str, Any] = {}

    def usable(self) -> bool:
        """Whether to ask the storage now (not during an outage's quiet second)."""
        return self._outage.usable()

    def _connection(self) -> Any:
        """The redis-py client, made on first use (after a failure, a new one)."""
        if self._redis is None:
            self._redis = connect_async(self._url)
        return self._redis

    def _script(self, source: str) -> Any:
        """The Lua `source` registered with the connection, once."""
        runner = self._scripts.get(source)
        if runner is None:
            runner = self._scripts[source] = self._connection().register_script(source)
        return runner

    async def _failed(self, error: BaseException) -> None:
        """Note the failure and drop the connections: new ones once it is back."""
        self._outage.failed(error)
        storage, self._redis = self._redis, None
        self._scripts.clear()
        if storage is not None:
            with contextlib.suppress(Exception):
                await storage.aclose()

    async def aclose(self) -> None:
        """Close the connections to the storage."""
        if self._redis is not None:
            await self._redis.aclose()


class AsyncFleetLimits(AsyncStorage):
    """The rate-limit pauses of one key's routes, shared through the storage at `url`.

    Args:
        url: The storage URL (``redis://...``).
        scope: The keyed hash of the API key and base URL (`quickshops._storage.scope`).
        limits: The client's in-process pauses: its successes are counted there, and
            it stands in while the storage is unreachable.
    """

    def __init__(self, url: str, scope: str, limits: RateLimits) -> None:
        super().__init__(url, "rate_limit_storage", limits.now)
        self._prefix = f"{PREFIX}:rl:{scope}:"
        self._limits = limits
        self._fresh: dict[str, float] = {}  # route: until when it is known not to be paced
        self._epochs: dict[str, int] = {}  # route: the estimate this client added to
        self._counting: dict[str, float] = {}  # route: until when its successes are added

    @property
    def counting(self) -> bool:
        """Whether some route's successes are being added to the fleet's estimate."""
        return bool(self._counting)

    def clear(self, route: str) -> bool:
        """Whether `route` is known not to be paced (asked less than `FRESH` seconds ago).

        Most calls stop here, without a round trip to the storage.
        """
        fresh = self._fresh.get(route)
        return fresh is not None and self._limits.now() < fresh and not self._outage.probing

    async def wait(
        self,
        call: Call[Any],
        pause: AsyncPause,
        instant: bool,
    ) -> bool:
        """Wait for the call's turn on its route, as the whole fleet gives them out.

        `pause` waits (the sender's: it checks the deadline and logs). With `instant`
        (waits skipped), a pause is skipped once, not asked about again. Returns False
        when the storage failed, for the in-process pauses to stand in.
        """
        route = call.route
        while True:
            answer = await self._ask(TURN, route, IDLE_PAUSES, SAFETY, SPEED_UP)
            if answer is None:
                return False
            if answer[0] == -1:
                self._fresh[route] = self._limits.now() + FRESH
                return True
            self._fresh.pop(route, None)
            kind, wait, epoch, age, pause_us, interval = (int(value) for value in answer)
            if not await self._add_accepted(route, epoch, age, pause_us):
                return False
            if kind == 1:
                jitter = interval * JITTER * random.random()  # noqa: S311  (spreading, not secrecy)
                seconds = (wait + jitter) / 1e6
                if seconds <= 0.001 or instant:
                    return True
                await pause(seconds, call)
                # A refusal while this call slept paused the route: not into it.
                paused = await self._ask(PAUSED, route)
                if not paused:
                    return paused is not None
                await pause(int(paused) / 1e6, call)
                continue
            await pause(wait / 1e6, call)
            if instant:
                return True

    async def refused(self, route: str, pause: float, sent_at: float) -> None:
        """Pause `route` for every client: the API refused a call sent at `sent_at`."""
        self._fresh.pop(route, None)
        age = max(0, round((self._limits.now() - sent_at) * 1000))
        answer = await self._ask(
            REFUSED, route, round(pause * 1000), age, IDLE_PAUSES, SLOW_DOWN, SETTLE
        )
        if answer is not None:
            await self._add_accepted(route, int(answer[0]), int(answer[1]), round(pause * 1e6))

    async def succeeded(self, route: str) -> None:
        """Add a success to the fleet's estimate, when it may answer an earlier request.

        That is, a success a little after the refusal that began the estimate: the
        answer to a request sent before it.
        """
        until = self._counting.get(route)
        if until is None:
            return
        if self._limits.now() >= until:
            del self._counting[route]
            return
        await self._ask(ACCEPTED, route, self._epochs[route], 1)

    async def _add_accepted(self, route: str, epoch: int, age: int, pause: int) -> bool:
        """Add this client's accepted calls to the estimate of `epoch`, once.

        Those accepted from a pause before the refusal to a little after it (`GRACE` of
        the pause: the answers already on their way), as one client counts them.
        """
        if self._epochs.get(route) == epoch:
            return True
        self._epochs[route] = epoch
        now = self._limits.now()
        refused_at = now - age / 1e6
        end = refused_at + pause / 1e6 * GRACE
        if now < end:  # answers still to come count too
            self._counting[route] = end
        accepted = self._limits.accepted_between(route, refused_at - pause / 1e6, end)
        return not accepted or await self._ask(ACCEPTED, route, epoch, accepted) is not None

    async def _ask(self, script: str, route: str, *args: Any) -> Any:
        """Run `script` on the route's key; None when the storage failed (noted)."""
        try:
            answer = await self._script(script)(keys=[self._prefix + safe(route)], args=list(args))
        except Exception as error:  # whatever the storage does, the call goes on
            await self._failed(error)
            return None
        self._outage.worked()
        return answer if answer is not None else 0


class AsyncSharedCatalog(AsyncStorage):
    """A storefront's catalogue kept in a storage, shared by every process that reads it.

    It is kept for the storefront's ``catalog_max_age`` seconds. When it is missing,
    one client at a time across the fleet refreshes it, under a lock in the storage
    that expires after `LOCK_SECONDS`, so that a holder that crashed cannot hold the
    others back for longer; the others wait for the refreshed one.

    Args:
        url: The storage URL.
        scope: The keyed hash of the API key and base URL.
        max_age: Seconds the catalogue is kept.
        clock: Monotonic seconds.
    """

    def __init__(self, url: str, scope: str, max_age: float, clock: Callable[[], float]) -> None:
        super().__init__(url, "catalog_storage", clock)
        self._key = f"{PREFIX}:catalog:{scope}"
        self._max_age = max_age

    async def get(self, fetch: AsyncFetch) -> tuple[Catalog, float] | None:
        """The shared catalogue and the seconds it has left, fetched here when missing.

        `fetch` reads it from the API; it runs here only when no other client holds
        the lock. None when the storage failed: the caller reads the catalogue itself.
        """
        import uuid

        token = uuid.uuid4().hex
        while True:
            try:
                async with self._connection().pipeline(transaction=False) as pipe:
                    pipe.get(self._key).pttl(self._key)
                    raw, left = await pipe.execute()
                if raw is not None:
                    self._outage.worked()
                    catalog = decode(Catalog, json.loads(raw), "GET /catalog")
                    return catalog, max(0.0, left / 1000)
                locked = await self._redis.set(
                    self._key + ":refresh", token, nx=True, px=round(LOCK_SECONDS * 1000)
                )
            except Exception as error:  # whatever the storage does, the call goes on
                await self._failed(error)
                return None
            self._outage.worked()
            if locked:
                return await self._refresh(fetch, token), self._max_age
            await sleep(LOCK_POLL)

    async def _refresh(self, fetch: AsyncFetch, token: str) -> Catalog:
        """Fetch the catalogue, keep it in the storage and release the lock."""
        try:
            catalog = await fetch()
            raw = json.dumps(catalog.to_dict(wire=True), separators=(",", ":"))
            with contextlib.suppress(Exception):  # a storage failure fails no call
                await self._redis.set(self._key, raw, px=max(1, round(self._max_age * 1000)))
            return catalog
        finally:
            with contextlib.suppress(Exception):  # a storage failure fails no call
                await self._script(RELEASE)(keys=[self._key + ":refresh"], args=[token])


async def sleep(seconds: float) -> None:
    """Wait `seconds` (while another client refreshes the catalogue)."""
    import anyio

    await anyio.sleep(seconds)
