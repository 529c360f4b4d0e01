"""A loopback server that answers one connection a byte at a time, for the total bound."""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

ANSWER = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"


@contextlib.contextmanager
def dripping(every: float = 0.02, answer: bytes = ANSWER) -> Iterator[str]:
    """Answer one connection with `answer`, a byte every `every` seconds; yield the origin.

    No read timeout of a client ever trips; only a bound on the whole call ends it. The
    server stops when the block ends (the connection must have come by then).
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10.0)
    stop = threading.Event()

    def drip() -> None:
        connection, _ = listener.accept()
        left = answer
        with connection, contextlib.suppress(OSError):  # OSError: the client hung up
            while not stop.wait(every):
                connection.sendall(left[:1])
                left = left[1:]

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()
