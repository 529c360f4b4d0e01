"""The Python SDK for the Quickshops Headless API.

```python
from quickshops import AsyncQuickshops, Quickshops
```

The two clients are imported on first use: a Django app never loads the async client,
nor a FastAPI app the sync one.
"""

import importlib as _importlib
import typing as _typing
from typing import TYPE_CHECKING

from ._exceptions import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InsecureHTTPWarning,
    InternalServerError,
    InvalidAPIKeyError,
    InvalidRequestError,
    InvalidWebhookError,
    NotFoundError,
    PermissionDeniedError,
    QuickshopsError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._exports import publish as _publish
from ._models import (
    JSON,
    APIResponse,
    Cart,
    CartLine,
    CartLineInput,
    CartTotals,
    Catalog,
    CheckoutLineItem,
    CheckoutSession,
    CheckoutSessionDetails,
    Health,
    PortalSession,
    Product,
    Store,
    StoreTheme,
)
from ._version import __version__

if TYPE_CHECKING:
    from ._async._client import AsyncQuickshops
    from ._sync._client import Quickshops

del TYPE_CHECKING

__all__ = [
    "JSON",
    "APIConnectionError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncQuickshops",
    "AuthenticationError",
    "BadRequestError",
    "Cart",
    "CartLine",
    "CartLineInput",
    "CartTotals",
    "Catalog",
    "CheckoutLineItem",
    "CheckoutSession",
    "CheckoutSessionDetails",
    "ConflictError",
    "Health",
    "InsecureHTTPWarning",
    "InternalServerError",
    "InvalidAPIKeyError",
    "InvalidRequestError",
    "InvalidWebhookError",
    "NotFoundError",
    "PermissionDeniedError",
    "PortalSession",
    "Product",
    "QuickshopsError",
    "Quickshops",
    "RateLimitError",
    "Store",
    "StoreTheme",
    "UnprocessableEntityError",
    "__version__",
]

_CLIENTS = {"AsyncQuickshops": "._async._client", "Quickshops": "._sync._client"}
"""The module of each client, imported when the client is first asked for."""

_publish(globals(), __name__, [name for name in __all__ if name not in _CLIENTS])


def __getattr__(name: str) -> _typing.Any:
    """Import a client the first time it is asked for (``from quickshops import Quickshops``)."""
    module = _CLIENTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    client = getattr(_importlib.import_module(module, __name__), name)
    _publish({name: client}, __name__, [name])
    globals()[name] = client
    return client


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
