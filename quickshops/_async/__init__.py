"""The client code. Written once as async code in _async; _sync is generated from it."""
