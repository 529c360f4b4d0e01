"""The SDK keeps working when other libraries in the process change the HTTP stack's classes.

Each case runs `tests/beside.py` in a process of its own, so that the rewritten classes
never reach this one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

EXPECTED = {
    **{
        f"{client} timeout={label}": client
        for client in ("Quickshops", "AsyncQuickshops")
        for label in ("default", "httpx2.Timeout", "httpx.Timeout")
    },
    **{
        f"{client} {pool} {case}": outcome
        for client in ("Quickshops", "AsyncQuickshops")
        for pool in ("own", "httpx2", "httpx")
        for case, outcome in (
            ("success", "Store"),
            ("404", "NotFoundError"),
            ("refused", "APIConnectionError"),
            ("read timeout", "APITimeoutError"),
        )
    },
}


def run_beside(prelude: str) -> dict[str, str]:
    """The outcome of every case of `tests/beside.py` after `prelude`."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.beside", prelude],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert 0 == done.returncode, done.stderr
    outcomes: dict[str, str] = json.loads(done.stdout)
    return outcomes


@pytest.mark.parametrize(
    "prelude",
    [
        "rewrite-before",
        "rewrite-after",
        pytest.param("openai", marks=pytest.mark.beside),  # needs openai: the beside session
    ],
)
def test_other_libraries_changing_the_http_stack_change_nothing(prelude: str) -> None:
    """Classes given another __module__, before or after the import, or openai first: all works."""
    assert EXPECTED == run_beside(prelude)
