"""Rate-limit waits shared by every call of a client, route by route. No I/O here.

When the API refuses a call with 429 (or 503 with ``Retry-After``), it will refuse the
next ones as well until the pause it asked for is over. So the refusal pauses the
route for every call of the client (its threads, its tasks, its `with_options`
copies, which share its `RateLimits`), and each call waits before it is sent instead
of being sent into certain refusal; waiting spends no retry.

After the pause, the waiting calls are not let go at once, which would meet the same
refusal: they are let through one by one, spaced by an interval estimated from how
many calls the API accepted before it refused (a little slower than that rate), with
jitter. The estimate is made when the pause ends, once every answer sent before the
refusal is in. (With no call accepted there is no rate to go by, and the pauses alone
hold the calls back.) Every success shortens the interval a little, down to the
estimate; a new refusal lengthens it.
A route with nothing left to pace goes back to sending at once.
"""

from __future__ import annotations

import collections
import random
import threading
import time
from collections.abc import Callable

SAFETY = 1.1
"""How much slower than the estimated rate the calls go after a refusal."""
SPEED_UP = 0.98
"""Each success shortens the interval to this share of itself, down to the estimate."""
SLOW_DOWN = 1.5
"""A refusal while pacing lengthens the interval this much (at least)."""
JITTER = 0.1
"""Up to this share of the interval is added at random to each wait."""
SPACING = 0.9
"""No two requests of a paced route are sent closer than this share of its interval."""
IDLE_PAUSES = 4
"""A route with no refusal and no one waiting for this many pauses paces no more."""
HISTORY = 512
"""How many recent successes a route remembers, for the estimate."""
ROUTES = 256
"""How many routes are remembered (`qs.request` may call many)."""


class _Gate:
    """The pause and the pacing of one route after a refusal."""

    __slots__ = (
        "floor",
        "interval",
        "last_refusal",
        "last_sent",
        "next_slot",
        "pause",
        "paused_until",
    )

    def __init__(self, now: float, pause: float) -> None:
        self.paused_until = now + pause
        self.pause = pause
        self.last_refusal = now
        self.floor: float | None = None  # estimated when the pause ends
        self.interval = 0.0
        self.next_slot = 0.0
        self.last_sent = 0.0

    def idle(self, now: float) -> bool:
        """Whether nothing was refused or paced for a while."""
        quiet = self.pause * IDLE_PAUSES
        return now > self.next_slot + quiet and now > self.last_refusal + quiet


class RateLimits:
    """The rate-limit pauses of one client's routes, shared by its calls.

    Args:
        clock: Monotonic seconds: the client's `quickshops._deadline.Clock`, which
            also measures its deadlines.
        jitter: A random number in [0, 1).

    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._clock = clock
        self._jitter = jitter
        self._lock = threading.Lock()
        self._gates: dict[str, _Gate] = {}
        self._successes: dict[str, collections.deque[float]] = {}

    def now(self) -> float:
        """The clock's reading, for `refused`'s `sent_at` and `wait_again`'s `since`."""
        return self._clock()

    def is_paced(self, route: str) -> bool:
        """Whether `route` has a pause or pacing to wait for (most calls: no)."""
        return route in self._gates

    def paused_for(self, route: str) -> float:
        """The seconds left of the route's pause (0 when it is not paused)."""
        gate = self._gates.get(route)
        return 0.0 if gate is None else max(0.0, gate.paused_until - self._clock())

    def turn(self, route: str) -> float:
        """Take the route's next turn: the seconds to wait before sending (0: at once).

        Call it once the route's pause is over (`paused_for`): the turns after a pause
        are given out from its end.
        """
        gate = self._gates.get(route)
        if gate is None:
            return 0.0
        with self._lock:
            now = self._clock()
            if gate.idle(now):
                self._gates.pop(route, None)
                return 0.0
            if gate.floor is None:
                self._estimate(route, gate)
            start = max(now, gate.paused_until, gate.next_slot)
            gate.next_slot = start + gate.interval
            return start - now + gate.interval * JITTER * self._jitter()

    def space(self, route: str) -> float:
        """Just before sending: what is left to wait so that requests keep their spacing.

        Turns are given out ahead; calls that wake late together (a busy machine, a
        stalled event loop) would go out bunched, and a bunch is what the API refuses.
        """
        gate = self._gates.get(route)
        if gate is None or not gate.interval:
            return 0.0
        with self._lock:
            now = self._clock()
            send = max(now, gate.last_sent + gate.interval * SPACING)
            gate.last_sent = send
            return send - now

    def refused_since(self, route: str, since: float) -> bool:
        """Whether `route` was refused after `since` (when the current turn was taken)."""
        gate = self._gates.get(route)
        return gate is not None and gate.last_refusal > since

    def succeeded(self, route: str) -> None:
        """Note that the API accepted a call of `route`."""
        successes = self._successes.get(route)
        if successes is None:
            if len(self._successes) >= ROUTES:
                with self._lock:
                    self._successes.clear()
            successes = self._successes.setdefault(route, collections.deque(maxlen=HISTORY))
        now = self._clock()
        successes.append(now)
        gate = self._gates.get(route)
        if gate is not None and gate.floor is not None:
            with self._lock:
                gate.interval = max(gate.floor, gate.interval * SPEED_UP)

    def accepted_between(self, route: str, start: float, end: float) -> int:
        """How many calls of `route` the API accepted after `start`, up to `end`."""
        return sum(1 for at in tuple(self._successes.get(route, ())) if start < at <= end)

    def refused(self, route: str, pause: float, sent_at: float) -> None:
        """Note that the API refused a call of `route`, asking to wait `pause` seconds.

        `sent_at` (on this object's clock) is when the refused request was sent: one sent
        before the route's last refusal was already on its way, and says nothing new.
        """
        pause = max(pause, 0.001)
        with self._lock:
            now = self._clock()
            gate = self._gates.get(route)
            if gate is None:
                if len(self._gates) >= ROUTES:
                    self._gates.clear()
                self._gates[route] = _Gate(now, pause)
                return
            gate.paused_until = max(gate.paused_until, now + pause)
            if sent_at < gate.last_refusal:
                return
            gate.pause = pause
            gate.last_refusal = now
            if not gate.floor:
                gate.floor = None  # nothing was known of the rate: estimate again
            gate.interval = min(pause, max(gate.interval * SLOW_DOWN, gate.floor or 0.0))

    def _estimate(self, route: str, gate: _Gate) -> None:
        """Estimate the rate the API takes from the calls it accepted around the refusal.

        Those answered from a pause before the refusal up to the end of the pause were
        all sent before the refusal was known.
        """
        since = gate.last_refusal - gate.pause
        history = tuple(self._successes.get(route, ()))
        accepted = sum(1 for at in history if since < at <= gate.paused_until)
        gate.floor = min(gate.pause, gate.pause / accepted * SAFETY) if accepted else 0.0
        gate.interval = min(gate.pause, max(gate.interval, gate.floor))
