"""The emulator's webhooks: what it sends, how it signs, retries and records deliveries."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import typing
from typing import TYPE_CHECKING, Any

import pytest

from quickshops import webhooks
from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    MEMBER_SESSION_ID,
    SUBSCRIPTION_PRODUCT_ID,
    Delivery,
    Emulator,
    WebhookTarget,
    _webhooks,
    client,
)
from quickshops.testing._webhooks import Webhook, deliver, sample_data
from tests.receiver import receiving

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

SECRET = "whsec_emulator_test"


class Inbox:
    """A webhook endpoint as a callable: records each delivery, answers scripted statuses."""

    def __init__(self, *statuses: int | Exception | None) -> None:
        self.statuses = list(statuses)
        self.received: list[tuple[bytes, Mapping[str, str]]] = []

    def __call__(self, body: bytes, headers: Mapping[str, str]) -> int | None:
        """Receive one delivery."""
        self.received.append((body, headers))
        answer = self.statuses.pop(0) if self.statuses else 200
        if isinstance(answer, Exception):
            raise answer
        return answer

    def events(self) -> list[webhooks.WebhookEvent]:
        """Every received delivery, verified and decoded as a user's endpoint would."""
        return [
            webhooks.construct_event(body, headers[webhooks.SIGNATURE_HEADER], SECRET)
            for body, headers in self.received
        ]


@pytest.fixture
def emulator() -> Emulator:
    """An emulator whose delivery retries wait no time at all."""
    emulator = Emulator()
    emulator.webhook_retry_delay = 0.0
    return emulator


def pay(emulator: Emulator, *lines: tuple[str, int]) -> str:
    """Create a checkout session for `lines` through the SDK, pay it, return its id."""
    with client(emulator) as qs:
        cart = qs.cart.create(lines=list(lines))
        session = qs.checkout.create_session(cart.id)
    assert session.session_id is not None
    emulator.complete_session(session.session_id, customer_email="ada@example.com")
    return session.session_id


def test_a_paid_one_time_checkout_sends_order_completed(emulator: Emulator) -> None:
    """order.completed carries the order the emulator recorded, signed for the endpoint."""
    inbox = Inbox()
    emulator.add_webhook(inbox, SECRET)

    pay(emulator, (DIGITAL_PRODUCT_ID, 2))

    (event,) = inbox.events()
    order = emulator.orders[0]
    assert isinstance(event.data, webhooks.CompletedOrder)
    assert ("order.completed", order["orderId"], 3998, "ada@example.com", {}) == (
        event.type,
        event.data.order_id,
        event.data.amount_in_cents,
        event.data.customer_email,
        event.data.extra,
    )
    (delivery,) = emulator.deliveries
    assert ("order.completed", 200, 1, True) == (
        delivery.event,
        delivery.status,
        delivery.attempts,
        delivery.delivered,
    )
    assert inbox.received[0][0] == delivery.body
    assert "application/json" == inbox.received[0][1]["content-type"]


def test_a_paid_subscription_checkout_sends_subscription_created(emulator: Emulator) -> None:
    """A subscription checkout makes a member and says so."""
    inbox = Inbox()
    emulator.add_webhook(inbox, SECRET)

    pay(emulator, (SUBSCRIPTION_PRODUCT_ID, 1))

    (event,) = inbox.events()
    assert "subscription.created" == event.type
    assert isinstance(event.data, dict)
    member = emulator.members[event.data["memberSessionId"]]
    assert ("active", SUBSCRIPTION_PRODUCT_ID) == (member["status"], event.data["productId"])
    assert [] == emulator.orders


@pytest.mark.parametrize(
    ("change", "event", "status"),
    [
        ("cancel_subscription", "subscription.cancelled", "cancelled"),
        ("fail_renewal", "subscription.payment_failed", "past_due"),
    ],
)
def test_subscription_changes_send_their_events(
    emulator: Emulator, change: str, event: str, status: str
) -> None:
    """Cancelling or failing a renewal changes the member's status and sends the event."""
    inbox = Inbox()
    emulator.add_webhook(inbox, SECRET)

    getattr(emulator, change)(MEMBER_SESSION_ID)

    (received,) = inbox.events()
    assert isinstance(received.data, dict)
    assert (event, MEMBER_SESSION_ID, status) == (
        received.type,
        received.data["memberSessionId"],
        received.data["status"],
    )
    assert status == emulator.members[MEMBER_SESSION_ID]["status"]
    with client(emulator) as qs:
        members = qs.subscription.list()
    assert isinstance(members, list)
    assert status in [m["status"] for m in members if isinstance(m, dict)]
    with pytest.raises(KeyError):
        getattr(emulator, change)("msess_nobody")


def test_an_endpoint_gets_only_the_events_it_asked_for(emulator: Emulator) -> None:
    """events= filters; every endpoint gets its own signature under its own secret."""
    orders, everything = Inbox(), Inbox()
    emulator.add_webhook(orders, SECRET, events=["order.completed"])
    emulator.add_webhook(everything, "another-secret")

    pay(emulator, (DIGITAL_PRODUCT_ID, 1))
    emulator.cancel_subscription(MEMBER_SESSION_ID)

    assert ["order.completed"] == [event.type for event in orders.events()]
    assert 2 == len(everything.received)
    body, headers = everything.received[0]
    webhooks.verify_signature(body, headers[webhooks.SIGNATURE_HEADER], "another-secret")
    with pytest.raises(webhooks.InvalidWebhookError):
        webhooks.verify_signature(body, headers[webhooks.SIGNATURE_HEADER], SECRET)


def test_a_failed_delivery_is_retried_with_the_same_body(emulator: Emulator) -> None:
    """A non-2xx, an exception or no answer is retried; the record says how it went."""
    inbox = Inbox(500, RuntimeError("endpoint crashed"), 204)
    emulator.add_webhook(inbox, SECRET)

    pay(emulator, (DIGITAL_PRODUCT_ID, 1))

    (delivery,) = emulator.deliveries
    assert (204, 3, None, True) == (
        delivery.status,
        delivery.attempts,
        delivery.error,
        delivery.delivered,
    )
    assert 1 == len({body for body, _ in inbox.received})  # the same event, three times


def test_retries_are_bounded_and_the_failure_recorded(emulator: Emulator) -> None:
    """After webhook_attempts tries, the delivery is given up and recorded as failed."""
    emulator.webhook_attempts = 2
    inbox = Inbox(503, ValueError("down"))
    emulator.add_webhook(inbox, SECRET)

    pay(emulator, (DIGITAL_PRODUCT_ID, 1))

    (delivery,) = emulator.deliveries
    assert (None, 2, "ValueError: down", False) == (
        delivery.status,
        delivery.attempts,
        delivery.error,
        delivery.delivered,
    )
    assert 2 == len(inbox.received)
    assert 1 == len(emulator.orders), "the order exists whatever the endpoint answers"


def test_retries_back_off() -> None:
    """Retries wait retry_delay, then twice that."""
    waits: list[float] = []
    webhook = Webhook.create(Inbox(500, 500, 500), SECRET, None)

    delivery = deliver(
        webhook, "order.completed", b"{}", attempts=3, retry_delay=0.5, sleep=waits.append
    )

    assert ([0.5, 1.0], 500, 3) == (waits, delivery.status, delivery.attempts)


def test_a_callable_answering_none_counts_as_delivered(emulator: Emulator) -> None:
    """None from a callable is a 200, so a plain function can be an endpoint."""
    received: list[bytes] = []
    emulator.add_webhook(lambda body, headers: received.append(body), SECRET)

    pay(emulator, (DIGITAL_PRODUCT_ID, 1))

    assert (1, 200) == (len(received), emulator.deliveries[0].status)
    assert "<lambda>" in emulator.deliveries[0].target


def test_a_callable_gets_headers_in_any_case(emulator: Emulator) -> None:
    """The headers reach a callable as a web framework gives them: case-insensitive."""
    seen: list[tuple[str, str, str]] = []

    def endpoint(body: bytes, headers: Mapping[str, str]) -> None:
        seen.append(
            (
                headers["x-quickshops-signature"],
                headers["X-Quickshops-Signature"],
                headers["Content-Type"],
            )
        )

    emulator.add_webhook(endpoint, SECRET)
    pay(emulator, (DIGITAL_PRODUCT_ID, 1))

    lower, upper, content_type = seen[0]
    assert lower == upper
    assert "application/json" == content_type


def test_a_loopback_url_receives_signed_posts(emulator: Emulator) -> None:
    """A URL target gets a real POST with the path and query of its URL, and is retried."""
    with receiving(502) as receiver:
        emulator.add_webhook(receiver.url + "/hooks/quickshops?source=emulator", SECRET)
        pay(emulator, (DIGITAL_PRODUCT_ID, 1))

    assert 2 == len(receiver.received)
    path, body, headers = receiver.received[1]
    event = webhooks.construct_event(body, headers[webhooks.SIGNATURE_HEADER], SECRET)
    assert ("/hooks/quickshops?source=emulator", "order.completed") == (path, event.type)
    delivery = emulator.deliveries[0]
    assert (200, 2) == (delivery.status, delivery.attempts)
    assert delivery.target.startswith(receiver.url)


def test_an_unreachable_url_is_recorded_not_raised(emulator: Emulator) -> None:
    """Nothing listening: complete_session still succeeds; the delivery records why."""
    emulator.webhook_attempts = 1
    with receiving() as closed:
        port = closed.server_address[1]
    emulator.add_webhook(f"http://localhost:{port}", SECRET)

    pay(emulator, (DIGITAL_PRODUCT_ID, 1))

    delivery = emulator.deliveries[0]
    assert (None, 1) == (delivery.status, delivery.attempts)
    assert delivery.error is not None
    assert "Connection" in delivery.error


def test_an_endpoint_may_call_the_emulator_back(emulator: Emulator) -> None:
    """Deliveries are sent without the emulator's lock held: no deadlock on a call back."""
    seen: list[Any] = []

    def endpoint(body: bytes, headers: Mapping[str, str]) -> int:
        with client(emulator) as qs:
            stats = qs.orders.stats()
        assert isinstance(stats, dict)
        seen.append(stats["orders"])
        return 200

    emulator.add_webhook(endpoint, SECRET, events=["order.completed"])
    pay(emulator, (DIGITAL_PRODUCT_ID, 1))

    assert [1] == seen, "the order exists by the time its event is delivered"


@pytest.mark.parametrize(
    ("target", "secret", "events", "message"),
    [
        ("https://127.0.0.1/hooks", SECRET, None, "plain http to a loopback host"),
        ("http://example.com/hooks", SECRET, None, "plain http to a loopback host"),
        ("http://10.0.0.1/hooks", SECRET, None, "plain http to a loopback host"),
        ("http://127.0.0.1:0/hooks", SECRET, None, "plain http to a loopback host"),
        ("not a url", SECRET, None, "plain http to a loopback host"),
        (42, SECRET, None, "a URL or a callable"),
        ("http://127.0.0.1:9/hooks", "", None, "non-empty signing secret"),
        ("http://127.0.0.1:9/hooks", SECRET, ["order.paid"], "events must be some of"),
        ("http://127.0.0.1:9/hooks", SECRET, [], "events must be some of"),
    ],
)
def test_add_webhook_refuses_what_it_cannot_deliver_to(
    emulator: Emulator, target: Any, secret: str, events: list[str] | None, message: str
) -> None:
    """Only loopback http URLs or callables, a secret, and known events."""
    with pytest.raises(ValueError, match=message):
        emulator.add_webhook(target, secret, events)
    assert [] == emulator.webhooks


def test_loopback_names_are_accepted(emulator: Emulator) -> None:
    """localhost, 127.0.0.0/8 and [::1] are loopback."""
    for url in ("http://localhost:8000/h", "http://127.1.2.3/h", "http://[::1]:8000/h"):
        emulator.add_webhook(url, SECRET)

    assert 3 == len(emulator.webhooks)


def test_no_endpoint_means_no_delivery(emulator: Emulator) -> None:
    """Without add_webhook nothing is sent, and nothing recorded."""
    pay(emulator, (DIGITAL_PRODUCT_ID, 1))

    assert [] == emulator.deliveries


@pytest.mark.parametrize("event", webhooks.EVENT_TYPES)
def test_sample_events_decode(event: str) -> None:
    """The CLI's sample data decodes as its event (a CompletedOrder for orders)."""
    body = json.dumps(
        {"event": event, "timestamp": "2026-12-02T10:00:00Z", "data": sample_data(event)}
    )

    decoded = webhooks.construct_event(body, webhooks.sign(body, SECRET), SECRET)

    assert event == decoded.type
    assert isinstance(decoded.data, webhooks.CompletedOrder) == (event == "order.completed")


def test_the_webhook_types_resolve() -> None:
    """add_webhook's hints resolve (FastAPI, cattrs and IDEs read them at runtime)."""
    hints = typing.get_type_hints(Emulator.add_webhook)

    assert WebhookTarget == hints["target"]
    assert str in typing.get_args(WebhookTarget)
    assert {"event", "target", "status", "attempts", "body", "error"} <= set(
        typing.get_type_hints(Delivery)
    )


# Endpoints that answer slowly, hugely or strangely


@contextlib.contextmanager
def raw_endpoint(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A loopback endpoint that reads one request's head and lets `answer` reply; yield its URL."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection, contextlib.suppress(OSError):  # the client may close first
            connection.settimeout(5.0)
            received = b""
            while b"\r\n\r\n" not in received:
                received += connection.recv(65536)
            answer(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/hooks"
    finally:
        thread.join(5.0)
        listener.close()


def deliver_once(url: str) -> Delivery:
    """One attempt of order.completed to `url`."""
    return deliver(
        Webhook.create(url, SECRET, None), "order.completed", b"{}", attempts=1, retry_delay=0
    )


def test_an_endpoint_dripping_its_answer_is_given_up_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A byte every 50 ms never ends the attempt's total bound: it fails when its time is up."""
    monkeypatch.setattr(_webhooks, "DELIVERY_TIMEOUT", 0.2)

    def send_slowly(connection: socket.socket, byte: int) -> bool:
        connection.sendall(bytes([byte]))
        time.sleep(0.05)
        return True

    def drip(connection: socket.socket) -> None:  # until the client gives up: sendall fails
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Padding: " + b"p" * 60
        all(send_slowly(connection, byte) for byte in answer)

    with raw_endpoint(drip) as url:
        delivery = deliver_once(url)

    assert (None, False) == (delivery.status, delivery.delivered)
    assert "TimeoutError: the endpoint did not answer within 0.2 s" == delivery.error


def test_the_status_comes_from_the_head_and_a_huge_body_is_not_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An endpoint declaring 100 MB gets its 200 recorded; no more than a few KiB are read."""
    received: list[int] = []
    recv = _webhooks._recv

    def counted(sock: socket.socket, deadline: float) -> bytes:
        data = recv(sock, deadline)
        received.append(len(data))
        return data

    monkeypatch.setattr(_webhooks, "_recv", counted)

    def huge(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n" + b"x" * 65536)
        # Until the client closes, having read what it wanted.
        b"".join(iter(lambda: connection.recv(65536), b""))

    with raw_endpoint(huge) as url:
        delivery = deliver_once(url)

    assert (200, True, None) == (delivery.status, delivery.delivered, delivery.error)
    assert sum(received) <= 2 * _webhooks.RESPONSE_BYTES


def test_an_informational_answer_is_skipped() -> None:
    """A 100 Continue before the answer is not taken for it."""

    def continuing(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")

    with raw_endpoint(continuing) as url:
        delivery = deliver_once(url)

    assert (204, True) == (delivery.status, delivery.delivered)


def test_an_endpoint_closing_without_an_answer_is_recorded() -> None:
    """A connection closed before any answer is a failed attempt, with h11's reason."""
    with raw_endpoint(lambda connection: None) as url:
        delivery = deliver_once(url)

    assert (None, 1) == (delivery.status, delivery.attempts)
    assert delivery.error is not None
    assert delivery.error.startswith("RemoteProtocolError")


def test_the_bound_covers_connecting_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no time left, an attempt is not even connected: it fails as a timeout."""
    monkeypatch.setattr(_webhooks, "DELIVERY_TIMEOUT", 0.0)

    with receiving() as receiver:
        delivery = deliver_once(receiver.url)

    assert [] == receiver.received
    assert "TimeoutError: the endpoint did not answer within 0.0 s" == delivery.error
