"""Development tasks.

``nox`` runs tests (3.10 to 3.13), lint, typecheck, sync_check, docs, examples and
reliability; ``nox -s bench`` (benchmarks) and ``nox -s sync`` (regenerate ``_sync``)
run on demand.
"""

from __future__ import annotations

import os

import nox

nox.options.sessions = [
    "tests",
    "lint",
    "typecheck",
    "sync_check",
    "docs",
    "examples",
    "reliability",
]
nox.options.reuse_existing_virtualenvs = True
# Test on every interpreter found; one that is missing is skipped, not failed, except in
# CI, which must test them all (so that a run can never pass having tested nothing).
nox.options.error_on_missing_interpreters = bool(os.environ.get("CI"))

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite with coverage (100% of hand-written code required)."""
    session.install("-e", ".[test]")
    session.run("coverage", "erase")
    session.run(
        "coverage",
        "run",
        "-m",
        "pytest",
        "--ignore=tests/examples",
        "--ignore=tests/reliability",
        *session.posargs,
    )
    session.run("coverage", "report")


@nox.session
def lint(session: nox.Session) -> None:
    """Check style with ruff (lint rules and formatting)."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the package and the tests with mypy --strict."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site; any warning fails the build."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")


@nox.session
def examples(session: nox.Session) -> None:
    """Run every example against the emulator, the storefront in headless Chromium."""
    session.install("-e", ".[test,examples]")
    session.run("pytest", "tests/examples", *session.posargs)


@nox.session
def reliability(session: nox.Session) -> None:
    """Faults, load and hostile input against loopback servers; every test bounded."""
    session.install("-e", ".[test]")
    session.run("pytest", "tests/reliability", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against raw httpx (``nox -s bench -- --quick`` for a short run)."""
    session.install("-e", ".[bench]")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session
def sync(session: nox.Session) -> None:
    """Regenerate quickshops/_sync and tests/_sync from their _async sources."""
    session.install("unasync", "setuptools")
    session.run("python", "scripts/unasync.py")


@nox.session
def sync_check(session: nox.Session) -> None:
    """Fail if the generated sync code is not what scripts/unasync.py would write."""
    session.install("unasync", "setuptools")
    session.run("python", "scripts/unasync.py", "--check")
