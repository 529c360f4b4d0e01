"""The Python SDK for the Quickshops Headless API.

```python
from quickshops import AsyncQuickshops, Quickshops
```
"""

from ._async._client import AsyncQuickshops
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
from ._exports import publish
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
from ._sync._client import Quickshops
from ._version import __version__

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

publish(globals(), __name__, __all__)
del publish
