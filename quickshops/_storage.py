"""Where what clients learn is shared beyond one process: a storage URL and its engine.

``rate_limit_storage`` and ``catalog_storage`` take a URL: ``memory://`` (the
in-process default: nothing shared), or ``redis://``, ``rediss://``, ``valkey://`` or
``valkeys://`` for a Redis or Valkey server, spoken to through redis-py (the
``quickshops[redis]`` extra), imported only when such a URL is used. This module holds
what the async and sync sides share: the URL's check, the connection, the key names
and the Lua scripts that change the shared state in one step on the server's clock.
`quickshops._async._fleet` (and the sync module generated from it) runs them.

No secret reaches the storage: an API key appears in key names only as a keyed hash.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ._constants import LOGGER_NAME
from ._exceptions import InvalidRequestError

if TYPE_CHECKING:
    from ._models import Catalog
    from ._request import Call

AsyncPause = Callable[[float, "Call[Any]"], Awaitable[None]]
"""How the async sender waits a rate-limit pause of a call (its deadline checked)."""
SyncPause = Callable[[float, "Call[Any]"], None]
"""How the sync sender waits a rate-limit pause of a call (its deadline checked)."""
AsyncFetch = Callable[[], Awaitable["Catalog"]]
"""How the async storefront reads the catalogue from the API."""
SyncFetch = Callable[[], "Catalog"]
"""How the sync storefront reads the catalogue from the API."""

MEMORY = "memory://"
"""The in-process default: nothing is shared beyond the process."""
SCHEMES = {"redis": "redis", "rediss": "rediss", "valkey": "redis", "valkeys": "rediss"}
"""The storage URL schemes, and the redis-py scheme each is spoken with."""
STORAGE_TIMEOUT = 0.25
"""Seconds a storage operation may take before the storage counts as unreachable."""
RETRY_STORAGE = 1.0
"""Seconds an unreachable storage is left alone before it is tried again."""
PREFIX = "quickshops"
"""The first part of every key the SDK writes."""

logger = logging.getLogger(LOGGER_NAME)


def storage_url(name: str, value: str | None) -> str | None:
    """`value` checked as a storage URL: None for in-process state (None or ``memory://``).

    Raises:
        InvalidRequestError: Not a URL of one of the schemes, or its engine (redis-py)
            is not installed.
    """
    if value is None or value == MEMORY:
        return None
    scheme = value.partition("://")[0] if isinstance(value, str) else ""
    if not isinstance(value, str) or "://" not in value or scheme not in SCHEMES:
        raise InvalidRequestError(
            f"{name} must be a storage URL such as 'redis://localhost:6379/0' (rediss://, "
            f"valkey:// and valkeys:// too) or {MEMORY!r}, not {value!r}."
        )
    try:
        import redis  # noqa: F401  (the engine: checked now, used on first need)
    except ImportError:
        raise InvalidRequestError(
            f"{name}={scheme}://... needs redis-py: pip install 'quickshops[redis]'."
        ) from None
    return value


def redis_url(url: str) -> str:
    """The URL as redis-py takes it (``valkey://`` is ``redis://`` to it)."""
    scheme, _, rest = url.partition("://")
    return f"{SCHEMES[scheme]}://{rest}"


def connect_async(url: str) -> Any:
    """A redis-py asyncio client of the storage at `url`: short timeouts, no retries."""
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    return Redis.from_url(redis_url(url), retry=Retry(NoBackoff(), 0), **_OPTIONS)


def connect_sync(url: str) -> Any:
    """A redis-py client of the storage at `url`: short timeouts, no retries."""
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return Redis.from_url(redis_url(url), retry=Retry(NoBackoff(), 0), **_OPTIONS)


# A storage that does not answer at once is taken as gone: the call goes on without it
# (and its own retries would only hold the call back).
_OPTIONS: dict[str, Any] = {
    "socket_timeout": STORAGE_TIMEOUT,
    "socket_connect_timeout": STORAGE_TIMEOUT,
    "health_check_interval": 0,
}


def scope(api_key: str, base_url: str) -> str:
    """The part of a key name that stands for one API key at one base URL: a keyed hash."""
    import hashlib
    import hmac

    digest = hmac.new(b"quickshops storage", f"{api_key}\n{base_url}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def safe(text: str) -> str:
    """`text` (a route) as a part of a key name."""
    return re.sub(r"[^\w/{}.-]", "_", text)


class Outage:
    """Whether a storage is usable, with one warning per outage and a note when it is back."""

    def __init__(self, what: str, clock: Any) -> None:
        self._what = what
        self._clock = clock
        self._down_until: float | None = None
        self.probing = False
        """Whether a caller was let through to try the storage again: it must ask it."""

    def usable(self) -> bool:
        """Whether to use the storage now.

        While it is down, no: but a second after it failed, one caller (only one) is
        let through to try it again.
        """
        if self._down_until is None:
            return True
        now = self._clock()
        if now < self._down_until:
            return False
        self._down_until = now + RETRY_STORAGE  # this caller tries; the others wait
        self.probing = True
        return True

    def failed(self, error: BaseException) -> None:
        """Note that the storage failed; warn once per outage."""
        self.probing = False
        if self._down_until is None:
            logger.warning(
                "%s is unreachable (%s: %s); falling back to this process's own state "
                "until it is back",
                self._what,
                type(error).__name__,
                error,
            )
        self._down_until = self._clock() + RETRY_STORAGE

    def worked(self) -> None:
        """Note that the storage answered; say so when it was down."""
        self.probing = False
        if self._down_until is not None:
            self._down_until = None
            logger.info("%s is reachable again; sharing resumes", self._what)


# The shared state of one route of one key, a hash whose fields are integers:
# until      end of the pause, in milliseconds on the server's clock
# pause      the last refusal's pause, in milliseconds
# refusal    when the last new refusal was noted
# epoch      when the current estimate's window started (a refusal's time)
# accepted   calls the clients said the API accepted in that window
# floor      the estimated interval between calls, in microseconds (-1: not yet)
# interval   the interval the turns are given out at, in microseconds
# next       when the next turn starts, in microseconds
# The key expires once nothing was refused or paced for a few pauses.
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
"""

REFUSED = (
    _NOW
    + """
local pause = tonumber(ARGV[1]) * 1000
local sent = now - tonumber(ARGV[2]) * 1000
local idle = tonumber(ARGV[3])
local slow = tonumber(ARGV[4])
local g = redis.call('HMGET', KEYS[1], 'until', 'refusal', 'floor', 'interval', 'next')
if not g[1] then
  redis.call('HSET', KEYS[1], 'until', now + pause, 'pause', pause, 'refusal', now,
             'epoch', now, 'accepted', 0, 'floor', -1, 'interval', 0, 'next', 0)
  redis.call('PEXPIRE', KEYS[1], math.ceil((pause + pause * idle) / 1000))
  return {now, 0}
end
local untl = math.max(tonumber(g[1]), now + pause)
redis.call('HSET', KEYS[1], 'until', untl)
if sent >= tonumber(g[2]) then
  local floor, interval = tonumber(g[3]), tonumber(g[4])
  if floor == 0 then  -- nothing was known of the rate: estimate it again
    redis.call('HSET', KEYS[1], 'floor', -1, 'epoch', now, 'accepted', 0)
    interval = math.min(pause, interval * slow)
  elseif floor > 0 and now >= tonumber(g[2]) + pause then  -- the estimate let too many through:
    floor = math.min(pause, math.floor(floor * tonumber(ARGV[5])))  -- slower, once a pause
    interval = math.min(pause, math.max(interval, floor))
    redis.call('HSET', KEYS[1], 'floor', floor)
  end
  redis.call('HSET', KEYS[1], 'pause', pause, 'refusal', now, 'interval', interval)
end
local last = math.max(untl, tonumber(g[5]))
redis.call('PEXPIRE', KEYS[1], math.ceil((last - now + pause * idle) / 1000))
local epoch = tonumber(redis.call('HGET', KEYS[1], 'epoch'))
return {epoch, now - epoch}
"""
)
"""A refusal of the route: pause it for everyone. ARGV: pause (ms), the request's age
(ms), the idle pauses, the slow-down while nothing is known of the rate, the share by
which a refusal slows a known estimate. Returns the estimate's epoch and its age (µs).

Unlike one client's pacing, the fleet's does not lengthen its interval many times over
on a burst of refusals (each worker sees its own): the pause holds everyone back, and
the estimate itself is made a little slower, so that the pace settles below the limit."""

TURN = (
    _NOW
    + """
local g = redis.call('HMGET', KEYS[1], 'until', 'pause', 'epoch', 'accepted', 'floor',
                     'interval', 'next')
if not g[1] then
  return {-1}
end
local untl, pause, epoch = tonumber(g[1]), tonumber(g[2]), tonumber(g[3])
if now < untl then
  return {0, untl - now, epoch, now - epoch, pause, tonumber(g[6])}
end
local floor, interval = tonumber(g[5]), tonumber(g[6])
if floor < 0 then
  local accepted = tonumber(g[4])
  if accepted > 0 then  -- accepted in the pause before the refusal
    floor = math.min(pause, math.floor(pause / accepted * tonumber(ARGV[2])))
  else
    floor = 0
  end
  interval = math.min(pause, math.max(interval, floor))
  redis.call('HSET', KEYS[1], 'floor', floor, 'interval', interval)
end
local start = math.max(now, tonumber(g[7]))
local last = start + interval
redis.call('HSET', KEYS[1], 'next', last,
           'interval', math.max(floor, math.floor(interval * tonumber(ARGV[3]))))
redis.call('PEXPIRE', KEYS[1], math.ceil((last - now + pause * tonumber(ARGV[1])) / 1000))
return {1, start - now, epoch, now - epoch, pause, interval}
"""
)
"""A call's turn on the route; each turn shortens the interval a little, down to the
estimate. ARGV: the idle pauses, the safety factor, the speed-up. Returns {-1}
when the route is not paced, else {kind (0: paused, 1: a turn), wait, epoch, its age,
pause, interval}, times in µs."""

ACCEPTED = """
if redis.call('HGET', KEYS[1], 'epoch') == ARGV[1] then
  redis.call('HINCRBY', KEYS[1], 'accepted', ARGV[2])
end
return 0
"""
"""Add a client's accepted calls (ARGV[2]) to the estimate of epoch ARGV[1]."""

RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""
"""Release a lock held with the token ARGV[1] (a lock taken over after its bound is not)."""

PAUSED = (
    _NOW
    + """
local untl = redis.call('HGET', KEYS[1], 'until')
if untl and now < tonumber(untl) then
  return tonumber(untl) - now
end
return 0
"""
)
"""Just before sending on a turn taken earlier: the µs left of a pause begun meanwhile."""
