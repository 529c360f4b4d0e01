"""The version of the quickshops package."""

__version__ = "0.1.0"
