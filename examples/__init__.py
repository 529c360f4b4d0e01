"""Runnable examples of the quickshops SDK; see examples/README.md."""
