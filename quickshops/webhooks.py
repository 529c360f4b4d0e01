"""Verify and decode the webhooks Quickshops sends to a store's endpoints.

```python
from quickshops import webhooks

event = webhooks.construct_event(raw_body, headers.get(webhooks.SIGNATURE_HEADER), secret)
if event.type == "order.completed":
    fulfil(event.data.order_id)
```

Quickshops POSTs a JSON event, ``{"event", "timestamp", "data"}``, with an HMAC of the
raw body under the endpoint's signing secret in `SIGNATURE_HEADER`. The API does not
name the hash or the encoding, so this module assumes **HMAC-SHA256**, and accepts the
digest in **hex or base64**, with or without a ``sha256=`` prefix. If your store signs
otherwise, pass ``algorithm=`` (any `hashlib` name, such as ``"sha512"``).

Verify the raw bytes of the request body, before any JSON parsing: a body parsed and
serialised again is not the body that was signed.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Any

import attrs

from . import _json
from ._config import positive_seconds
from ._exceptions import InvalidRequestError, InvalidWebhookError

__all__ = [
    "EVENT_TYPES",
    "SIGNATURE_HEADER",
    "CompletedOrder",
    "InvalidWebhookError",
    "WebhookEvent",
    "construct_event",
    "sign",
    "verify_signature",
]

SIGNATURE_HEADER = "X-Quickshops-Signature"
"""The request header that carries the signature of a webhook's body."""

EVENT_TYPES = (
    "order.completed",
    "subscription.created",
    "subscription.cancelled",
    "subscription.payment_failed",
)
"""The events Quickshops sends. Only ``order.completed`` has a published data shape."""


@attrs.frozen
class CompletedOrder:
    """The data of an ``order.completed`` event: a paid one-time checkout.

    Attributes:
        order_id: The order's id (wire ``orderId``); use it to fulfil each order once.
        customer_email: The buyer's email.
        product_id: The product bought.
        amount_in_cents: The amount paid, in minor units: 1999 is 19.99.
        currency: Lowercase ISO currency (``usd``).
        extra: Wire fields this version of the SDK does not know, as sent.
    """

    order_id: str
    customer_email: str
    product_id: str
    amount_in_cents: int
    currency: str
    extra: Mapping[str, Any] = attrs.field(factory=dict, hash=False)


@attrs.frozen
class WebhookEvent:
    """One verified webhook event.

    Attributes:
        type: The event (wire ``event``), one of `EVENT_TYPES` or one added later.
        timestamp: When Quickshops created the event (timezone-aware; UTC when the
            wire value names no offset).
        data: A `CompletedOrder` for ``order.completed``; for the other events, whose
            data the API does not publish, the data as sent.
        extra: Top-level wire fields this version of the SDK does not know, as sent.
    """

    type: str
    timestamp: datetime.datetime
    data: CompletedOrder | Mapping[str, Any] = attrs.field(hash=False)
    extra: Mapping[str, Any] = attrs.field(factory=dict, hash=False)


_ORDER_FIELDS = (
    ("orderId", "order_id", str),
    ("customerEmail", "customer_email", str),
    ("productId", "product_id", str),
    ("amountInCents", "amount_in_cents", int),
    ("currency", "currency", str),
)
_EVENT_FIELDS = frozenset({"event", "timestamp", "data"})


def sign(payload: bytes | str, secret: str | bytes, *, algorithm: str = "sha256") -> str:
    """Return the signature Quickshops would send for `payload`: the hex HMAC of the body.

    For tests and local tools: sign a body your webhook endpoint should accept.

    Args:
        payload: The raw request body (a str is encoded as UTF-8).
        secret: The endpoint's signing secret.
        algorithm: The `hashlib` name of the hash.

    Raises:
        InvalidWebhookError: A str payload that UTF-8 cannot encode (a lone surrogate).
        InvalidRequestError: On an empty secret or one that UTF-8 cannot encode, a
            payload that is not bytes or str, or an unknown algorithm.

    """
    return _digest(_body(payload), secret, algorithm).hex()


def verify_signature(
    payload: bytes | str, signature: str | None, secret: str | bytes, *, algorithm: str = "sha256"
) -> None:
    """Check that `signature` is the HMAC of `payload` under `secret`; return None if it is.

    The signature may be hex or base64, with or without an ``<algorithm>=`` prefix
    (``sha256=...``). The comparison takes the same time whatever the signature.

    Args:
        payload: The raw request body, exactly as received.
        signature: The value of the `SIGNATURE_HEADER` header (None when it is absent).
        secret: The endpoint's signing secret.
        algorithm: The `hashlib` name of the hash the store signs with.

    Raises:
        InvalidWebhookError: When the signature is missing, not a str (raw header
            bytes, say), unreadable or wrong, or a str payload cannot be encoded.
        InvalidRequestError: On an empty secret or one that UTF-8 cannot encode, a
            payload that is not bytes or str, or an unknown algorithm.

    """
    expected = _digest(_body(payload), secret, algorithm)
    if signature is not None and not isinstance(signature, str):
        raise InvalidWebhookError(
            f"The webhook's signature must be the text of the {SIGNATURE_HEADER} header (a "
            f"str), not {type(signature).__name__}: pass the header as your framework "
            "decodes it (request.headers.get(...)), or decode raw bytes as ASCII first."
        )
    if signature is None or not signature.strip():
        raise InvalidWebhookError(
            f"The webhook has no signature: the {SIGNATURE_HEADER} header is missing or "
            "empty. Only Quickshops (or a test signing with webhooks.sign) sends valid ones."
        )
    given = _signature_bytes(signature.strip(), algorithm, len(expected))
    if not hmac.compare_digest(given, expected):
        raise InvalidWebhookError(
            "The webhook's signature does not match its body: check the endpoint's "
            "signing secret, and verify the raw request body, not JSON parsed and "
            "serialised again."
        )


def construct_event(
    payload: bytes | str,
    signature: str | None,
    secret: str | bytes,
    *,
    tolerance: float | None = None,
    algorithm: str = "sha256",
) -> WebhookEvent:
    """Verify a webhook's signature, then decode its event.

    Args:
        payload: The raw request body, exactly as received.
        signature: The value of the `SIGNATURE_HEADER` header (None when it is absent).
        secret: The endpoint's signing secret.
        tolerance: When given, a positive number of seconds: an event whose
            ``timestamp`` is older is refused (a replayed old delivery), and so is one
            stamped further ahead of this machine's clock (forged to outlive it).
        algorithm: The `hashlib` name of the hash the store signs with.

    Returns:
        The event; its ``data`` is a `CompletedOrder` for ``order.completed``.

    Raises:
        InvalidWebhookError: When the signature is missing, not a str or wrong; the body
            cannot be encoded, is not JSON (or nests deeper than 64 levels) or not an
            event; or the event is further from now than `tolerance`.
        InvalidRequestError: On a `tolerance` that is not a positive finite number, an
            empty secret or one that UTF-8 cannot encode, a payload that is not bytes or
            str, or an unknown algorithm.

    """
    limit = _tolerance(tolerance)
    body = _body(payload)
    verify_signature(body, signature, secret, algorithm=algorithm)
    try:
        document = _json.loads(body)
    except _json.JSONError as exc:
        raise InvalidWebhookError(f"The webhook's body is not JSON: {exc}.") from None
    if not isinstance(document, dict):
        raise _bad("the body", "a JSON object", document)
    event_type = document.get("event")
    if not isinstance(event_type, str) or not event_type:
        raise _bad("event", "the event's name", event_type)
    timestamp = _timestamp(document.get("timestamp"))
    if limit is not None:
        age = time.time() - timestamp.timestamp()
        if age > limit:
            raise InvalidWebhookError(
                f"The webhook's event is {age:.0f} s old, older than tolerance={limit:g} "
                "s: it may be a replayed delivery. Raise tolerance if your endpoint was down."
            )
        if -age > limit:
            raise InvalidWebhookError(
                f"The webhook's event is stamped {-age:.0f} s in the future, further than "
                f"tolerance={limit:g} s: it may be forged to outlive replay protection. "
                "Check the clock of this machine if every event is refused so."
            )
    data = document.get("data")
    if not isinstance(data, dict):
        raise _bad("data", "a JSON object", data)
    extra = {key: value for key, value in document.items() if key not in _EVENT_FIELDS}
    decoded = _completed_order(data) if event_type == "order.completed" else data
    return WebhookEvent(type=event_type, timestamp=timestamp, data=decoded, extra=extra)


def _tolerance(tolerance: Any) -> float | None:
    """`tolerance` as seconds: None, or a positive finite number (a NaN would allow all)."""
    if tolerance is None:
        return None
    seconds = positive_seconds(tolerance)
    if seconds is not None:
        return seconds
    raise InvalidRequestError(
        f"tolerance must be a positive number of seconds (300 is usual), or None to accept "
        f"an event of any age, not {tolerance!r}."
    )


def _body(payload: Any) -> bytes:
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        try:
            return payload.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidWebhookError(
                f"The webhook's body cannot be encoded as UTF-8 ({exc.reason} at "
                f"{exc.start}): pass the raw bytes of the request body, as received."
            ) from None
    raise InvalidRequestError(
        f"payload must be the raw request body as bytes or str, got {type(payload).__name__}: "
        "pass the body before any JSON parsing (await request.body() in FastAPI)."
    )


def _digest(body: bytes, secret: str | bytes, algorithm: str) -> bytes:
    if not isinstance(algorithm, str):
        raise InvalidRequestError(
            f"algorithm must be the name of a hashlib hash, such as 'sha256', not {algorithm!r}"
        )
    try:
        key = secret.encode("utf-8") if isinstance(secret, str) else secret
    except UnicodeEncodeError:
        raise InvalidRequestError(
            "secret cannot be encoded as UTF-8 (it holds a lone surrogate, as a variable of "
            "the environment with a byte that is not UTF-8 does): copy the endpoint's signing "
            "secret again."
        ) from None
    if not isinstance(key, bytes) or not key:
        raise InvalidRequestError("secret must be the endpoint's signing secret, a non-empty str")
    try:
        return hmac.new(key, body, algorithm).digest()
    except (ValueError, TypeError):
        available = ", ".join(sorted(hashlib.algorithms_guaranteed))
        raise InvalidRequestError(
            f"algorithm={algorithm!r} is not a hash hashlib knows; use one of {available}"
        ) from None


def _signature_bytes(signature: str, algorithm: str, size: int) -> bytes:
    """Read a hex or base64 digest of `size` bytes, after an optional ``algorithm=``."""
    prefix, equals, rest = signature.partition("=")
    if equals and rest.strip("=") and prefix.isidentifier():  # not base64's padding
        if prefix.lower() != algorithm.lower():
            raise InvalidWebhookError(
                f"The webhook is signed with {prefix}, but {algorithm} was expected: pass "
                f"algorithm={prefix!r} if that is how your store signs."
            )
        signature = rest
    if len(signature) == 2 * size:
        try:
            return bytes.fromhex(signature)
        except ValueError:
            pass
    standard = signature.replace("-", "+").replace("_", "/")  # the URL-safe alphabet too
    try:
        digest = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):  # ValueError: not ASCII
        digest = b""
    if len(digest) == size:
        return digest
    raise InvalidWebhookError(
        f"The webhook's signature is not a hex or base64 {algorithm} digest "
        f"({size} bytes); is the {SIGNATURE_HEADER} header the one Quickshops sent?"
    )


def _timestamp(value: Any) -> datetime.datetime:
    if isinstance(value, str):
        text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)
    raise _bad("timestamp", "an ISO 8601 date and time", value)


def _completed_order(data: dict[str, Any]) -> CompletedOrder:
    values: dict[str, Any] = {}
    for wire, name, kind in _ORDER_FIELDS:
        value = data.get(wire)
        if type(value) is not kind:
            raise _bad(f"data.{wire}", "an integer" if kind is int else "a string", value)
        values[name] = value
    wires = {wire for wire, _, _ in _ORDER_FIELDS}
    extra = {key: value for key, value in data.items() if key not in wires}
    return CompletedOrder(**values, extra=extra)


def _bad(where: str, expected: str, value: Any) -> InvalidWebhookError:
    shown = "missing" if value is None else f"{type(value).__name__} {value!r}"[:80]
    return InvalidWebhookError(
        f"The webhook's signature is valid but its event is not as expected: {where} "
        f"should be {expected}, got {shown}."
    )
