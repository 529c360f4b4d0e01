# Generated from quickshops/_async/resources/__init__.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""The resources of the sync client, one module per group of operations."""

from .cart import SyncCartResource
from .catalog import SyncCatalogResource
from .checkout import SyncCheckoutResource
from .customers import SyncCustomersResource
from .health import SyncHealthResource
from .media import SyncMediaResource
from .orders import SyncOrdersResource
from .products import SyncProductsResource
from .store import SyncStoreResource
from .subscription import SyncSubscriptionResource

__all__ = [
    "SyncCartResource",
    "SyncCatalogResource",
    "SyncCheckoutResource",
    "SyncCustomersResource",
    "SyncHealthResource",
    "SyncMediaResource",
    "SyncOrdersResource",
    "SyncProductsResource",
    "SyncStoreResource",
    "SyncSubscriptionResource",
]
