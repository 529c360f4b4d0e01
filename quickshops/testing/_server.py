"""Serve an emulator over real HTTP on loopback with the standard library."""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from quickshops.testing._emulator import Emulator
from quickshops.testing._seed import BASE_PATH, PAGES_PATH

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["EmulatorServer"]

_POLL_SECONDS = 0.02  # how long stop() may wait for the serving loop to notice
LISTEN_BACKLOG = 1024
"""Connections the server's socket holds before it accepts them (the kernel may cap it)."""


class EmulatorServer:
    """An HTTP server on loopback answering from an `Emulator`.

    The socket is bound on creation, so `url` is known at once. Use it as a
    context manager (serving from a background thread), or call `serve_forever`
    to serve from the calling thread until `stop` or ``KeyboardInterrupt``.
    A delay holds the response back; a dropped response closes the connection
    without writing anything. In both cases the emulator has already applied the
    request.

    It also serves the checkout and portal pages under ``/pages`` (the emulator's
    `pages_url` is set to this server while it exists), so a session's URL can be
    opened in a browser and paid or cancelled there.

    Examples:
        >>> import httpx2
        >>> with EmulatorServer() as server:
        ...     httpx2.get(f"{server.url}/health", timeout=5.0).status_code
        200

    Attributes:
        emulator: The emulator answering the requests.

    """

    emulator: Emulator

    def __init__(
        self, emulator: Emulator | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        """Bind a server for ``emulator`` (a new one if None) on ``host``:``port``.

        Args:
            emulator: The emulator answering the requests.
            host: The IPv4 address to listen on.
            port: The port to listen on; 0 picks a free one.

        Raises:
            OSError: When the address cannot be bound.

        """
        self.emulator = emulator if emulator is not None else Emulator()
        self._httpd = _HTTPServer((host, port), self.emulator)
        self._pages_url_before = self.emulator.pages_url
        self.emulator.pages_url = self.url.removesuffix(BASE_PATH)
        self._thread: threading.Thread | None = None
        self._serving = False
        self._closed = False

    @property
    def url(self) -> str:
        """The base URL of the API, e.g. ``http://127.0.0.1:8080/v1``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}{BASE_PATH}"

    def start(self) -> EmulatorServer:
        """Serve from a background thread and return the server.

        Raises:
            RuntimeError: When the server is already serving or stopped.

        """
        self._claim()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            args=(_POLL_SECONDS,),
            name="quickshops-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve from the calling thread until `stop` is called; then clean up.

        Raises:
            RuntimeError: When the server is already serving or stopped.

        """
        self._claim()
        try:
            self._httpd.serve_forever(_POLL_SECONDS)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving, close every connection and the socket; calling it again is a no-op."""
        if self._closed:
            return
        self._closed = True
        if self.emulator.pages_url == self.url.removesuffix(BASE_PATH):
            self.emulator.pages_url = self._pages_url_before
        self._httpd.stopping.set()
        if self._serving:
            self._httpd.shutdown()
        self._httpd.close_connections()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _claim(self) -> None:
        if self._serving or self._closed:
            raise RuntimeError("the server is already serving or stopped")
        self._serving = True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handler threads
    # The standard library listens with a backlog of 5: with more connections arriving at
    # once, the kernel drops their handshakes and clients stall a second or more.
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        self.stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the peer
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client went away, e.g. after its own timeout
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Head and body go out in two writes; with Nagle's algorithm the body would wait for
    # the client's delayed ACK, some 40 ms per response on a kept-alive connection.
    disable_nagle_algorithm = True
    server: _HTTPServer

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            self.send_error(400, "Invalid Content-Length")
            return
        body = self.rfile.read(length)
        path, _, query = self.path.partition("?")
        if path.startswith(PAGES_PATH + "/"):
            reply = self.server.emulator.page(self.command, path)
        else:
            reply = self.server.emulator.handle(
                self.command, path, query, dict(self.headers.items()), body
            )
        if self.server.stopping.wait(reply.delay) or reply.dropped:
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the console quiet; the emulator records every request."""
