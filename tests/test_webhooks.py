"""quickshops.webhooks: signatures in every accepted form, and events of every type."""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import hmac
import json
import typing
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

import quickshops
from quickshops import InvalidRequestError, webhooks
from quickshops.webhooks import (
    EVENT_TYPES,
    SIGNATURE_HEADER,
    CompletedOrder,
    InvalidWebhookError,
    WebhookEvent,
    construct_event,
    sign,
    verify_signature,
)

SECRET = "whsec_test_0123456789"
ORDER = {
    "orderId": "ord_1",
    "customerEmail": "ada@example.com",
    "productId": "prod_ebook",
    "amountInCents": 1999,
    "currency": "usd",
    "sessionId": "cs_test_1",  # not in the published shape: kept in extra
}


def body_of(event: str | None = "order.completed", **changes: Any) -> bytes:
    """A webhook body as Quickshops sends it, with top-level `changes` applied."""
    document: dict[str, Any] = {
        "event": event,
        "timestamp": "2026-12-02T10:00:00Z",
        "data": ORDER if event == "order.completed" else {"memberSessionId": "msess_1"},
        **changes,
    }
    return json.dumps(document).encode()


def digest(body: bytes, algorithm: str = "sha256", secret: str = SECRET) -> bytes:
    """The HMAC of `body`, computed independently of the module."""
    return hmac.new(secret.encode(), body, algorithm).digest()


def test_the_header_and_events_are_the_contracts() -> None:
    """The header name and the four events are those the API documents."""
    assert "X-Quickshops-Signature" == SIGNATURE_HEADER
    assert (
        "order.completed",
        "subscription.created",
        "subscription.cancelled",
        "subscription.payment_failed",
    ) == EVENT_TYPES


def test_sign_is_the_hex_hmac_sha256_of_the_body() -> None:
    """sign() is the hex HMAC-SHA256 of the raw body; a str body is signed as UTF-8."""
    body = body_of()

    assert digest(body).hex() == sign(body, SECRET)
    assert sign(body, SECRET) == sign(body.decode(), SECRET.encode())
    assert digest(body, "sha512").hex() == sign(body, SECRET, algorithm="sha512")


@pytest.mark.parametrize(
    "form",
    ["hex", "HEX", "base64", "base64-unpadded", "urlsafe-base64", "prefixed-hex", "prefixed-b64"],
)
def test_every_accepted_form_of_a_good_signature_verifies(form: str) -> None:
    """Hex (any case), base64 (padded, unpadded, URL-safe), with or without sha256=."""
    body = body_of()
    raw = digest(body)
    signature = {
        "hex": raw.hex(),
        "HEX": raw.hex().upper(),
        "base64": base64.b64encode(raw).decode(),
        "base64-unpadded": base64.b64encode(raw).decode().rstrip("="),
        "urlsafe-base64": base64.urlsafe_b64encode(raw).decode(),
        "prefixed-hex": "sha256=" + raw.hex(),
        "prefixed-b64": "SHA256=" + base64.b64encode(raw).decode(),
    }[form]

    verify_signature(body, f" {signature} ", SECRET)  # raises if it does not verify


def test_base64_with_padding_is_not_mistaken_for_a_prefix() -> None:
    """A base64 digest whose only '=' is its padding is read as base64, not as 'x=...'."""
    body = b'{"event": "x"}'
    signature = base64.b64encode(digest(body)).decode()  # 32 bytes: 43 characters and "="

    assert signature.endswith("=")
    assert signature.count("=") == 1
    verify_signature(body, signature, SECRET)


def test_another_algorithm_can_be_chosen() -> None:
    """algorithm= names any hashlib hash, for signing and for verifying."""
    body = body_of()
    signature = digest(body, "sha512").hex()

    verify_signature(body, signature, SECRET, algorithm="sha512")
    verify_signature(body, "sha512=" + signature, SECRET, algorithm="sha512")
    with pytest.raises(InvalidWebhookError, match="not a hex or base64 sha256 digest"):
        verify_signature(body, signature, SECRET)


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        (None, "no signature"),
        ("", "no signature"),
        ("   ", "no signature"),
        ("0" * 64, "does not match its body"),
        ("not a signature", "not a hex or base64 sha256 digest"),
        ("ab" * 31, "not a hex or base64"),  # hex, one byte short
        ("sha1=" + "0" * 40, "signed with sha1, but sha256 was expected"),
        ("é" * 64, "not a hex or base64"),
    ],
)
def test_a_missing_or_wrong_signature_is_refused(signature: str | None, message: str) -> None:
    """Each way a signature can be wrong has its own message."""
    with pytest.raises(InvalidWebhookError, match=message) as caught:
        verify_signature(body_of(), signature, SECRET)

    assert "INVALID_WEBHOOK" == caught.value.code
    assert isinstance(caught.value, ValueError)


def test_a_tampered_body_or_another_secret_is_refused() -> None:
    """A body changed after signing, or a signature under another secret, does not verify."""
    body = body_of()
    signature = sign(body, SECRET)

    with pytest.raises(InvalidWebhookError, match="does not match"):
        verify_signature(body.replace(b"1999", b"1"), signature, SECRET)
    with pytest.raises(InvalidWebhookError, match="does not match"):
        verify_signature(body, signature, SECRET + "x")
    with pytest.raises(InvalidWebhookError, match="does not match"):  # parsed and re-serialised
        verify_signature(json.dumps(json.loads(body), indent=2), signature, SECRET)


def test_the_comparison_is_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Digests are compared with hmac.compare_digest, never with ==."""
    compared: list[tuple[bytes, bytes]] = []
    original = hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    body = body_of()
    verify_signature(body, sign(body, SECRET), SECRET)

    assert [(digest(body), digest(body))] == compared


@pytest.mark.parametrize(
    ("payload", "secret", "algorithm", "message"),
    [
        ({"event": "x"}, SECRET, "sha256", "raw request body as bytes or str, got dict"),
        (b"{}", "", "sha256", "non-empty"),
        (b"{}", None, "sha256", "non-empty"),
        (b"{}", SECRET, "sha257", "not a hash hashlib knows"),
        (b"{}", SECRET, hashlib.sha256, "algorithm must be the name of a hashlib hash"),
    ],
)
def test_caller_mistakes_are_invalid_requests(
    payload: Any, secret: Any, algorithm: str, message: str
) -> None:
    """A parsed body, no secret or an unknown hash is the caller's mistake, said plainly."""
    with pytest.raises(InvalidRequestError, match=message):
        construct_event(payload, "00", secret, algorithm=algorithm)
    with pytest.raises(InvalidRequestError, match=message):
        sign(payload, secret, algorithm=algorithm)


def test_an_order_completed_event_is_decoded() -> None:
    """order.completed data is a CompletedOrder; unknown fields land in extra."""
    body = body_of(livemode=False)
    event = construct_event(body, sign(body, SECRET), SECRET)

    assert (
        WebhookEvent(
            type="order.completed",
            timestamp=datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.timezone.utc),
            data=CompletedOrder(
                order_id="ord_1",
                customer_email="ada@example.com",
                product_id="prod_ebook",
                amount_in_cents=1999,
                currency="usd",
                extra={"sessionId": "cs_test_1"},
            ),
            extra={"livemode": False},
        )
        == event
    )


@pytest.mark.parametrize("event_type", [*EVENT_TYPES[1:], "store.updated"])
def test_other_events_keep_their_data_as_sent(event_type: str) -> None:
    """The events without a published data shape, and unknown ones, keep data as a mapping."""
    body = body_of(event_type, timestamp="2026-12-02T11:30:00+01:00")
    event = construct_event(body.decode(), sign(body, SECRET), SECRET)

    assert (event_type, {"memberSessionId": "msess_1"}) == (event.type, event.data)
    assert datetime.datetime(2026, 12, 2, 10, 30, tzinfo=datetime.timezone.utc) == event.timestamp


def test_a_timestamp_without_an_offset_is_utc() -> None:
    """A naive ISO timestamp is read as UTC, so the result is always timezone-aware."""
    body = body_of(timestamp="2026-12-02T10:00:00")
    event = construct_event(body, sign(body, SECRET), SECRET)

    assert datetime.timezone.utc == event.timestamp.tzinfo


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "the body should be a JSON object, got list"),
        (body_of(event=None), "event should be the event's name, got missing"),
        (body_of(event=""), "event should be the event's name"),
        (body_of(timestamp="yesterday"), "timestamp should be an ISO 8601"),
        (body_of(timestamp=1733133600), "timestamp should be an ISO 8601"),
        (body_of(data=None), "data should be a JSON object, got missing"),
        (body_of(data={**ORDER, "amountInCents": "19.99"}), "data.amountInCents should be an"),
        (body_of(data={**ORDER, "amountInCents": True}), "data.amountInCents should be an"),
        (body_of(data={**ORDER, "orderId": None}), "data.orderId should be a string, got miss"),
    ],
)
def test_a_signed_body_that_is_not_an_event_is_refused(body: bytes, message: str) -> None:
    """A valid signature over a body that is not a Quickshops event names what is wrong."""
    with pytest.raises(InvalidWebhookError, match=message):
        construct_event(body, sign(body, SECRET), SECRET)


def test_the_signature_is_checked_before_the_body_is_read() -> None:
    """An unsigned body that is not even JSON fails on its signature, not its content."""
    with pytest.raises(InvalidWebhookError, match="does not match"):
        construct_event(b"not json", "0" * 64, SECRET)


def test_tolerance_refuses_an_old_event_and_accepts_a_recent_one() -> None:
    """With tolerance, an event older than that many seconds is refused as a replay."""
    now = datetime.datetime.now(datetime.timezone.utc)
    recent = body_of(timestamp=(now - datetime.timedelta(seconds=10)).isoformat())
    old = body_of(timestamp=(now - datetime.timedelta(seconds=600)).isoformat())

    assert "order.completed" == construct_event(recent, sign(recent, SECRET), SECRET).type
    construct_event(recent, sign(recent, SECRET), SECRET, tolerance=300)
    construct_event(old, sign(old, SECRET), SECRET)  # no tolerance: age is not checked
    with pytest.raises(InvalidWebhookError, match=r"60\d s old, older than tolerance=300 s"):
        construct_event(old, sign(old, SECRET), SECRET, tolerance=300)


def test_public_names_resolve_their_type_hints() -> None:
    """Every public class of the module passes typing.get_type_hints."""
    for name in webhooks.__all__:
        obj = getattr(webhooks, name)
        if isinstance(obj, type):
            typing.get_type_hints(obj)
            assert obj.__doc__, name
        elif callable(obj):
            assert obj.__doc__, name
    assert {"type", "timestamp", "data", "extra"} == set(typing.get_type_hints(WebhookEvent))
    assert quickshops.InvalidWebhookError is InvalidWebhookError
    assert "quickshops" == InvalidWebhookError.__module__


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        (b"sha256=00", "must be the text of the X-Quickshops-Signature header .a str., not bytes"),
        (1234, "not int"),
        (["00"], "not list"),
    ],
)
def test_a_signature_that_is_not_text_is_refused(signature: Any, message: str) -> None:
    """Raw header bytes or another type are an InvalidWebhookError saying so."""
    body = body_of()
    with pytest.raises(InvalidWebhookError, match=message):
        construct_event(body, signature, SECRET)


def test_a_body_that_cannot_be_encoded_is_refused() -> None:
    """A str body holding a lone surrogate is an InvalidWebhookError, not a UnicodeError."""
    with pytest.raises(InvalidWebhookError, match="cannot be encoded as UTF-8"):
        construct_event('{"event": "\ud800"}', "0" * 64, SECRET)


def test_a_secret_that_cannot_be_encoded_is_the_callers_mistake() -> None:
    """A secret with a lone surrogate (a mis-decoded variable) says to copy it again."""
    with pytest.raises(InvalidRequestError, match="copy the endpoint's signing secret again"):
        construct_event(body_of(), "0" * 64, "whsec_\udcff")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nests deeper than 64 levels"),
        (body_of(deep=None).replace(b"null", b"[" * 70 + b"]" * 70), "nests deeper"),
        (body_of().replace(b"1999", b"NaN"), "NaN is not a JSON value"),
        (b'{"event": "order.completed", "x": ' + b"9" * 5000 + b"}", "Exceeds the limit"),
    ],
)
def test_a_signed_body_past_the_bounds_of_json_is_refused(body: bytes, message: str) -> None:
    """Validly signed, too deep, NaN or a huge number: an InvalidWebhookError, never a crash."""
    with pytest.raises(InvalidWebhookError, match=message):
        construct_event(body, sign(body, SECRET), SECRET)


@pytest.mark.parametrize("tolerance", ["300", float("nan"), float("inf"), 0, -5, True, 10**400])
def test_a_tolerance_that_is_not_a_positive_number_is_refused(tolerance: Any) -> None:
    """tolerance must be positive and finite: a NaN never turns replay protection off."""
    body = body_of()
    with pytest.raises(InvalidRequestError, match="tolerance must be a positive number"):
        construct_event(body, sign(body, SECRET), SECRET, tolerance=tolerance)


def test_tolerance_refuses_an_event_stamped_too_far_ahead() -> None:
    """An event from further in the future than tolerance is refused; a little ahead is not."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ahead = body_of(timestamp=(now + datetime.timedelta(seconds=60)).isoformat())
    forged = body_of(timestamp=(now + datetime.timedelta(days=3650)).isoformat())

    assert construct_event(ahead, sign(ahead, SECRET), SECRET, tolerance=300).type
    construct_event(forged, sign(forged, SECRET), SECRET)  # no tolerance: any time
    with pytest.raises(InvalidWebhookError, match=r"stamped 3153\d{5} s in the future"):
        construct_event(forged, sign(forged, SECRET), SECRET, tolerance=300)


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.example(payload=body_of(), signature="", secret=SECRET, tolerance=None, signed=True)
@hypothesis.given(
    payload=st.one_of(st.binary(), st.text(), st.sampled_from([body_of(), body_of(data=[1])])),
    signature=st.one_of(st.none(), st.text(), st.binary(), st.integers(), st.just("sha256=ab")),
    secret=st.one_of(st.text(), st.binary(), st.just(SECRET)),
    tolerance=st.one_of(
        st.none(), st.floats(), st.integers(), st.text(max_size=3), st.just(10**400)
    ),
    signed=st.booleans(),
)
def test_nothing_but_the_sdks_errors_leaves_construct_event(
    payload: Any, signature: Any, secret: Any, tolerance: Any, signed: bool
) -> None:
    """Whatever the inputs, construct_event returns an event or raises one of its two errors."""
    if signed and isinstance(signature, str):
        with contextlib.suppress(InvalidWebhookError, InvalidRequestError):
            signature = sign(payload, secret)
    try:
        event = construct_event(payload, signature, secret, tolerance=tolerance)
    except (InvalidWebhookError, InvalidRequestError):
        return
    assert isinstance(event, WebhookEvent)
