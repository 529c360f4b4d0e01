"""An async client belongs to one event loop: another one gets the SDK's error, never a bare one.

Each scenario runs in a fresh interpreter: a loop that made real connections and then
closed leaves sockets that only the garbage collector can close.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from quickshops.testing import SECRET_KEY

SCRIPT = textwrap.dedent(
    """
    import socket, sys, threading, time
    import anyio
    from quickshops import APIConnectionError, AsyncQuickshops

    first, second, key = sys.argv[1:4]
    ended = []

    def serve(connection):
        with connection:
            connection.recv(65536)
            body = b'{"ok": true, "service": "quickshops", "version": "1", "uptime": 5}'
            connection.sendall(
                b"HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\n"
                b"content-length: %d\\r\\n\\r\\n%s" % (len(body), body)
            )
            while connection.recv(65536):  # until the client ends the connection
                pass
            ended.append(True)

    listener = socket.create_server(("127.0.0.1", 0))
    def accept():
        while True:
            connection, _ = listener.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1"

    qs = AsyncQuickshops(api_key=key, base_url=url, max_retries=0)

    async def call():
        return await qs.health.check()

    async def close():
        await qs.aclose()

    if first == "asyncio in a thread":  # the first loop is still running, elsewhere
        import asyncio
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, daemon=True).start()
        assert asyncio.run_coroutine_threadsafe(call(), loop).result(10).ok
    else:
        assert anyio.run(call, backend=first).ok
    for step in (call, close):
        try:
            anyio.run(step, backend=second)
        except APIConnectionError as exc:
            assert exc.retryable is False
            print(exc.message)
    deadline = time.monotonic() + 5
    while not ended and time.monotonic() < deadline:
        time.sleep(0.01)
    print("connection ended" if ended else "connection left open")
    """
)

PAIRS = [
    ("asyncio", "asyncio"),
    ("asyncio", "trio"),
    ("trio", "asyncio"),
    ("trio", "trio"),
    ("asyncio in a thread", "asyncio"),
    ("asyncio in a thread", "trio"),
]


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_a_client_used_and_closed_from_a_second_loop(first: str, second: str) -> None:
    """A call from a second loop is refused unsent; closing from it ends the connection."""
    done = subprocess.run(
        [sys.executable, "-W", "ignore::ResourceWarning", "-c", SCRIPT, first, second, SECRET_KEY],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (0, "") == (done.returncode, done.stderr)
    sent, closed, released = done.stdout.splitlines()
    assert sent.startswith("GET /health was not sent from another event loop")
    assert closed.startswith("The client was closed from another event loop")
    assert "one client per loop" in sent
    assert "connection ended" == released
