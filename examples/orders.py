"""The example shops' orders: verified from Quickshops' webhooks and fulfilled once each.

`OrderBook` stands in for the shop's database. Each shop's webhook view hands it the raw
body and the signature header, and answers what `OrderBook.receive` returns.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from quickshops import webhooks

if TYPE_CHECKING:
    from quickshops import CheckoutSessionDetails

WEBHOOK_PATH = "/webhooks/quickshops"
"""Where each shop receives Quickshops' webhooks."""
WEBHOOK_SECRET_ENV_VAR = "QUICKSHOPS_WEBHOOK_SECRET"  # noqa: S105  (a name, not a secret)
"""The environment variable holding the webhook endpoint's signing secret."""


def webhook_secret() -> str:
    """The webhook endpoint's signing secret, from ``QUICKSHOPS_WEBHOOK_SECRET``.

    Raises:
        RuntimeError: It is not set.
    """
    secret = os.environ.get(WEBHOOK_SECRET_ENV_VAR)
    if not secret:
        raise RuntimeError(
            f"Set {WEBHOOK_SECRET_ENV_VAR} to the signing secret of the shop's webhook "
            "endpoint (the store's webhook settings show it)."
        )
    return secret


# --8<-- [start:orderbook]
class OrderBook:
    """The orders a shop fulfilled, by order id, each fulfilled once.

    A real shop keeps the order id as a unique key and fulfils in the transaction that
    records it, so that a webhook delivered twice ships once.

    Args:
        secret: The webhook endpoint's signing secret.
    """

    def __init__(self, secret: str) -> None:
        self._secret = secret
        self._orders: dict[str, webhooks.CompletedOrder] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._orders)

    def receive(self, body: bytes, signature: str | None) -> tuple[int, dict[str, Any]]:
        """Verify a webhook and fulfil an ``order.completed`` once: ``(status, JSON body)``.

        The signature is checked on the raw body before anything else; a bad one is a
        400 and nothing happens. An order delivered again is acknowledged (200) without
        being fulfilled again, so Quickshops stops retrying.
        """
        try:
            event = webhooks.construct_event(body, signature, self._secret, tolerance=3600)
        except webhooks.InvalidWebhookError as error:
            return 400, {"error": error.message}
        new = isinstance(event.data, webhooks.CompletedOrder) and self.fulfil(event.data)
        return 200, {"received": event.type, "fulfilled": new}

    def fulfil(self, order: webhooks.CompletedOrder) -> bool:
        """Fulfil `order` unless it already was; return whether it was new."""
        with self._lock:
            if order.order_id in self._orders:
                return False
            self._orders[order.order_id] = order  # ship it, email the download link...
            return True

    def matching(self, details: CheckoutSessionDetails) -> webhooks.CompletedOrder | None:
        """The newest order with the checkout's customer email and amount, if any.

        ``order.completed`` names no checkout session, so this pairing is a hint for the
        success page, not a key: two equal orders by one customer look alike.
        """
        with self._lock:
            orders = list(self._orders.values())
        wanted = (details.customer_email, details.amount_total)
        for order in reversed(orders):
            if (order.customer_email, order.amount_in_cents) == wanted:
                return order
        return None


# --8<-- [end:orderbook]
