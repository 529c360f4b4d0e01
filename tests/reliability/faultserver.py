"""A scriptable HTTP/1.1 server on loopback, for faults below the level of HTTP statuses.

`FaultServer` binds 127.0.0.1 on a free port and serves each connection from its own
thread with the standard library only (`socket`, `threading`). Every request it reads
takes the next `Action` of its script; once the script is spent it answers from an
`Emulator`, so a client sees a working API again. An action can answer from the
emulator and then lose the answer (the change is applied, the client never hears of
it), reset the connection, cut the body short, stall past the client's read timeout,
reply with bytes that are not HTTP, send any status, headers and body verbatim, drip a
response a byte at a time (`Drip`), or flood the client with a body far too large
(`Flood`: a huge or endless one, or a gzip bomb).

A server built with ``listening=False`` holds its port without listening, so a client
meets "connection refused" until `FaultServer.start` is called.

Example:
    >>> with FaultServer(Emulator()) as server:
    ...     server.script(Respond(503), Reset())
    ...     # the next two requests fail; the third is answered by the emulator

"""

from __future__ import annotations

import collections
import http
import socket
import struct
import threading
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from quickshops.testing import Emulator

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from types import TracebackType

__all__ = [
    "Action",
    "Drip",
    "Flood",
    "Emulate",
    "FaultServer",
    "Raw",
    "Received",
    "Reset",
    "ResetOnAccept",
    "Respond",
    "Stall",
]

POLL_SECONDS = 0.005
"""How often blocked threads look at the stop flag: the bound on how long stop() takes."""

HTML_PROXY_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Received:
    """One request as the server read it off the socket.

    Attributes:
        method: The HTTP method.
        target: The raw request target: path and query, still percent-encoded.
        headers: The headers, with lowercase names.
        body: The body.

    """

    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes

    @property
    def path(self) -> str:
        """The raw path, without the query."""
        return self.target.partition("?")[0]


_Outcome = Literal["keep", "close", "reset"]


class Action:
    """What the server does with one request (or, for `ResetOnAccept`, one connection)."""

    def perform(self, server: FaultServer, conn: socket.socket, request: Received) -> _Outcome:
        """Answer `request` on `conn`; say whether to keep, close or reset the connection."""
        raise NotImplementedError


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _head(status: int, headers: Mapping[str, str], length: int | None) -> bytes:
    lines = [f"HTTP/1.1 {status} {_reason(status)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if length is not None and not any(name.lower() == "content-length" for name in headers):
        lines.append(f"content-length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@dataclass(frozen=True)
class Respond(Action):
    """Send `status`, `headers` and `body` verbatim (nothing is applied).

    Attributes:
        status: The status code.
        body: The body.
        headers: The headers; ``content-length`` is added unless given.
        close: Close the connection after the response.

    """

    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    close: bool = False

    def perform(self, server: FaultServer, conn: socket.socket, request: Received) -> _Outcome:
        """Write the response."""
        conn.sendall(_head(self.status, self.headers, len(self.body)) + self.body)
        return "close" if self.close else "keep"


@dataclass(frozen=True)
class Emulate(Action):
    """Answer from the emulator, which applies the request; then deliver the answer or not.

    Attributes:
        after: ``"reply"`` sends the answer; ``"drop"`` closes without a byte;
            ``"reset"`` resets the connection; ``"truncate"`` sends the head and half
            the body, then closes; ``"stall"`` sends nothing for `stall` seconds.
        close: With ``"reply"``, close the connection after the answer.
        stall: Seconds ``"stall"`` waits before closing (or until the server stops).

    """

    after: Literal["reply", "drop", "reset", "truncate", "stall"] = "reply"
    close: bool = False
    stall: float = 2.0

    def perform(self, server: FaultServer, conn: socket.socket, request: Received) -> _Outcome:
        """Apply the request through the emulator, then deliver as told."""
        path, _, query = request.target.partition("?")
        reply = server.emulator.handle(request.method, path, query, request.headers, request.body)
        if reply.dropped or self.after == "drop":
            return "close"
        if self.after == "reset":
            return "reset"
        if self.after == "stall":
            server.stopping.wait(self.stall)
            return "close"
        if reply.delay:
            server.stopping.wait(reply.delay)
        headers = dict(reply.headers)
        if self.close:
            headers["connection"] = "close"
        head = _head(reply.status, headers, len(reply.body))
        if self.after == "truncate":
            conn.sendall(head + reply.body[: len(reply.body) // 2])
            return "close"
        conn.sendall(head + reply.body)
        return "close" if self.close else "keep"


@dataclass(frozen=True)
class Raw(Action):
    """Write `data` (e.g. an SSH banner, a TLS alert, half a status line) and close."""

    data: bytes

    def perform(self, server: FaultServer, conn: socket.socket, request: Received) -> _Outcome:
        """Write the bytes."""
        conn.sendall(self.data)
        return "close"


@dataclass(frozen=True)
class Reset(Action):
    """Reset the connection (TCP RST) after reading the request, without applying it."""

    def perform(self, server: FaultServer, conn: socket.socket, request: Received) -> _Outcome:
        """Reset."""
        return "reset"


@dataclass(frozen=True)
class Stall(Action):
    """Read the request, then send nothing for `seconds` (or until the server stops)."""

    seconds: float = 2.0

    def perform(self, server: FaultServer, conn: socket.socket, request: Received) -> _Outcome:
        """Wait, then close."""
        server.stopping.wait(self.seconds)
        return "close"


@dataclass(frozen=True)
class Drip(Action):
    """Send a response one byte at a time, `every` seconds apart, from its head or its body.

    Attributes:
        part: ``"head"`` drips from the status line on; ``"body"`` sends the head at once.
        every: Seconds between two bytes.
        body: The body, valid JSON of a health answer by default.

    """

    part: Literal["head", "body"]
    every: float = 0.05
    body: bytes = b'{"ok": true, "service": "dripping", "version": "1"}'

    def perform(self, server: FaultServer, conn: socket.socket, request: Received) -> _Outcome:
        """Drip until done, the client gone or the server stopped."""
        head = _head(200, {"content-type": "application/json"}, len(self.body))
        data = head + self.body
        start = 0 if self.part == "head" else len(head)
        conn.sendall(data[:start])
        for index in range(start, len(data)):
            if server.stopping.wait(self.every):
                break
            conn.sendall(data[index : index + 1])
        return "close"


_GZIP_BOMB: list[bytes] = []


def gzip_bomb() -> bytes:
    """About 1 MiB of gzip that decompresses to 1 GiB of zeros (made once)."""
    if not _GZIP_BOMB:
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        zeros = bytes(1 << 20)
        parts = [packer.compress(zeros) for _ in range(1024)]
        _GZIP_BOMB.append(b"".join(parts) + packer.flush())
    return _GZIP_BOMB[0]


@dataclass(frozen=True)
class Flood(Action):
    """Send `status` with a body far larger than a client should read.

    Attributes:
        status: The status code.
        size: The body's length; None sends a chunked body that never ends.
        bomb: Send `gzip_bomb` with ``content-encoding: gzip`` instead.

    """

    status: int = 200
    size: int | None = None
    bomb: bool = False

    def perform(self, server: FaultServer, conn: socket.socket, request: Received) -> _Outcome:
        """Send until done, the client gone or the server stopped."""
        conn.settimeout(1.0)  # a client that stops reading is waited for, not spun on
        chunk = b"x" * 65536
        try:
            if self.bomb:
                bomb = gzip_bomb()
                headers = {"content-type": "application/json", "content-encoding": "gzip"}
                conn.sendall(_head(self.status, headers, len(bomb)) + bomb)
            elif self.size is not None:
                conn.sendall(_head(self.status, {"content-type": "application/json"}, self.size))
                for _ in range(self.size // len(chunk)):
                    if server.stopping.is_set():
                        break
                    conn.sendall(chunk)
            else:
                headers = {"content-type": "application/json", "transfer-encoding": "chunked"}
                conn.sendall(_head(self.status, headers, None))
                while not server.stopping.is_set():
                    conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except TimeoutError:
            pass  # the client stopped reading without closing
        return "close"


@dataclass(frozen=True)
class ResetOnAccept(Action):
    """Reset a new connection as soon as it is accepted, before the request is read.

    It is taken when a connection is accepted while it heads the script; a script using
    it should close kept-alive connections (``Emulate(close=True)``) so that the
    client's next attempt opens a new one.
    """

    def perform(self, server: FaultServer, conn: socket.socket, request: Received) -> _Outcome:
        """Reached only when a kept-alive connection meets it: a mistake in the script."""
        server.errors.append("ResetOnAccept met a request on a kept-alive connection")
        return "reset"


_EMULATE = Emulate()


def _set_reset(conn: socket.socket) -> None:
    """Make close() send a TCP RST instead of a FIN."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


class FaultServer:
    """A loopback HTTP server whose answers follow a script of `Action` s.

    Attributes:
        emulator: Answers every request once the script is spent.
        requests: Every request read, in order.
        connections: How many connections were accepted.
        errors: Failures inside the server's threads; a test expects none.
        stopping: Set by `stop`; every wait of the server ends when it is set.

    """

    def __init__(self, emulator: Emulator | None = None, *, listening: bool = True) -> None:
        """Bind 127.0.0.1 on a free port; listen at once unless `listening` is False."""
        self.emulator = emulator if emulator is not None else Emulator()
        self.requests: list[Received] = []
        self.connections = 0
        self.errors: list[str] = []
        self.stopping = threading.Event()
        self._script: collections.deque[Action] = collections.deque()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.settimeout(POLL_SECONDS)
        self.port: int = self._listener.getsockname()[1]
        self._started = False
        if listening:
            self.start()

    @property
    def url(self) -> str:
        """The base URL of the API, e.g. ``http://127.0.0.1:8080/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        """Start listening and accepting connections (once)."""
        with self._lock:
            if self._started or self.stopping.is_set():
                return
            self._started = True
            self._listener.listen(64)
            self._spawn(self._accept_loop)

    def script(self, *actions: Action) -> None:
        """Append `actions` to the script: the next requests take them in order."""
        with self._lock:
            self._script.extend(actions)

    def clear(self) -> list[Action]:
        """Remove the actions not yet taken, and return them."""
        with self._lock:
            left = list(self._script)
            self._script.clear()
            return left

    def stop(self) -> None:
        """Stop accepting, end every connection and join every thread; idempotent."""
        self.stopping.set()
        joined = 0
        while True:  # the accept loop may start one last thread while we join
            with self._lock:
                threads = self._threads[joined:]
            if not threads:
                break
            for thread in threads:
                thread.join(timeout=5.0)
                if thread.is_alive():
                    self.errors.append(f"a server thread still runs after stop: {thread.name}")
            joined += len(threads)
        self._listener.close()

    def __enter__(self) -> FaultServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(
            target=self._guarded, args=(target, *args), name="faultserver", daemon=True
        )
        self._threads.append(thread)
        thread.start()

    def _guarded(self, target: Callable[..., None], *args: object) -> None:
        try:
            target(*args)
        except Exception as exc:  # a broken server must fail the test, not hang it
            self.errors.append(f"{type(exc).__name__}: {exc}")

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(POLL_SECONDS)
            with self._lock:
                self.connections += 1
                reset = bool(self._script) and isinstance(self._script[0], ResetOnAccept)
                if reset:
                    self._script.popleft()
                else:
                    self._spawn(self._serve, conn)
            if reset:
                _set_reset(conn)
                conn.close()

    def _serve(self, conn: socket.socket) -> None:
        outcome: _Outcome = "close"
        try:
            buffer = b""
            while not self.stopping.is_set():
                request, buffer = self._read_request(conn, buffer)
                if request is None:
                    break
                with self._lock:
                    self.requests.append(request)
                    action = self._script.popleft() if self._script else _EMULATE
                try:
                    outcome = action.perform(self, conn, request)
                except OSError:  # the client went away first, e.g. after its timeout
                    outcome = "close"
                if outcome != "keep":
                    break
        finally:
            if outcome == "reset":
                _set_reset(conn)
            conn.close()

    def _recv(self, conn: socket.socket) -> bytes:
        """Return the next bytes, or b"" on end of stream, a reset or stop()."""
        while not self.stopping.is_set():
            try:
                return conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return b""
        return b""

    def _read_request(self, conn: socket.socket, buffer: bytes) -> tuple[Received | None, bytes]:
        while b"\r\n\r\n" not in buffer:
            chunk = self._recv(conn)
            if not chunk:
                return None, b""
            buffer += chunk
        head, _, rest = buffer.partition(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = self._recv(conn)
            if not chunk:
                return None, b""
            rest += chunk
        return Received(method, target, headers, rest[:length]), rest[length:]
