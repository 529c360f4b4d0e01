"""One worker process of a fleet: ``python tests/reliability/fleetworker.py``.

Run by test_fleet.py, several at once, as the workers of one storefront sharing one
API key. It reads its settings from the environment (``FLEET_*``), waits until the
wall-clock time ``FLEET_START`` so that the workers start together, works, and prints
its figures as one line of JSON:

- ``FLEET_MODE=storm``: ``FLEET_TASKS`` tasks on one `AsyncQuickshops`, each reading a
  product ``FLEET_CALLS`` times; figures: calls that succeeded, errors by type.
- ``FLEET_MODE=catalog``: ``FLEET_CALLS`` calls of ``Storefront.load_catalog()`` with
  ``catalog_max_age=60``, on a sync `Quickshops`.

``FLEET_STORAGE`` (empty: none) is the ``rate_limit_storage`` or ``catalog_storage``.
Warnings the SDK logs are counted too.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import time

import anyio

from quickshops import AsyncQuickshops, Quickshops
from quickshops.storefront import Storefront
from quickshops.testing import DIGITAL_PRODUCT_ID


class Counting(logging.Handler):
    """Counts the SDK's warnings."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.warnings += 1


def storm(base_url: str, key: str, storage: str | None, tasks: int, calls: int) -> dict[str, int]:
    """Tasks reading a product on one async client; the outcome of the calls."""
    outcome: collections.Counter[str] = collections.Counter()

    async def run() -> None:
        async with AsyncQuickshops(
            api_key=key, base_url=base_url, rate_limit_storage=storage
        ) as qs:

            async def caller() -> None:
                for _ in range(calls):
                    try:
                        await qs.products.get(DIGITAL_PRODUCT_ID)
                        outcome["ok"] += 1
                    except Exception as exc:  # counted: the figures say what went wrong
                        outcome[type(exc).__name__] += 1

            async with anyio.create_task_group() as group:
                for _ in range(tasks):
                    group.start_soon(caller)

    anyio.run(run)
    return dict(outcome)


def catalog(base_url: str, key: str, storage: str | None, calls: int) -> dict[str, int]:
    """Calls of `Storefront.load_catalog` with a shared catalogue; how many succeeded."""
    ok = 0
    with Quickshops(api_key=key, base_url=base_url) as qs:
        shop = Storefront(
            qs, site_url="https://shop.example", catalog_max_age=60, catalog_storage=storage
        )
        for _ in range(calls):
            if shop.load_catalog().products:
                ok += 1
    return {"ok": ok}


def main() -> None:
    """Work as the environment says, from ``FLEET_START`` on; print the figures."""
    counting = Counting()
    logging.getLogger("quickshops").addHandler(counting)
    environ = os.environ
    storage = environ.get("FLEET_STORAGE") or None
    base_url, key = environ["FLEET_BASE_URL"], environ["FLEET_KEY"]
    calls = int(environ["FLEET_CALLS"])
    time.sleep(max(0.0, float(environ["FLEET_START"]) - time.time()))
    start = time.monotonic()
    if environ["FLEET_MODE"] == "storm":
        figures = storm(base_url, key, storage, int(environ["FLEET_TASKS"]), calls)
    else:
        figures = catalog(base_url, key, storage, calls)
    figures["calls"] = calls * int(environ.get("FLEET_TASKS", "1"))
    figures["milliseconds"] = round((time.monotonic() - start) * 1000)
    figures["warnings"] = counting.warnings
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
