"""The project's own setup: supported Pythons, dependency groups and the noxfile.

pyproject.toml's classifiers are the one list of supported Python versions; the
development tools live in pinned dependency groups, never in the extras a user installs;
the noxfile's docstring names its sessions as they are.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import nox
import nox.registry
import pytest
from dependency_groups import resolve
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PROJECT: dict[str, Any] = PYPROJECT["project"]
GROUPS: dict[str, list[Any]] = PYPROJECT["dependency-groups"]
CLASSIFIED = [
    classifier.rpartition(" :: ")[2]
    for classifier in PROJECT["classifiers"]
    if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", classifier)
]


def minor(version: str) -> int:
    return int(version.partition(".")[2])


def names(specs: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(spec).name) for spec in specs}


@pytest.fixture(scope="module")
def noxfile() -> ModuleType:
    """The noxfile, loaded as nox loads it (which registers its sessions with nox)."""
    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_classifiers_name_every_version_from_requires_python_on() -> None:
    """3.10, 3.11 and so on, with no gap, from requires-python's lower bound."""
    lowest = minor(CLASSIFIED[0])

    assert len(CLASSIFIED) >= 2
    assert [minor(version) for version in CLASSIFIED] == list(
        range(lowest, lowest + len(CLASSIFIED))
    )
    assert SpecifierSet(PROJECT["requires-python"]) == SpecifierSet(f">={CLASSIFIED[0]}")


def test_the_checkers_target_the_oldest_supported_python() -> None:
    """mypy and ruff check the code for the oldest Python that the classifiers name."""
    oldest = CLASSIFIED[0]

    assert PYPROJECT["tool"]["mypy"]["python_version"] == oldest
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py3" + oldest.partition(".")[2]


def test_nox_tests_on_every_classified_python(noxfile: ModuleType) -> None:
    """The tests session runs on exactly the versions that the classifiers name."""
    assert list(noxfile.tests.python) == CLASSIFIED


# The engines an extra offers, which the tests group pins (at a version the extra allows)
# to test the SDK on them.
ENGINES = {"opentelemetry-api", "redis"}


def test_no_dev_tool_is_an_extra() -> None:
    """Extras are for users: nothing from a dependency group is offered as one, but engines."""
    tools = names([spec for group in GROUPS for spec in resolve(GROUPS, group)])
    tools -= names(PROJECT["dependencies"]) | ENGINES
    extras: dict[str, list[str]] = PROJECT.get("optional-dependencies", {})
    offered = {extra: names(specs) & (tools | {"quickshops"}) for extra, specs in extras.items()}

    assert {"mypy", "nox", "pytest", "ruff"} <= tools
    assert not any(offered.values()), f"extras offering dev tools: {offered}"


def test_each_engine_is_an_extra_and_tested_at_a_version_it_allows() -> None:
    """Each extra offers an engine (redis-py, OpenTelemetry's API), pinned in the tests."""
    extras: dict[str, list[str]] = PROJECT["optional-dependencies"]
    offered = {
        Requirement(spec).name: Requirement(spec) for specs in extras.values() for spec in specs
    }
    pins = [Requirement(spec) for spec in resolve(GROUPS, "tests")]

    assert set(offered) == ENGINES
    for name in ENGINES:  # one pin a Python version, perhaps
        versions = [spec.version for pin in pins if pin.name == name for spec in pin.specifier]
        assert versions, name
        assert all(offered[name].specifier.contains(version) for version in versions), versions


def test_every_requirement_of_a_group_is_pinned() -> None:
    """Each tool and test library is pinned to one version (``==``), a marker aside."""
    specs = [entry for entries in GROUPS.values() for entry in entries if isinstance(entry, str)]

    assert len(specs) >= 10
    for spec in specs:
        (pin,) = Requirement(spec).specifier
        assert pin.operator == "==", spec
        assert "*" not in pin.version, spec


def pins_on(version: str) -> dict[str, dict[str, set[str]]]:
    """Each group's own packages, with the pins that its markers choose on ``version``."""
    environment = {"python_version": version, "python_full_version": f"{version}.0"}
    chosen: dict[str, dict[str, set[str]]] = {}
    for group, entries in GROUPS.items():
        requirements = [Requirement(entry) for entry in entries if isinstance(entry, str)]
        pins: dict[str, set[str]] = {canonicalize_name(r.name): set() for r in requirements}
        for requirement in requirements:
            if requirement.marker is None or requirement.marker.evaluate(environment):
                pins[canonicalize_name(requirement.name)].add(str(requirement.specifier))
        chosen[group] = pins
    return chosen


@pytest.mark.parametrize("version", CLASSIFIED)
def test_each_group_pins_each_of_its_packages_once_per_python(version: str) -> None:
    """On each Python, a group's markers choose one pin of each of its packages, or none.

    None of them: a group may need a newer Python than the SDK does, as the docs do.
    """
    for group, pins in pins_on(version).items():
        counts = {len(versions) for versions in pins.values()}
        assert counts in ({1}, {0}, set()), f"group {group!r} on Python {version}: {pins}"


def test_every_group_installs_on_the_newest_python() -> None:
    """On the newest supported Python, every package of every group has its pin."""
    chosen = pins_on(CLASSIFIED[-1])

    assert chosen["tests"]
    for group, pins in chosen.items():
        missing = sorted(name for name, versions in pins.items() if not versions)
        assert not missing, f"group {group!r} has no pin for {missing}"


def test_the_dev_group_includes_every_other_group() -> None:
    """``pip install -e . --group dev`` brings the tools of every session."""
    included = {entry["include-group"] for entry in GROUPS["dev"] if isinstance(entry, dict)}

    assert included == set(GROUPS) - {"dev"}


def test_the_noxfile_docstring_names_its_sessions(noxfile: ModuleType) -> None:
    """The docstring lists the default sessions in their order, then the on-demand ones."""
    default, _, on_demand = (noxfile.__doc__ or "").partition("On demand")
    listed = re.compile(r"^- ``(\w+)``", re.MULTILINE)
    sessions = set(nox.registry.get())
    selected = nox.options.sessions or []

    assert listed.findall(default) == selected
    assert set(listed.findall(on_demand)) == sessions - set(selected)
    assert set(selected) <= sessions
