"""An in-memory emulator of the Quickshops Headless API, for tests and demos.

The `Emulator` holds the state (a seeded store and catalogue, carts, checkout
sessions, orders, a member with a subscription) and answers every operation of the
API's contract under ``/v1``, in the contract's shapes, with the documented errors,
per-key rate limits, ``Idempotency-Key`` replay and fault injection. Two adapters
deliver its replies:

- `EmulatorTransport`, an ``httpx2.MockTransport`` for ``httpx2.Client`` and
  ``httpx2.AsyncClient`` (or their httpx namesakes), with no network;
- `EmulatorServer`, real HTTP on loopback, with the checkout and portal pages.

Paying a session (`Emulator.complete_session`, or Pay on its page) creates the order
and sends signed webhooks to the endpoints of `Emulator.add_webhook`.

For a ready client in one line, `client` and `async_client` (they retry without
waiting; `instant_retries` does the same for any client); for pytest fixtures,
``pytest_plugins = ["quickshops.testing.pytest_plugin"]``.

Examples:
    >>> import httpx2
    >>> from quickshops.testing import SECRET_KEY, Emulator, EmulatorTransport
    >>> emulator = Emulator()
    >>> http = httpx2.Client(
    ...     transport=EmulatorTransport(emulator),
    ...     base_url="https://api.quickshops.app/v1",
    ...     headers={"x-api-key": SECRET_KEY},
    ... )
    >>> emulator.faults.fail_next("POST /cart", status=503, retry_after=1)
    >>> http.post("/cart").status_code
    503
    >>> http.post("/cart").status_code
    200
    >>> emulator.effects["POST /cart"]
    1

Faults and rate limits name a route ``"*"`` or as in `ROUTE_NAMES`, e.g.
``"POST /cart/{cartId}/lines"``.

Seeded data: the keys `SECRET_KEY` (every route) and `PUBLIC_KEY` (store,
products and catalog only); the store `STORE_ID`; the products
`DIGITAL_PRODUCT_ID` (1999), `PHYSICAL_PRODUCT_ID` (1250),
`SUBSCRIPTION_PRODUCT_ID` (900 a month) and the inactive
`INACTIVE_PRODUCT_ID` (500); the member session `MEMBER_SESSION_ID`.

"""

from quickshops._exports import publish
from quickshops.testing._clients import async_client, client, instant_retries
from quickshops.testing._emulator import Emulator
from quickshops.testing._faults import Faults
from quickshops.testing._mock import EmulatorTransport
from quickshops.testing._pipeline import KeyKind, RateLimit
from quickshops.testing._replies import ErrorStyle, RecordedRequest, Reply
from quickshops.testing._routing import ROUTE_NAMES
from quickshops.testing._seed import (
    BASE_PATH,
    DIGITAL_PRODUCT_ID,
    INACTIVE_PRODUCT_ID,
    MEMBER_SESSION_ID,
    PHYSICAL_PRODUCT_ID,
    PUBLIC_KEY,
    SECRET_KEY,
    STORE_ID,
    SUBSCRIPTION_PRODUCT_ID,
)
from quickshops.testing._server import EmulatorServer
from quickshops.testing._webhooks import Delivery, Webhook, WebhookTarget

__all__ = [
    "BASE_PATH",
    "DIGITAL_PRODUCT_ID",
    "INACTIVE_PRODUCT_ID",
    "MEMBER_SESSION_ID",
    "PHYSICAL_PRODUCT_ID",
    "PUBLIC_KEY",
    "ROUTE_NAMES",
    "SECRET_KEY",
    "STORE_ID",
    "SUBSCRIPTION_PRODUCT_ID",
    "Delivery",
    "Emulator",
    "EmulatorServer",
    "EmulatorTransport",
    "ErrorStyle",
    "Faults",
    "KeyKind",
    "RateLimit",
    "RecordedRequest",
    "Reply",
    "Webhook",
    "WebhookTarget",
    "async_client",
    "client",
    "instant_retries",
]

publish(globals(), __name__, __all__)
del publish
