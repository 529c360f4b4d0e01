"""Benchmarks of the SDK against raw httpx2 (its own stack) and raw httpx, in the same run.

    python benchmarks/run.py                    # full run (a few minutes), writes the plot
    python benchmarks/run.py --quick            # short run: fewer repeats, no plot
    python benchmarks/run.py --profile          # where an add_line call's time goes (cProfile)
    python benchmarks/run.py --profile catalog  # the same for catalog.get, 10,000 products
    python benchmarks/run.py --plot out.png     # write the catalogue plot elsewhere

Each measurement interleaves the SDK and its baselines, repeats them, discards the
warm-up and reports medians. The table has a row a figure; the last lines sum up the
ratios, each target marked (MISSED when over its limit). The exit status is 1 when a
target is missed. The cases are in benchmarks/cases/, the harness in
benchmarks/harness.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Profile calls, or run every case and print the table: 1 if a target is missed."""
    # `python benchmarks/run.py` puts benchmarks/ on sys.path, not the directory that
    # holds the `benchmarks` package; appended, it finds no `quickshops` before the one
    # installed (the one measured).
    if str(HERE.parent) not in sys.path:
        sys.path.append(str(HERE.parent))
    from benchmarks import calls, harness
    from benchmarks.cases import CASES
    from benchmarks.cases.catalogue import PLOT
    from benchmarks.payloads import bodies

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repetitions and products, no plot"
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="add_line",
        choices=("add_line", "catalog"),
        help="profile calls instead (add_line, or catalog.get of 10,000 products)",
    )
    parser.add_argument(
        "--plot",
        type=Path,
        metavar="PATH",
        help=f"where a full run writes the catalogue plot ({PLOT.relative_to(HERE.parent)})",
    )
    options = parser.parse_args()
    if options.profile == "catalog":
        calls.profile(calls.CATALOG, bodies(products=10_000), warmup=2, calls=20)
        return 0
    if options.profile:
        calls.profile(calls.ADD, bodies(), warmup=500, calls=5000)
        return 0
    return harness.run(CASES, quick=options.quick, plot=options.plot)


if __name__ == "__main__":
    sys.exit(main())
