"""The resources of the async client, one module per group of operations."""

from .cart import AsyncCartResource
from .catalog import AsyncCatalogResource
from .checkout import AsyncCheckoutResource
from .customers import AsyncCustomersResource
from .health import AsyncHealthResource
from .media import AsyncMediaResource
from .orders import AsyncOrdersResource
from .products import AsyncProductsResource
from .store import AsyncStoreResource
from .subscription import AsyncSubscriptionResource

__all__ = [
    "AsyncCartResource",
    "AsyncCatalogResource",
    "AsyncCheckoutResource",
    "AsyncCustomersResource",
    "AsyncHealthResource",
    "AsyncMediaResource",
    "AsyncOrdersResource",
    "AsyncProductsResource",
    "AsyncStoreResource",
    "AsyncSubscriptionResource",
]
