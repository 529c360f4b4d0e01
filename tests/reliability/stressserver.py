"""A minimal HTTP/1.1 server for the stress tests: every request answered 200, connections counted.

Run as its own process, ``python tests/reliability/stressserver.py``, so that the
server's work does not share the test process's interpreter. It prints its base URL as
the first line of stdout, serves until its stdin closes, then prints its figures as one
line of JSON: requests answered, connections accepted, and the most open at once.

Every request is answered 200, so any call that fails is the client's failure. A GET
gets a product and anything else a cart, both enveloped and carrying fields the SDK
does not map. Each answer waits ``STRESS_LATENCY`` seconds (default 0.005), as a
remote API would, so that calls pile up and the client's pool is used to its limit.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading

UNMAPPED = {"createdAt": "2026-01-02T03:04:05Z", "updatedAt": "2026-01-02T03:04:05Z", "__v": 0}
PRODUCT = {
    "_id": "prod_1",
    "storeId": "store_1",
    "name": "Green tea",
    "description": None,
    "priceInCents": 1999,
    "currency": "usd",
    "type": "physical",
    "billingInterval": None,
    "imageUrl": None,
    "isActive": True,
    "category": "tea",
    "details": ["100 g"],
    **UNMAPPED,
}
CART = {
    "id": "cart_1",
    "storeId": "store_1",
    "lines": [{"productId": "prod_1", "quantity": 2, "product": PRODUCT}],
    "totals": {"subtotal": 3998, "total": 3998, "currency": "usd"},
    **UNMAPPED,
}


def answer(payload: object) -> bytes:
    """The whole HTTP response carrying `payload` in the envelope."""
    body = json.dumps({"data": payload}).encode()
    head = (
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        f"x-request-id: req_stress\r\ncontent-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


ANSWERS = {b"GET": answer(PRODUCT), b"OTHER": answer(CART)}


class Figures:
    """What the server saw."""

    def __init__(self) -> None:
        self.requests = 0
        self.connections = 0
        self.open = 0
        self.max_open = 0

    def as_dict(self) -> dict[str, int]:
        """The figures as JSON can carry them."""
        return {
            "requests": self.requests,
            "connections": self.connections,
            "max_open_connections": self.max_open,
        }


class Connection(asyncio.Protocol):
    """One client connection: parse requests as they arrive, answer each after the latency."""

    def __init__(self, figures: Figures, latency: float) -> None:
        self.figures = figures
        self.latency = latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Count the connection."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.figures.connections += 1
        self.figures.open += 1
        self.figures.max_open = max(self.figures.max_open, self.figures.open)

    def connection_lost(self, exc: Exception | None) -> None:
        """Count it closed."""
        self.figures.open -= 1

    def data_received(self, data: bytes) -> None:
        """Answer every complete request in the buffer."""
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            method = head.split(b" ", 1)[0]
            reply = ANSWERS[b"GET" if method == b"GET" else b"OTHER"]
            self.figures.requests += 1
            asyncio.get_running_loop().call_later(self.latency, self.send, reply)

    def send(self, reply: bytes) -> None:
        """Write one answer, unless the client went away meanwhile."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(reply)


async def serve() -> Figures:
    """Serve on a free loopback port until stdin closes."""
    figures = Figures()
    latency = float(os.environ.get("STRESS_LATENCY", "0.005"))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: Connection(figures, latency), "127.0.0.1", 0, backlog=1024
    )
    port = server.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{port}/v1", flush=True)
    stdin_closed = asyncio.Event()

    def wait_for_stdin() -> None:
        sys.stdin.read()
        loop.call_soon_threadsafe(stdin_closed.set)

    threading.Thread(target=wait_for_stdin, daemon=True).start()
    async with server:
        await stdin_closed.wait()
    return figures


def main() -> None:
    """Serve, then print the figures."""
    figures = asyncio.run(serve())
    print(json.dumps(figures.as_dict()), flush=True)


if __name__ == "__main__":
    main()
