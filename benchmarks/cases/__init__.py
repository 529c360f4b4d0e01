"""The benchmark cases, in the order a run measures them.

Each module measures one thing, reports it to the harness's `Bench`, and holds the
`Target` rows of what it measures in its ``TARGETS``; `harness.targets` collects them
into the one table of targets.
"""

from __future__ import annotations

from ..harness import Case
from . import (
    catalogue,
    concurrency,
    construction,
    facade,
    imports,
    memory,
    observability,
    per_call,
    shared_storage,
)

CASES: tuple[Case, ...] = (
    per_call,
    catalogue,
    construction,
    facade,
    imports,
    concurrency,
    shared_storage,
    observability,
    memory,
)
