"""The catalogue: products.list and catalog.get by catalogue size, sync client.

``products.list()`` (``{"data": [...], "nextCursor": null}``) and ``catalog.get()``
(the same products and a store with every field `Store` and its theme map, and some
they do not) at 10 to 10,000 products, each product with its own id and unmapped
fields. Each is timed as the call alone, and with every field of its result read:
every attribute of every ``Product`` (``extra`` included) and, for the catalogue, of
the store and its theme. The SDK runs on httpx2 (its own stack); raw httpx2 and raw
httpx get the same body and call ``.json()``, and when the SDK's side reads every
field they read every key of every product dict (and of the store's) alike.

A full run writes the plot of the Performance page (or the ``--plot`` path).
"""

from __future__ import annotations

import operator
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import httpx2

import quickshops

from ..calls import CATALOG, LIST, RAW_HTTPX, RAW_HTTPX2, SDK_HTTPX2, loops
from ..harness import ROOT, Bench, Target, interleave_per_call
from ..payloads import (
    PRODUCT_ATTRIBUTES,
    PRODUCT_KEYS,
    STORE_ATTRIBUTES,
    STORE_KEYS,
    THEME_ATTRIBUTES,
    THEME_KEYS,
    bodies,
)

PLOT = ROOT / "docs" / "performance-catalogue.png"
SIDES = (SDK_HTTPX2, RAW_HTTPX2, RAW_HTTPX)
READ = ", every field read"  # the suffix of an op that reads every field of its result
SUMMED = 1000  # the size whose ratios go to the summary line

_product = operator.attrgetter(*PRODUCT_ATTRIBUTES)
_product_raw = operator.itemgetter(*PRODUCT_KEYS)
_store = operator.attrgetter(*STORE_ATTRIBUTES)
_store_raw = operator.itemgetter(*STORE_KEYS)
_theme = operator.attrgetter(*THEME_ATTRIBUTES)
_theme_raw = operator.itemgetter(*THEME_KEYS)


def read_products(products: Any) -> object:
    """Every attribute of every product of a list (or a catalogue's products)."""
    return list(map(_product, products))


def read_products_raw(body: Any) -> object:
    """Every key of every product dict of a decoded ``products.list`` body."""
    return list(map(_product_raw, body["data"]))


def read_catalog(catalog: Any) -> object:
    """Every attribute of a catalogue's store, its theme and every product."""
    return _store(catalog.store), _theme(catalog.store.theme), read_products(catalog.products)


def read_catalog_raw(body: Any) -> object:
    """Every key of a decoded ``catalog.get`` body's store, its theme and every product."""
    data = body["data"]
    store = data["store"]
    return _store_raw(store), _theme_raw(store["theme"]), list(map(_product_raw, data["products"]))


OPS = (
    LIST,
    LIST._replace(name=LIST.name + READ, read=read_products, read_raw=read_products_raw),
    CATALOG,
    CATALOG._replace(name=CATALOG.name + READ, read=read_catalog, read_raw=read_catalog_raw),
)

TARGETS: tuple[Target, ...] = (
    Target(f"products.list of {SUMMED:,}{READ}", SDK_HTTPX2, RAW_HTTPX2, 2.0),
)


def case(op: str, size: int) -> str:
    """The case of the op named `op` at `size` products: "products.list of 1,000"."""
    if op.endswith(READ):  # "products.list of 1,000, every field read"
        return f"{op.removesuffix(READ)} of {size:,}{READ}"
    return f"{op} of {size:,}"


def plan(quick: bool) -> dict[int, tuple[int, int]]:
    """Calls per sample and repeats for each catalogue size: ~20-60 ms a sample."""
    if quick:
        return {10: (30, 5), 100: (5, 5), SUMMED: (2, 5)}
    return {10: (200, 11), 100: (30, 11), SUMMED: (3, 9), 10_000: (1, 7)}


def measure(sizes: Mapping[int, tuple[int, int]]) -> dict[tuple[str, str], float]:
    """Per-call seconds of each op on each side at each size, named ``(case, side)``."""
    results: dict[tuple[str, str], float] = {}
    for size, (calls, repeats) in sizes.items():
        timed_loops = loops(bodies(products=size), OPS, SIDES)
        medians = interleave_per_call(timed_loops, calls, repeats, warmup=1 if calls < 10 else 2)
        results.update({(case(op, size), side): value for (op, side), value in medians.items()})
    return results


def plot(results: Mapping[tuple[str, str], float], sizes: list[int], path: Path) -> None:
    """Write the catalogue's figures as a log-log plot of ms per call against products."""
    import matplotlib  # only for a full run: --quick works without it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    listed, read, catalog = LIST.name, LIST.name + READ, CATALOG.name
    lines = (
        (listed, SDK_HTTPX2, "quickshops products.list()", "o", "-"),
        (read, SDK_HTTPX2, "quickshops products.list(), every field read", "D", ":"),
        (catalog, SDK_HTTPX2, "quickshops catalog.get()", "s", "-"),
        (listed, RAW_HTTPX2, "raw httpx2 + .json()", "^", "--"),
        (read, RAW_HTTPX2, "raw httpx2 + .json(), every key read", "<", ":"),
        (listed, RAW_HTTPX, "raw httpx + .json()", "v", "--"),
    )
    figure, axes = plt.subplots(figsize=(7.5, 4.8), dpi=150)
    for op, side, label, marker, style in lines:
        costs = [results[case(op, size), side] * 1e3 for size in sizes]
        axes.plot(sizes, costs, marker=marker, linestyle=style, label=label)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks(sizes, [f"{size:,}" for size in sizes])
    axes.set_xlabel("products in the catalogue")
    axes.set_ylabel("ms per call (median)")
    axes.set_title("Cost of a catalogue call, mock transport, sync client")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.text(
        0.99,
        0.01,
        f"quickshops {quickshops.__version__}, httpx2 {httpx2.__version__}, "
        f"httpx {httpx.__version__}, Python {platform.python_version()}; "
        "medians of interleaved repeats",
        ha="right",
        va="bottom",
        fontsize=7,
        color="grey",
    )
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    figure.savefig(path)
    plt.close(figure)


def run(bench: Bench) -> None:
    """Measure every op at every size; the ratios at 1,000 products go to the summary."""
    sizes = plan(bench.quick)
    results = measure(sizes)
    bench.record(results)
    for size in sizes:
        for op in OPS:
            name = case(op.name, size)
            summed = size == SUMMED
            bench.report(name, SDK_HTTPX2, (RAW_HTTPX2, RAW_HTTPX), name=name, summary=summed)
    if not bench.quick:
        path = bench.plot or PLOT
        plot(results, sorted(sizes), path)
        bench.row("catalogue plot", "written", str(path))
    elif bench.plot:
        bench.row("catalogue plot", "skipped", "a quick run draws none")
