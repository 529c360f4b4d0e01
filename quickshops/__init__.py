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
    InternalServerError,
    InvalidAPIKeyError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    QuickshopsError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._models import (
    Cart,
    CartLine,
    CartLineInput,
    CartTotals,
    CheckoutLineItem,
    CheckoutSession,
    CheckoutSessionDetails,
    Health,
    PortalSession,
    Product,
    Store,
)
from ._sync._client import Quickshops
from ._version import __version__

__all__ = [
    "APIConnectionError",
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
    "CheckoutLineItem",
    "CheckoutSession",
    "CheckoutSessionDetails",
    "ConflictError",
    "Health",
    "InternalServerError",
    "InvalidAPIKeyError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "PortalSession",
    "Product",
    "QuickshopsError",
    "Quickshops",
    "RateLimitError",
    "Store",
    "UnprocessableEntityError",
    "__version__",
]

# Public names report the public module, as httpx's do.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = __name__
del _name, _obj
