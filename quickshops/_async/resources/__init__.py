"""The resources of the async client, one module per group of routes."""

from .cart import AsyncCartResource
from .checkout import AsyncCheckoutResource
from .health import AsyncHealthResource
from .products import AsyncProductsResource
from .store import AsyncStoreResource
from .subscription import AsyncSubscriptionResource

__all__ = [
    "AsyncCartResource",
    "AsyncCheckoutResource",
    "AsyncHealthResource",
    "AsyncProductsResource",
    "AsyncStoreResource",
    "AsyncSubscriptionResource",
]
