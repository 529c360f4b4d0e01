# Generated from quickshops/_async/resources/__init__.py by scripts/unasync.py: edit that file, not this one.
"""The resources of the sync client, one module per group of routes."""

from .cart import SyncCartResource
from .checkout import SyncCheckoutResource
from .health import SyncHealthResource
from .products import SyncProductsResource
from .store import SyncStoreResource
from .subscription import SyncSubscriptionResource

__all__ = [
    "SyncCartResource",
    "SyncCheckoutResource",
    "SyncHealthResource",
    "SyncProductsResource",
    "SyncStoreResource",
    "SyncSubscriptionResource",
]
