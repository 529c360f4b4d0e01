"""Serve the emulator over loopback HTTP for the load tests, failing some requests with 503.

Run as its own process, ``python tests/reliability/loadserver.py``, so that the test
process holds only client sockets. The API key to accept comes from the environment
variable ``LOAD_API_KEY``. The server prints its base URL as the first line of stdout,
serves until its stdin closes, then prints its figures as one line of JSON.

A request whose ``x-load-call`` header names its call (the load tests set it with an
httpx event hook) fails with 503 with probability ``LOAD_FAILURE_RATE`` (0.1), through
the emulator's own fault injection, but never more than ``LOAD_MAX_FAILURES`` (2) times
for one call: a client with that many retries must therefore always succeed.

With ``LOAD_RATE_LIMIT`` set, the emulator also takes at most that many requests a
second per route (the rate-limit storm). The server counts the statuses it answered,
and, per call and route, the effects the emulator applied (a
replayed Idempotency-Key applies none), so that "exactly once" is judged by what the
server did for each call, whatever the call returned.
"""

from __future__ import annotations

import collections
import json
import os
import random
import sys
import threading
from typing import TYPE_CHECKING

from quickshops.testing import Emulator, EmulatorServer, RateLimit

if TYPE_CHECKING:
    from collections.abc import Mapping

    from quickshops.testing import Reply


class FlakyEmulator(Emulator):
    """An emulator that fails a random share of each call's requests with 503."""

    def __init__(self, rate: float, max_failures: int, seed: int) -> None:
        super().__init__()
        self.rate = rate
        self.max_failures = max_failures
        self.handled = 0
        self.injected = 0
        self.failed_calls: collections.Counter[str] = collections.Counter()
        self.statuses: collections.Counter[str] = collections.Counter()
        self.applied: dict[str, collections.Counter[str]] = collections.defaultdict(
            collections.Counter
        )
        self._random = random.Random(seed)
        self._flaky_lock = threading.Lock()

    def handle(
        self,
        method: str,
        path: str,
        query: str = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> Reply:
        """Decide whether this request fails, then let the emulator answer it."""
        call = {name.lower(): value for name, value in (headers or {}).items()}.get("x-load-call")
        with self._flaky_lock:  # the planned failure must meet this very request
            self.handled += 1
            if (
                call is not None
                and self.failed_calls[call] < self.max_failures
                and self._random.random() < self.rate
            ):
                self.failed_calls[call] += 1
                self.injected += 1
                self.faults.fail_next("*", status=503)
            before = self.effects.copy()
            reply = super().handle(method, path, query, headers, body)
            self.statuses[str(reply.status)] += 1
            if call is not None:
                for route, applied in (self.effects - before).items():
                    self.applied[route][call] += applied
            return reply

    def figures(self) -> dict[str, object]:
        """What the server saw: requests, 503s injected, calls failed, effects by call."""
        return {
            "requests": self.handled,
            "injected_503": self.injected,
            "calls_failed_once": sum(1 for n in self.failed_calls.values() if n == 1),
            "calls_failed_twice_or_more": sum(1 for n in self.failed_calls.values() if n > 1),
            "effects": dict(self.effects),
            "statuses": dict(self.statuses),
            "applied": {route: dict(calls) for route, calls in self.applied.items()},
        }


def main() -> None:
    """Serve until stdin closes, then print the figures."""
    emulator = FlakyEmulator(
        rate=float(os.environ.get("LOAD_FAILURE_RATE", "0.1")),
        max_failures=int(os.environ.get("LOAD_MAX_FAILURES", "2")),
        seed=int(os.environ.get("LOAD_SEED", "0")),
    )
    emulator.add_key(os.environ["LOAD_API_KEY"])
    if os.environ.get("LOAD_RATE_LIMIT"):
        emulator.set_rate_limit("*", RateLimit(int(os.environ["LOAD_RATE_LIMIT"]), 1.0))
    server = EmulatorServer(emulator)
    print(server.url, flush=True)

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()
        server.stop()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    server.serve_forever()
    print(json.dumps(emulator.figures()), flush=True)


if __name__ == "__main__":
    main()
