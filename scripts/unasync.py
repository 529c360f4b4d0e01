"""Generate the sync code under ``_sync/`` from the async code under ``_async/``.

    python scripts/unasync.py           # regenerate
    python scripts/unasync.py --check   # fail if the committed code differs

The token rewriting is the ``unasync`` package's; this script adds our replacement
rules, a header on each generated file, and a check mode that also fails when a
replacement rule went unused or a generated file has no source any more.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any

# This file's own name would shadow the unasync package it uses.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import tokenize_rt  # noqa: E402
import unasync  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DIRS = [("quickshops/_async", "quickshops/_sync"), ("tests/_async", "tests/_sync")]

# Whole names, rewritten by unasync wherever they appear as a token or a string.
TOKEN_REPLACEMENTS = {
    "AsyncClient": "Client",
    "AsyncHTTPClient": "HTTPClient",
    "AsyncNetworkBackend": "NetworkBackend",
    "AsyncNetworkStream": "NetworkStream",
    "_async": "_sync",
    "AsyncQuickshops": "Quickshops",
    "AsyncRetrying": "Retrying",
    "aclose": "close",
    "aiter_bytes": "iter_bytes",
    "anyio": "time",
    "async_client": "client",
}
# Text inside docstrings and comments, which unasync leaves alone.
TEXT_REPLACEMENTS = [
    ("The async client of", "The sync client of"),
    ("async with", "with"),
    ("await ", ""),
    ("`httpx.AsyncClient`", "`httpx.Client`"),
    ("`httpx2.AsyncClient`", "`httpx2.Client`"),
    ("of the async client", "of the sync client"),
    ("AsyncQuickshops", "Quickshops"),
    ("aclose", "close"),
]
HEADER = "# Generated from {source} by scripts/unasync.py: edit that file, not this one.\n"


class CountingRule(unasync.Rule):  # type: ignore[misc]
    """An unasync rule that records which of its replacements it used."""

    def __init__(self, used: set[str]) -> None:
        super().__init__("/_async/", "/_sync/", additional_replacements=TOKEN_REPLACEMENTS)
        self.used = used

    def _unasync_name(self, name: str) -> Any:
        if name in TOKEN_REPLACEMENTS:
            self.used.add(name)
        return super()._unasync_name(name)


def generate(source: Path, rule: CountingRule, text_used: set[str]) -> str:
    """Return the sync code for the async file `source`."""
    tokens = tokenize_rt.src_to_tokens(source.read_text(encoding="utf-8"))
    code: str = tokenize_rt.tokens_to_src(rule._unasync_tokens(tokens))
    for old, new in TEXT_REPLACEMENTS:
        if old in code:
            text_used.add(old)
            code = code.replace(old, new)
    return HEADER.format(source=source.relative_to(ROOT).as_posix()) + code


def main(argv: list[str] | None = None) -> int:
    """Regenerate, or with --check verify, every file under the _sync directories."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail instead of writing")
    check = parser.parse_args(argv).check
    token_used: set[str] = set()
    text_used: set[str] = set()
    rule = CountingRule(token_used)
    problems: list[str] = []
    for async_dir, sync_dir in DIRS:
        src_root, dst_root = ROOT / async_dir, ROOT / sync_dir
        expected = {}
        for source in sorted(src_root.rglob("*.py")):
            target = dst_root / source.relative_to(src_root)
            expected[target] = generate(source, rule, text_used)
        for target, code in expected.items():
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current == code:
                continue
            if check:
                diff = difflib.unified_diff(
                    (current or "").splitlines(keepends=True),
                    code.splitlines(keepends=True),
                    str(target.relative_to(ROOT)),
                    "generated",
                )
                problems.append(f"{target.relative_to(ROOT)} differs:\n" + "".join(diff))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(code, encoding="utf-8")
        for stale in sorted(dst_root.rglob("*.py")) if dst_root.exists() else []:
            if stale not in expected:
                if check:
                    problems.append(f"{stale.relative_to(ROOT)} has no source in {async_dir}")
                else:
                    stale.unlink()
    unused = sorted(set(TOKEN_REPLACEMENTS) - token_used)
    unused += sorted(old for old, _ in TEXT_REPLACEMENTS if old not in text_used)
    problems += [f"replacement rule {name!r} was never used" for name in unused]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("Run `nox -s sync` (scripts/unasync.py) to regenerate.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
