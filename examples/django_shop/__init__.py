"""A Django shop on `quickshops.storefront` (see ``views.py``)."""
