"""A webhook endpoint on loopback for tests: records each POST, answers scripted statuses."""

from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator


class _Handler(BaseHTTPRequestHandler):
    server: WebhookReceiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.server.received.append((self.path, body, dict(self.headers.items())))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


class WebhookReceiver(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 recording ``(path, body, headers)`` of every POST."""

    daemon_threads = True

    def __init__(self, statuses: tuple[int, ...] = ()) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[tuple[str, bytes, dict[str, str]]] = []
        self.statuses = list(statuses)

    @property
    def url(self) -> str:
        """The server's origin, ``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextlib.contextmanager
def receiving(*statuses: int) -> Iterator[WebhookReceiver]:
    """Serve a `WebhookReceiver` from a thread; it answers `statuses` first, then 200."""
    with WebhookReceiver(statuses) as server:
        thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
        thread.start()
        try:
            yield server
        finally:
            server.shutdown()
            thread.join(5)
