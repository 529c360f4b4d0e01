"""Serve an emulator over real HTTP/1.1: h11 over plain sockets, one thread per connection.

h11 parses every request and frames every answer; this module adds what a server
reachable from the network needs around it: a bounded number of connection threads,
limits on a request's head and body, an idle timeout and a bound on each request's
arrival, and an answer for everything it reads, a malformed request included. A
request the server refuses gets 400, 408, 413, 431 (or 501 for a transfer coding
other than chunked) with ``Connection: close``, and one line on the
``quickshops.testing`` logger.
"""

from __future__ import annotations

import contextlib
import http
import logging
import re
import secrets
import socket
import threading
import time
from typing import TYPE_CHECKING

import attrs
import h11

from quickshops.testing._emulator import Emulator
from quickshops.testing._replies import Reply, error_body, json_reply
from quickshops.testing._seed import BASE_PATH, PAGES_PATH

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType

__all__ = ["EmulatorServer"]

LISTEN_BACKLOG = 1024
"""Connections the server's socket holds before it accepts them (the kernel may cap it)."""

logger = logging.getLogger("quickshops.testing")

_POLL_SECONDS = 0.02  # how long stop() may wait for the serving loop to notice
_LINGER_SECONDS = 1.0  # how long a refused request's remaining bytes are read and discarded
_RECV_BYTES = 65536
_HEAD_END = re.compile(rb"\n\r?\n")  # where h11 ends a head
_CONTENT_LENGTH = re.compile(rb"^content-length:([^\r\n]*)", re.IGNORECASE | re.MULTILINE)
_CODES = {
    408: "REQUEST_TIMEOUT",
    413: "PAYLOAD_TOO_LARGE",
    431: "REQUEST_HEADER_FIELDS_TOO_LARGE",
    500: "INTERNAL_ERROR",
    501: "NOT_IMPLEMENTED",
}  # the codes of the server's own answers; any other status h11 suggests is a 400
_FRAMING = frozenset({"content-length", "transfer-encoding"})  # the server frames bodies


class EmulatorServer:
    """An HTTP/1.1 server answering from an `Emulator`, on loopback unless told otherwise.

    The socket is bound on creation, so `url` is known at once. Use it as a
    context manager (serving from a background thread), or call `serve_forever`
    to serve from the calling thread until `stop` or ``KeyboardInterrupt``.
    A delay holds the response back; a dropped response closes the connection
    without writing anything. In both cases the emulator has already applied the
    request.

    It also serves the checkout and portal pages under ``/pages`` (the emulator's
    `pages_url` is set to this server while it exists), so a session's URL can be
    opened in a browser and paid or cancelled there.

    Each connection is served by its own thread, at most `max_connections` at once;
    further connections wait in the listen backlog (`LISTEN_BACKLOG`) until one ends.
    A connection is closed when it has not started its next request within
    `idle_timeout` seconds; a request that has not arrived whole within
    `request_timeout` seconds of its first byte gets 408. A body over
    `max_body_bytes` gets 413 and a head over `max_head_bytes` 431; a malformed
    request gets 400. Each of these refusals closes the connection and is logged as
    one line on the ``quickshops.testing`` logger. Request headers sent more than
    once reach the emulator joined by ``", "``.

    Examples:
        >>> import httpx2
        >>> with EmulatorServer() as server:
        ...     httpx2.get(f"{server.url}/health", timeout=5.0).status_code
        200

    Attributes:
        emulator: The emulator answering the requests.
        max_body_bytes: The largest request body read, in bytes.
        max_head_bytes: The largest request head read, in bytes.
        idle_timeout: Seconds a connection may wait before starting its next request.
        request_timeout: Seconds a request may take to arrive whole once started, and
            its answer to be taken.

    """

    emulator: Emulator

    def __init__(
        self,
        emulator: Emulator | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_connections: int = 256,
        max_body_bytes: int = 1048576,
        max_head_bytes: int = 65536,
        idle_timeout: float = 10.0,
        request_timeout: float = 10.0,
    ) -> None:
        """Bind a server for ``emulator`` (a new one if None) on ``host``:``port``.

        Args:
            emulator: The emulator answering the requests.
            host: The IPv4 address to listen on.
            port: The port to listen on; 0 picks a free one.
            max_connections: Connections served at once, one thread each; the next
                ones wait in the listen backlog.
            max_body_bytes: The largest request body read (1 MiB); a larger one gets 413.
            max_head_bytes: The largest request head read (64 KiB), the request line and
                headers; a larger one gets 431.
            idle_timeout: Seconds a connection may wait before starting a request; it is
                then closed.
            request_timeout: Seconds a request may take to arrive whole once its first
                byte has (else 408), and its answer to be taken by the client.

        Raises:
            ValueError: When a limit or a timeout is not positive.
            OSError: When the address cannot be bound.

        """
        limits = (max_connections, max_body_bytes, max_head_bytes, idle_timeout, request_timeout)
        if min(limits) <= 0:
            raise ValueError(
                "max_connections, max_body_bytes, max_head_bytes, idle_timeout and "
                f"request_timeout must all be positive; got {limits}"
            )
        self.emulator = emulator if emulator is not None else Emulator()
        self.max_body_bytes = max_body_bytes
        self.max_head_bytes = max_head_bytes
        self.idle_timeout = idle_timeout
        self.request_timeout = request_timeout
        self._max_connections = max_connections
        self._listener = socket.create_server((host, port), backlog=LISTEN_BACKLOG)
        bound_host, bound_port = self._listener.getsockname()[:2]
        self._url = f"http://{bound_host}:{bound_port}{BASE_PATH}"
        self._pages_url_before = self.emulator.pages_url
        self.emulator.pages_url = self._url.removesuffix(BASE_PATH)
        self._slots = threading.BoundedSemaphore(max_connections)
        self._stopping = threading.Event()
        self._loop_done = threading.Event()
        self._lock = threading.Lock()
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._thread: threading.Thread | None = None
        self._serving = False
        self._closed = False

    @property
    def url(self) -> str:
        """The base URL of the API, e.g. ``http://127.0.0.1:8080/v1``."""
        return self._url

    @property
    def max_connections(self) -> int:
        """How many connections are served at once (set at construction)."""
        return self._max_connections

    def start(self) -> EmulatorServer:
        """Serve from a background thread and return the server.

        Raises:
            RuntimeError: When the server is already serving or stopped.

        """
        self._claim()
        self._thread = threading.Thread(target=self._serve, name="quickshops-emulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve from the calling thread until `stop` is called; then clean up.

        Raises:
            RuntimeError: When the server is already serving or stopped.

        """
        self._claim()
        try:
            self._serve()
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop serving, close every connection and the socket; calling it again is a no-op.

        A delayed answer still waiting is not sent; the connection threads are joined.
        """
        with self._lock:  # two threads stopping at once: the first does it
            if self._closed:
                return
            self._closed = True
        if self.emulator.pages_url == self._url.removesuffix(BASE_PATH):
            self.emulator.pages_url = self._pages_url_before
        self._stopping.set()
        if self._serving:
            self._loop_done.wait()
        self._listener.close()
        with self._lock:
            connections = list(self._connections.items())
        for connection, _ in connections:
            with contextlib.suppress(OSError):  # already closed by the peer
                connection.shutdown(socket.SHUT_RDWR)
        for _, thread in connections:
            if thread is not threading.current_thread():
                thread.join()
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

    def _serve(self) -> None:
        """Accept connections until stopped, each served by its own thread."""
        self._listener.settimeout(_POLL_SECONDS)
        try:
            while not self._stopping.is_set():
                if not self._slots.acquire(timeout=_POLL_SECONDS):
                    continue  # every slot is taken: new connections wait in the backlog
                try:
                    connection, address = self._listener.accept()
                except OSError:  # no connection yet (a timeout), or one that was reset
                    self._slots.release()
                    continue
                self._spawn(connection, f"{address[0]}:{address[1]}")
        finally:
            self._loop_done.set()

    def _spawn(self, connection: socket.socket, peer: str) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(connection, peer),
            name=f"quickshops-emulator {peer}",
            daemon=True,
        )
        with self._lock:
            self._connections[connection] = thread
        try:
            thread.start()
        except RuntimeError as exc:  # the process can start no more threads now
            logger.warning("%s: closed unserved, no thread could serve it (%s)", peer, exc)
            self._release(connection)

    def _serve_connection(self, connection: socket.socket, peer: str) -> None:
        try:
            with contextlib.suppress(OSError):  # reset before it could be served
                _Connection(self, connection, peer).serve()
        finally:
            self._release(connection)

    def _release(self, connection: socket.socket) -> None:
        """Forget `connection`, close it, and free its slot for the next one."""
        with self._lock:
            del self._connections[connection]
        connection.close()
        self._slots.release()

    def _error(self, status: int, message: str) -> Reply:
        """An error answer of the server itself, in the emulator's error style."""
        request_id = f"req_{secrets.token_hex(8)}"
        code = _CODES.get(status, "BAD_REQUEST")
        body = error_body(self.emulator.error_style, status, code, message, request_id)
        return json_reply(status, body, {"x-request-id": request_id})


@attrs.frozen
class _Incoming:
    """One request as it arrived: what `Emulator.handle` is given."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class _Refused(Exception):
    """A request the server answers itself with `status`, closing the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Connection:
    """One client connection: requests read with h11 and answered, until it ends."""

    def __init__(self, server: EmulatorServer, sock: socket.socket, peer: str) -> None:
        self.server = server
        self.sock = sock
        self.peer = peer
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=server.max_head_bytes)
        self.method = "GET"  # the current request's, once its head is read
        # The head goes out in the same write as the body, but a 100 Continue or an
        # answer that does not fit one segment must not wait for the client's delayed ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def serve(self) -> None:
        """Answer requests until the client, a timeout, a refusal or `stop` ends it."""
        try:
            while True:
                incoming = self._receive()
                if incoming is None:
                    return
                reply = self._answer(incoming)
                if self.server._stopping.wait(reply.delay) or reply.dropped:
                    return
                self._write(reply)
                if self.h11.our_state is not h11.DONE or self.h11.their_state is not h11.DONE:
                    return  # Connection: close, or HTTP/1.0
                self.h11.start_next_cycle()
        except _Refused as refused:
            if not self.server._stopping.is_set():
                self._refuse(refused)
        except OSError:
            return  # the client went away, or stop() closed the connection

    def _receive(self) -> _Incoming | None:
        """Read the next request whole; None when the connection ends between requests.

        Raises:
            _Refused: When the request is malformed, too large or too slow.
            OSError: When the connection fails.

        """
        head = bytearray(self.h11.trailing_data[0])  # what arrived with the last request
        started = bool(head)
        deadline = time.monotonic() + (
            self.server.request_timeout if started else self.server.idle_timeout
        )
        request: h11.Request | None = None
        self.method = "GET"
        body = bytearray()
        while True:
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as exc:
                status = exc.error_status_hint
                message = self._head_too_large() if status == 431 else f"Malformed request: {exc}"
                raise _Refused(status, message) from None
            if event is h11.NEED_DATA:
                try:
                    data = _recv(self.sock, deadline)
                except TimeoutError:
                    if not started:
                        return None  # idle: close quietly
                    raise _Refused(
                        408, f"The request did not arrive within {self.server.request_timeout} s"
                    ) from None
                if not started and data:
                    started = True
                    deadline = time.monotonic() + self.server.request_timeout
                if request is None:
                    head += data
                self.h11.receive_data(data)
            elif isinstance(event, h11.Request):
                request = event
                self.method = request.method.decode("ascii")
                self._check_head(request, bytes(head))
                if self.h11.they_are_waiting_for_100_continue:
                    continuing = h11.InformationalResponse(status_code=100, headers=[])
                    self._send(self.h11.send(continuing))
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > self.server.max_body_bytes:
                    raise _Refused(413, self._too_large())
            elif isinstance(event, h11.EndOfMessage):
                assert request is not None  # h11 sends the head first
                return _Incoming(
                    self.method,
                    request.target.decode("ascii"),
                    _joined(request.headers),
                    bytes(body),
                )
            else:  # ConnectionClosed: the client closed between requests
                return None

    def _check_head(self, request: h11.Request, head: bytes) -> None:
        """Refuse what h11 accepts but this server does not.

        A head over `max_head_bytes`; Content-Length twice (h11 merges equal ones) or
        as a list; Content-Length with Transfer-Encoding; a declared body over
        `max_body_bytes`.
        """
        end = _HEAD_END.search(head)
        assert end is not None  # h11 has read the head, and `head` holds all of it
        size = end.end()
        if size > self.server.max_head_bytes:
            raise _Refused(431, self._head_too_large())
        # h11 merges equal Content-Length headers; the raw head still shows them.
        lengths = _CONTENT_LENGTH.findall(head, 0, size)
        if len(lengths) > 1 or any(b"," in value for value in lengths):
            raise _Refused(400, "Send one Content-Length header, holding one number")
        names = dict(request.headers)
        if b"content-length" in names and b"transfer-encoding" in names:
            raise _Refused(400, "Send Content-Length or Transfer-Encoding: chunked, not both")
        if int(names.get(b"content-length", b"0")) > self.server.max_body_bytes:
            raise _Refused(413, self._too_large())

    def _head_too_large(self) -> str:
        return (
            f"The request's line and headers are larger than {self.server.max_head_bytes} "
            "bytes, the server's limit (EmulatorServer's max_head_bytes)"
        )

    def _too_large(self) -> str:
        return (
            f"The request body is larger than {self.server.max_body_bytes} bytes, the "
            "server's limit (EmulatorServer's max_body_bytes)"
        )

    def _answer(self, incoming: _Incoming) -> Reply:
        path, _, query = incoming.target.partition("?")
        emulator = self.server.emulator
        try:
            if path.startswith(PAGES_PATH + "/"):
                return emulator.page(incoming.method, path)
            return emulator.handle(incoming.method, path, query, incoming.headers, incoming.body)
        except Exception:
            logger.exception(
                "%s %s %s: the emulator raised; answered 500",
                self.peer,
                incoming.method,
                incoming.target,
            )
            return self.server._error(500, "The emulator failed; its log has the traceback")

    def _write(self, reply: Reply, *, close: bool = False) -> None:
        """Send `reply` as one write: head and body together."""
        head, body = self._framed(reply, close=close)
        data = self.h11.send(head) + self.h11.send(h11.Data(data=body))
        self._send(data + self.h11.send(h11.EndOfMessage()))

    def _framed(self, reply: Reply, *, close: bool) -> tuple[h11.Response, bytes]:
        """The head and body of `reply`; a 500's when a header cannot be sent as it is."""
        bodiless = reply.status in (204, 304)
        headers = [
            (name, value) for name, value in reply.headers.items() if name.lower() not in _FRAMING
        ]
        if not bodiless:
            headers.append(("content-length", str(len(reply.body))))
        if close:
            headers.append(("connection", "close"))
        try:
            phrase = http.HTTPStatus(reply.status).phrase
        except ValueError:
            phrase = ""
        try:
            # h11 refuses a name or value holding CR, LF or another control character.
            head = h11.Response(
                status_code=reply.status,
                headers=[(name.encode("ascii"), value.encode("ascii")) for name, value in headers],
                reason=phrase.encode("ascii"),
            )
        except (UnicodeEncodeError, h11.LocalProtocolError) as exc:
            logger.warning(
                "%s: a %d answer has a header that cannot be sent (%s); answered 500",
                self.peer,
                reply.status,
                exc,
            )
            error = self.server._error(500, "The emulator's answer had a header it cannot send")
            return self._framed(error, close=close)
        return head, b"" if bodiless or self.method == "HEAD" else reply.body

    def _refuse(self, refused: _Refused) -> None:
        """Answer a refused request, close the connection, and log one line."""
        logger.warning("%s: refused with %d: %s", self.peer, refused.status, refused.message[:200])
        with contextlib.suppress(OSError):
            self._write(self.server._error(refused.status, refused.message), close=True)
            # Read what the client is still sending, so that closing with unread bytes
            # does not reset the connection before the client has read the answer.
            self.sock.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + _LINGER_SECONDS
            while _recv(self.sock, deadline):
                pass

    def _send(self, data: bytes) -> None:
        self.sock.settimeout(self.server.request_timeout)
        self.sock.sendall(data)


def _recv(sock: socket.socket, deadline: float) -> bytes:
    """Read what has arrived, waiting no later than `deadline` (monotonic seconds).

    Raises:
        TimeoutError: When the deadline passes first.

    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("the deadline has passed")
    sock.settimeout(remaining)
    return sock.recv(_RECV_BYTES)


def _joined(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Request headers by lowercase name; one sent more than once joined by ``", "``."""
    joined: dict[str, str] = {}
    for name, value in headers:
        key, text = name.decode("ascii"), value.decode("latin-1")
        joined[key] = f"{joined[key]}, {text}" if key in joined else text
    return joined
