"""An async client used from a second event loop fails clearly, as the SDK's error.

The scenario runs in a fresh interpreter: closing an event loop that made real
connections leaves sockets only the garbage collector can close.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from quickshops.testing import SECRET_KEY, EmulatorServer

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from quickshops import APIConnectionError, AsyncQuickshops

    qs = AsyncQuickshops(api_key=sys.argv[2], base_url=sys.argv[1], max_retries=0)
    assert asyncio.run(qs.health.check()).ok
    try:
        asyncio.run(qs.health.check())
    except APIConnectionError as exc:
        assert isinstance(exc.__cause__, RuntimeError), exc.__cause__
        assert exc.retryable is False
        print(exc.message)
    """
)


def test_client_reused_in_a_new_event_loop() -> None:
    """A pool opened under one asyncio.run() is refused under the next, with what to do."""
    with EmulatorServer() as server:
        done = subprocess.run(
            [sys.executable, "-W", "ignore::ResourceWarning", "-c", SCRIPT, server.url, SECRET_KEY],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert (0, "") == (done.returncode, done.stderr)
    assert "create one client per event loop" in done.stdout
