"""Development tasks.

``nox`` runs these sessions, in this order:

- ``tests``: the fast test suite (plain ``pytest``) with coverage, 100% of hand-written
  code required, on each Python version that pyproject.toml's classifiers name.
- ``tests_lowest``: the fast suite on the oldest Python, with the oldest release of each
  runtime dependency that pyproject.toml allows (a lowest-direct resolution).
- ``beside``: the SDK in a process where another SDK (openai) was imported first.
- ``lint``: ruff's lint rules and formatting.
- ``typecheck``: mypy --strict on the package, the tests, the examples, the benchmarks
  and this file.
- ``verifytypes``: ``pyright --verifytypes``; any public name less than fully typed fails.
- ``sync_check``: the generated sync code is what scripts/unasync.py would write.
- ``docs``: the documentation site, built with ``--strict`` (on Python 3.11 or newer).
- ``build``: the sdist and the wheel, checked by twine; the fast test suite then runs
  from the unpacked sdist against the installed wheel.
- ``examples``: the examples against the emulator, each shop also in headless Chromium.
- ``reliability``: faults, load and hostile input against loopback servers.
- ``bench_smoke``: a quick benchmark run, to show that the benchmarks still run.

On demand (``nox -s NAME``):

- ``bench``: the benchmarks (``nox -s bench -- --quick`` for a short run).
- ``sync``: regenerate quickshops/_sync and tests/_sync from their _async sources.

Each session installs the SDK with its dependency groups from pyproject.toml.
"""

from __future__ import annotations

import os
import shutil
import tarfile
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
# The classifiers are the one list of supported Pythons; the tests run on each.
PYTHONS = nox.project.python_versions(PYPROJECT)

# Run from the unpacked sdist: fails unless `import quickshops` finds the installed wheel.
WHERE_IS_QUICKSHOPS = """
import pathlib, sysconfig, quickshops
where = pathlib.Path(quickshops.__file__).resolve()
site_packages = pathlib.Path(sysconfig.get_paths()["purelib"]).resolve()
assert site_packages in where.parents, f"quickshops imported from {where}"
print("quickshops", quickshops.__version__, "imported from", where)
"""

# A quick benchmark run whose exit status (1 when a target is missed) is ignored.
BENCH_SMOKE = """
import runpy, sys
sys.argv = ["benchmarks/run.py", "--quick"]
runpy.run_path("benchmarks/run.py")["main"]()
"""

nox.options.sessions = [
    "tests",
    "tests_lowest",
    "beside",
    "lint",
    "typecheck",
    "verifytypes",
    "sync_check",
    "docs",
    "build",
    "examples",
    "reliability",
    "bench_smoke",
]
nox.options.reuse_existing_virtualenvs = True
# Test on every interpreter found; one that is missing is skipped, not failed, except in
# CI, which must test them all (so that a run can never pass having tested nothing).
nox.options.error_on_missing_interpreters = bool(os.environ.get("CI"))


def install(session: nox.Session, *groups: str, sdk: tuple[str, ...] = ("-e", ".")) -> None:
    """Install pyproject.toml's dependency groups, and the SDK as pip's ``sdk`` arguments say.

    The SDK is editable by default; ``sdk=()`` leaves it out. ``pip install --group``
    needs pip 25.1 or newer, so pip comes first.
    """
    session.install("pip>=25.1")
    session.install(*(argument for group in groups for argument in ("--group", group)), *sdk)


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the fast test suite with coverage (100% of hand-written code required)."""
    install(session, "tests")
    session.run("coverage", "erase")
    session.run("coverage", "run", "-m", "pytest", *session.posargs)
    session.run("coverage", "report")


def lowest_direct(requirements: list[str]) -> list[str]:
    """Each requirement pinned to its lower bound: ``anyio>=4.11`` becomes ``anyio==4.11``."""
    from packaging.requirements import Requirement

    pins = []
    for text in requirements:
        requirement = Requirement(text)
        (floor,) = (spec.version for spec in requirement.specifier if spec.operator == ">=")
        pins.append(f"{requirement.name}=={floor}")
    return pins


@nox.session(python=PYTHONS[0])
def tests_lowest(session: nox.Session) -> None:
    """Run the fast suite with the oldest runtime dependencies allowed, on the oldest Python.

    The session checks that the installed releases are exactly those lower bounds (pip
    would rather keep a newer one), so that a bound can never claim more than was tested.
    """
    install(session, "tests")
    pins = lowest_direct(PYPROJECT["project"]["dependencies"])
    session.install(*pins)
    check = "from importlib.metadata import version\nfrom packaging.version import Version\n"
    check += "".join(
        f"assert Version(version({name!r})) == Version({floor!r}), ({name!r}, version({name!r}))\n"
        for name, _, floor in (pin.partition("==") for pin in pins)
    )
    session.run("python", "-c", check)
    session.run("pytest", *session.posargs)


@nox.session
def beside(session: nox.Session) -> None:
    """Run the SDK in a process where the real openai package was imported first."""
    install(session, "tests", "beside")
    session.run("pytest", "-m", "beside", "tests/test_beside_other_libraries.py", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style with ruff (lint rules and formatting)."""
    install(session, "lint", sdk=())
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the package, tests, examples, benchmarks and noxfile with mypy --strict."""
    install(session, "typecheck", "tests", "bench")
    session.run("mypy")


@nox.session
def verifytypes(session: nox.Session) -> None:
    """Score the public API's type completeness with pyright; below 100% fails.

    The SDK is installed as a user gets it (not editable), with its py.typed marker, and
    with OpenTelemetry's API (``quickshops[otel]``), whose types the spans' code names.
    """
    install(session, "verifytypes", sdk=(".[otel]",))
    session.run(
        "pyright",
        "--verifytypes",
        "quickshops",
        "--ignoreexternal",
        env={"PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"},  # pinned: no "new version" notice
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site; any warning fails the build (Python 3.11 or newer)."""
    install(session, "docs")
    session.run("python", "scripts/tables.py", "--check")
    session.run("mkdocs", "build", "--strict", "--site-dir", "site")


@nox.session
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel, check them, and test the installed wheel.

    The fast suite runs from the unpacked sdist, whose quickshops/ is removed first, so
    that the tests can only import the wheel installed in this session's site-packages.
    """
    install(session, "build", sdk=())
    tmp = Path(session.create_tmp()).resolve()
    dist, unpacked = tmp / "dist", tmp / "sdist"
    for stale in (dist, unpacked):
        shutil.rmtree(stale, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(dist))  # the wheel from the sdist
    (sdist,) = dist.glob("quickshops-*.tar.gz")
    (wheel,) = dist.glob("quickshops-*.whl")
    session.run("twine", "check", "--strict", str(sdist), str(wheel))

    session.run("python", "-m", "pip", "uninstall", "--yes", "quickshops")
    install(session, "tests", sdk=(str(wheel),))
    with tarfile.open(sdist) as archive:
        archive.extractall(unpacked, filter="data")
    (tree,) = unpacked.iterdir()
    shutil.rmtree(tree / "quickshops")
    with session.chdir(tree):
        session.run("python", "-c", WHERE_IS_QUICKSHOPS)
        session.run("pytest", "-p", "no:cacheprovider", "--rootdir", str(tree), *session.posargs)


@nox.session
def examples(session: nox.Session) -> None:
    """Run every example against the emulator, each shop also in headless Chromium."""
    install(session, "tests")
    session.run("pytest", "-m", "examples", "tests/examples", *session.posargs)


@nox.session
def reliability(session: nox.Session) -> None:
    """Faults, load and hostile input against loopback servers; every test bounded."""
    install(session, "tests")
    session.run("pytest", "-m", "reliability", "tests/reliability", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmarks against raw httpx (``nox -s bench -- --quick`` for a short run)."""
    install(session, "bench")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session
def bench_smoke(session: nox.Session) -> None:
    """A quick benchmark run: it must finish; its times and targets decide nothing.

    On a shared machine a missed target says more about the load than about the SDK, so
    the run's own exit status (1 when a target is missed) is ignored; an error still fails.
    """
    install(session, "bench")
    session.run("python", "-c", BENCH_SMOKE)


@nox.session
def sync(session: nox.Session) -> None:
    """Regenerate quickshops/_sync and tests/_sync from their _async sources."""
    install(session, "sync", sdk=())
    session.run("python", "scripts/unasync.py")


@nox.session
def sync_check(session: nox.Session) -> None:
    """Fail if the generated sync code is not what scripts/unasync.py would write."""
    install(session, "sync", sdk=())
    session.run("python", "scripts/unasync.py", "--check")
