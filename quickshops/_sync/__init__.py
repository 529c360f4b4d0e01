# Generated from quickshops/_async/__init__.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""The client code. Written once as async code in _async; _sync is generated from it."""
