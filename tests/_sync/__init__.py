# Generated from tests/_async/__init__.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
