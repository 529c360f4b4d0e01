"""The emulator's webhooks: endpoints, signed events, deliveries with bounded retries.

An event is sent as Quickshops sends it: a JSON body ``{"event", "timestamp", "data"}``
POSTed with ``Content-Type: application/json`` and the body's signature, made by
`quickshops.webhooks.sign`, in ``X-Quickshops-Signature``. A target is a loopback
``http://`` URL or a callable taking ``(body, headers)`` and returning the status it
answers (None counts as 200). A delivery that gets no 2xx (or raises, or cannot
connect) is tried again, a bounded number of times; each one is recorded.

An HTTP attempt is one POST on its own connection, with h11 as the client: connecting,
sending and reading the answer's head all fit in `DELIVERY_TIMEOUT`, however slowly
the endpoint sends, and at most `RESPONSE_BYTES` of its body are read.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import time
import urllib.parse
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import TypeAlias

import attrs
import h11
import httpx2

from quickshops.webhooks import EVENT_TYPES, SIGNATURE_HEADER, sign

__all__ = ["Delivery", "Webhook", "WebhookTarget", "deliver", "event_body", "sample_data"]

WebhookTarget: TypeAlias = str | Callable[[bytes, Mapping[str, str]], int | None]
"""Where events go: a loopback ``http://`` URL, or a callable ``(body, headers) -> status``.

A callable gets the headers as a case-insensitive mapping, as a web framework gives
them: ``headers["x-quickshops-signature"]`` and ``headers["X-Quickshops-Signature"]``
alike.
"""

DELIVERY_TIMEOUT = 5.0
"""Seconds one attempt to an HTTP endpoint may take: connecting, sending, reading the head."""
RESPONSE_BYTES = 4096
"""How much of an HTTP endpoint's answer body is read; the status comes from the head."""


def _loopback_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    try:
        loopback = (
            parts.hostname == "localhost" or ipaddress.ip_address(parts.hostname or "").is_loopback
        )
    except ValueError:
        loopback = False
    if parts.scheme != "http" or not loopback or parts.port == 0:
        raise ValueError(
            f"a webhook URL must be plain http to a loopback host (127.0.0.1, localhost or "
            f"[::1]), such as http://127.0.0.1:8000/webhooks; got {url!r}"
        )
    return url


def _events(events: Collection[str] | None) -> frozenset[str]:
    chosen = frozenset(EVENT_TYPES if events is None else events)
    unknown = sorted(chosen - set(EVENT_TYPES))
    if unknown or not chosen:
        raise ValueError(f"events must be some of {', '.join(EVENT_TYPES)}; got {unknown or []}")
    return chosen


@attrs.frozen
class Webhook:
    """An endpoint the emulator sends events to.

    Attributes:
        target: A loopback ``http://`` URL, or a callable ``(body, headers) -> status``.
        secret: The signing secret the endpoint verifies with.
        events: The events it receives.
    """

    target: WebhookTarget
    secret: str
    events: frozenset[str]

    @classmethod
    def create(cls, target: WebhookTarget, secret: str, events: Collection[str] | None) -> Webhook:
        """Check the arguments of `Emulator.add_webhook` and make the endpoint.

        Raises:
            ValueError: On a URL that is not plain http to loopback, an empty secret
                or an unknown event.

        """
        if isinstance(target, str):
            _loopback_url(target)
        elif not callable(target):
            raise ValueError(f"a webhook target is a URL or a callable, got {target!r}")
        if not isinstance(secret, str) or not secret:
            raise ValueError("a webhook needs a non-empty signing secret")
        return cls(target, secret, _events(events))

    @property
    def name(self) -> str:
        """The target as a `Delivery` records it: the URL, or the callable's name."""
        if isinstance(self.target, str):
            return self.target
        return getattr(self.target, "__qualname__", repr(self.target))


@attrs.frozen
class Delivery:
    """One event sent to one endpoint, with every attempt it took.

    Attributes:
        event: The event's type, such as ``order.completed``.
        target: The endpoint: its URL, or the callable's qualified name.
        status: The status of the last attempt; None when it got no answer.
        attempts: How many times it was sent.
        body: The body sent (the same bytes on every attempt).
        error: Why the last attempt got no answer, if it did not.
    """

    event: str
    target: str
    status: int | None
    attempts: int
    body: bytes = attrs.field(repr=False)
    error: str | None = None

    @property
    def delivered(self) -> bool:
        """Whether the endpoint answered with a 2xx."""
        return self.status is not None and 200 <= self.status < 300


def sample_data(event: str) -> dict[str, Any]:
    """The data of a sample `event`, as `quickshops webhooks trigger` sends it."""
    if event == "order.completed":
        return {
            "orderId": "ord_sample",
            "customerEmail": "customer@example.com",
            "productId": "prod_ebook",
            "amountInCents": 1999,
            "currency": "usd",
        }
    status = {"subscription.cancelled": "cancelled", "subscription.payment_failed": "past_due"}
    return {
        "memberSessionId": "msess_sample",
        "productId": "prod_club_monthly",
        "customerEmail": "member@example.com",
        "status": status.get(event, "active"),
    }


def event_body(event: str, timestamp: str, data: Mapping[str, Any]) -> bytes:
    """The JSON body of an event."""
    return json.dumps({"event": event, "timestamp": timestamp, "data": data}).encode()


def _post(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    """POST `body` to `url` and return the answer's status, within `DELIVERY_TIMEOUT`.

    Raises:
        TimeoutError: When the attempt takes longer.
        OSError: When the endpoint cannot be reached, or closes the connection.
        h11.RemoteProtocolError: When the endpoint does not answer in HTTP/1.1.

    """
    try:
        return _exchange(url, body, headers, time.monotonic() + DELIVERY_TIMEOUT)
    except TimeoutError:
        raise TimeoutError(f"the endpoint did not answer within {DELIVERY_TIMEOUT} s") from None


def _exchange(url: str, body: bytes, headers: Mapping[str, str], deadline: float) -> int:
    parts = urllib.parse.urlsplit(url)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    address = (parts.hostname or "", parts.port or 80)
    with socket.create_connection(address, timeout=_remaining(deadline)) as sock:
        client = h11.Connection(h11.CLIENT)
        request = h11.Request(
            method="POST",
            target=target,
            headers=[
                ("host", parts.netloc),
                ("content-length", str(len(body))),
                ("connection", "close"),
                *headers.items(),
            ],
        )
        data = client.send(request) + client.send(h11.Data(data=body))
        sock.settimeout(_remaining(deadline))
        sock.sendall(data + client.send(h11.EndOfMessage()))
        event = client.next_event()
        while not isinstance(event, h11.Response):  # skipping any 1xx
            if event is h11.NEED_DATA:
                client.receive_data(_recv(sock, deadline))
            event = client.next_event()
        with contextlib.suppress(OSError, h11.RemoteProtocolError):
            _read_some(client, sock, deadline)
        return event.status_code


def _read_some(client: h11.Connection, sock: socket.socket, deadline: float) -> None:
    """Read the answer's body to its end, but no more than `RESPONSE_BYTES` of it."""
    read = 0
    while read < RESPONSE_BYTES:
        event = client.next_event()
        if event is h11.NEED_DATA:
            client.receive_data(_recv(sock, deadline))
        elif isinstance(event, h11.Data):
            read += len(event.data)
        else:  # EndOfMessage
            return


def _remaining(deadline: float) -> float:
    """Seconds left until `deadline`.

    Raises:
        TimeoutError: When none are left.

    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("no time is left")
    return remaining


def _recv(sock: socket.socket, deadline: float) -> bytes:
    sock.settimeout(_remaining(deadline))
    return sock.recv(RESPONSE_BYTES)


def deliver(
    webhook: Webhook,
    event: str,
    body: bytes,
    *,
    attempts: int,
    retry_delay: float,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """Send `body` to `webhook` until it answers 2xx, at most `attempts` times.

    Waits `retry_delay` seconds before the first retry, doubling each time.
    """
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: sign(body, webhook.secret),
        "user-agent": "quickshops-emulator",
    }
    status: int | None = None
    error: str | None = None
    tried = 0
    for tried in range(1, attempts + 1):
        try:
            if isinstance(webhook.target, str):
                status = _post(webhook.target, body, headers)
            else:
                answer = webhook.target(body, httpx2.Headers(headers))  # any case
                status = 200 if answer is None else int(answer)
            error = None
        except Exception as exc:  # recorded, not raised
            status, error = None, f"{type(exc).__name__}: {exc}"
        if status is not None and 200 <= status < 300:
            break
        if tried < attempts:
            sleep(retry_delay * 2 ** (tried - 1))
    return Delivery(event, webhook.name, status, tried, body, error)
