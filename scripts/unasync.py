"""Generate the sync code under ``_sync/`` from the async code under ``_async/``.

    python scripts/unasync.py           # regenerate
    python scripts/unasync.py --check   # fail if the committed code differs

The token rewriting is the ``unasync`` package's; this script adds our replacement
rules, drops the async tests' own fixtures, puts a header on each generated file and
runs ruff on it (``ruff check --fix``, then ``ruff format``, with the project's
settings), so that the generated code is linted and formatted like the rest. The
check mode compares against that output, and also fails when a rule went unused or a
generated file has no source any more.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import importlib
import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from importlib.util import find_spec
from pathlib import Path
from shutil import which
from typing import Any

# This file's own name would shadow the unasync package it uses.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import tokenize_rt  # noqa: E402

# Not `import unasync`: mypy, which checks this file as the module `unasync`, would
# take that for an import of this very file.
unasync: Any = importlib.import_module("unasync")

ROOT = Path(__file__).resolve().parent.parent
DIRS = [("quickshops/_async", "quickshops/_sync"), ("tests/_async", "tests/_sync")]

# Whole names, rewritten by unasync wherever they appear as a token or a string.
TOKEN_REPLACEMENTS = {
    "AnyIOBackend": "SyncBackend",
    "AsyncBaseTransport": "BaseTransport",
    "AsyncClient": "Client",
    "AsyncConnectionPool": "ConnectionPool",
    "AsyncHTTPClient": "HTTPClient",
    "AsyncNetworkBackend": "NetworkBackend",
    "AsyncNetworkStream": "NetworkStream",
    "_async": "_sync",
    "AsyncQuickshops": "Quickshops",
    "AsyncStorefront": "Storefront",
    "AsyncFleetLimits": "FleetLimits",
    "AsyncStorage": "Storage",
    "AsyncPause": "SyncPause",
    "AsyncFetch": "SyncFetch",
    "AsyncSharedCatalog": "SharedCatalog",
    "connect_async": "connect_sync",
    "concurrently": "one_after_another",
    "AsyncRetrying": "Retrying",
    "aclose": "close",
    "aiter_bytes": "iter_bytes",
    "aiter_raw": "iter_raw",
    "anyio": "time",
    "async_client": "client",
    "handle_async_request": "handle_request",
}
# Text inside docstrings and comments, which unasync leaves alone.
TEXT_REPLACEMENTS = [
    ("The async client of", "The sync client of"),
    ("async with", "with"),
    ("async for", "for"),
    ("await ", ""),
    ("`httpx.AsyncClient`", "`httpx.Client`"),
    ("`httpx2.AsyncClient`", "`httpx2.Client`"),
    ("of the async client", "of the sync client"),
    ("AsyncQuickshops", "Quickshops"),
    ("AsyncStorefront", "Storefront"),
    ("aclose", "close"),
]
# Module-level functions with no sync counterpart, left out with their decorators.
DROPPED_FUNCTIONS = {
    "anyio_backend",  # the event loops an async test module runs on
}
HEADER = (
    "# Generated from {source} by scripts/unasync.py.\n"
    "# Edit that file (then run `nox -s sync`), not this one.\n"
)
# Each step gets the code on stdin and writes the result to stdout.
RUFF_STEPS = [["check", "--fix", "--quiet"], ["format", "--quiet"]]


class GenerationError(Exception):
    """A source that does not parse, or ruff missing or refusing the generated code."""


class Usage:
    """Which of the rules the sources gave a use to, so that a dead rule can be reported."""

    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.texts: set[str] = set()
        self.dropped: set[str] = set()

    def unused(self) -> list[str]:
        """A line for each rule that was never used."""
        replacements = [
            *sorted(set(TOKEN_REPLACEMENTS) - self.tokens),
            *(old for old, _ in TEXT_REPLACEMENTS if old not in self.texts),
        ]
        return [f"replacement rule {name!r} was never used" for name in replacements] + [
            f"dropped function {name!r} is in no source"
            for name in sorted(DROPPED_FUNCTIONS - self.dropped)
        ]


def find_ruff() -> list[str]:
    """The command that runs ruff: the executable beside Python's, ``-m ruff``, or on PATH.

    Raises:
        GenerationError: When ruff is found in none of those places.

    """
    beside = Path(sys.executable).with_name("ruff.exe" if os.name == "nt" else "ruff")
    if beside.is_file():
        return [str(beside)]
    if find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    on_path = which("ruff")
    if on_path is not None:
        return [on_path]
    raise GenerationError(
        "ruff is not installed, and scripts/unasync.py runs it on the code it generates: "
        "install it (`pip install ruff`) and run again"
    )


def drop_functions(code: str, source: Path, usage: Usage) -> str:
    """`code`, from `source`, without its module-level functions in `DROPPED_FUNCTIONS`.

    A function goes with its decorators and the comment lines right above them.

    Raises:
        GenerationError: When `code` is not valid Python.

    """
    try:
        module = ast.parse(code)
    except SyntaxError as exc:
        raise GenerationError(
            f"cannot generate from {source.relative_to(ROOT).as_posix()}: {exc.msg} "
            f"(line {exc.lineno})"
        ) from None
    lines = code.splitlines(keepends=True)
    for node in reversed(module.body):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
            node.name in DROPPED_FUNCTIONS
        ):
            usage.dropped.add(node.name)
            start = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            start -= 1  # 0-based
            while start > 0 and lines[start - 1].lstrip().startswith("#"):
                start -= 1
            del lines[start : node.end_lineno]
    return "".join(lines)


def unasync_code(code: str, usage: Usage) -> str:
    """The sync version of the async `code`, by unasync's rewriting and our rules."""
    tokens = tokenize_rt.src_to_tokens(code)
    # The names unasync looks up: each NAME token and the inside of each STRING token.
    names = {
        t.src if t.name == "NAME" else t.src[1:-1] for t in tokens if t.name in ("NAME", "STRING")
    }
    usage.tokens |= names & set(TOKEN_REPLACEMENTS)
    rule = unasync.Rule("/_async/", "/_sync/", additional_replacements=TOKEN_REPLACEMENTS)
    result: str = tokenize_rt.tokens_to_src(rule._unasync_tokens(tokens))
    for old, new in TEXT_REPLACEMENTS:
        if old in result:
            usage.texts.add(old)
            result = result.replace(old, new)
    return result


def run_ruff(ruff: list[str], code: str, target: Path) -> str:
    """`code` fixed and formatted by ruff, with the settings that apply to `target`.

    Raises:
        GenerationError: When ruff finds a problem it cannot fix, or cannot parse the code.

    """
    for step in RUFF_STEPS:
        done = subprocess.run(
            [*ruff, *step, "--stdin-filename", str(target), "-"],
            input=code,
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            check=False,
        )
        if done.returncode != 0:
            raise GenerationError(
                f"`ruff {step[0]}` fails on the code generated for "
                f"{target.relative_to(ROOT).as_posix()}; change its async source, or a rule "
                f"in scripts/unasync.py:\n{done.stderr.rstrip()}"
            )
        code = done.stdout
    return code


def generate(source: Path, usage: Usage) -> str:
    """Return the sync code for the async file `source`, before ruff.

    Raises:
        GenerationError: When `source` does not parse.

    """
    code = drop_functions(source.read_text(encoding="utf-8"), source, usage)
    return HEADER.format(source=source.relative_to(ROOT).as_posix()) + unasync_code(code, usage)


def main(argv: list[str] | None = None) -> int:
    """Regenerate, or with --check verify, every file under the _sync directories."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail instead of writing")
    check: bool = parser.parse_args(argv).check
    try:
        ruff = find_ruff()
    except GenerationError as exc:
        print(f"scripts/unasync.py: {exc}", file=sys.stderr)
        return 1
    usage = Usage()
    problems: list[str] = []
    pool = ThreadPoolExecutor()  # ruff runs in processes of its own, a few at a time
    for async_dir, sync_dir in DIRS:
        src_root, dst_root = ROOT / async_dir, ROOT / sync_dir
        expected: dict[Path, str | None] = {}  # None: neither written nor compared
        formatting: dict[Path, Future[str]] = {}
        for source in sorted(src_root.rglob("*.py")):
            target = dst_root / source.relative_to(src_root)
            expected[target] = None
            try:
                formatting[target] = pool.submit(run_ruff, ruff, generate(source, usage), target)
            except GenerationError as exc:
                problems.append(str(exc))
        for target, job in formatting.items():
            try:
                expected[target] = job.result()
            except GenerationError as exc:
                problems.append(str(exc))
        for target, code in expected.items():
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if code is None or current == code:
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
    pool.shutdown()
    problems += usage.unused()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("Run `nox -s sync` (scripts/unasync.py) to regenerate.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
