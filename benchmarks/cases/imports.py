"""Import time: the SDK's clients in a fresh interpreter, against its dependencies'.

Each statement runs in a fresh ``python -c`` with warm bytecode caches (so
``PYTHONDONTWRITEBYTECODE`` is unset for them), interleaved, less the median of
``python -c pass``. ``import quickshops`` loads neither client (each is imported when
first asked for), so the targets hold what an app does, ``from quickshops import
AsyncQuickshops`` and ``from quickshops import Quickshops``, to ``import httpx2, attrs,
anyio, tenacity``, the floor the SDK's dependencies set before any of its own code.
``import quickshops``, httpx and httpx2 alone are shown for context.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable

from ..harness import Bench, Target, fmt, interleave

CASE = "import, net of startup"
ASYNC = "from quickshops import AsyncQuickshops"
SYNC = "from quickshops import Quickshops"
SDK = "import quickshops"
DEPENDENCIES = "import httpx2, attrs, anyio, tenacity"
STATEMENTS = {
    ASYNC: ASYNC,
    SYNC: SYNC,
    SDK: SDK,
    DEPENDENCIES: DEPENDENCIES,
    "import httpx2": "import httpx2",
    "import httpx": "import httpx",
    # httpx imports its command line (click, rich) whenever click is installed, as it is
    # here (uvicorn needs it); httpx2 never does. This is httpx without it.
    "import httpx without its CLI": "import sys; sys.modules['click'] = None; import httpx",
}
TARGETS: tuple[Target, ...] = (
    Target(CASE, ASYNC, DEPENDENCIES, 1.10),
    Target(CASE, SYNC, DEPENDENCIES, 1.10),
)


def measure(repeats: int) -> dict[tuple[str, str], float]:
    """Wall seconds of each statement in a fresh interpreter, less an empty one's."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def timed(statement: str) -> Callable[[], float]:
        def run() -> float:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], env=env, check=True)
            return time.perf_counter() - start

        return run

    runs = {name: timed(statement) for name, statement in {"pass": "pass", **STATEMENTS}.items()}
    medians = interleave(runs, repeats, warmup=3)
    startup = medians.pop("pass")
    return {(CASE, name): value - startup for name, value in medians.items()}


def run(bench: Bench) -> None:
    """Measure every import; the SDK's against each other one, held to its dependencies'."""
    bench.record(measure(7 if bench.quick else 21))
    for statement in (ASYNC, SYNC, SDK):
        baselines = tuple(name for name in STATEMENTS if name not in (ASYNC, SYNC, SDK))
        bench.report(CASE, statement, baselines, name=f"{statement}, net of startup", show=fmt)
