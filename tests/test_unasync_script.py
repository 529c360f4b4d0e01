"""scripts/unasync.py: generation, and the check that CI runs."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import quickshops

ROOT = Path(__file__).parent.parent
# The package is read where it is imported from: the source tree, or the installed
# wheel when the tests run from an unpacked sdist (`nox -s build`).
PACKAGE = Path(quickshops.__file__).parent
GENERATED = ["quickshops/_sync", "tests/_sync"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the script, the ruff settings, the package and the tests, to break on purpose.

    All of the package and the tests, not only their _async and _sync trees: ruff tells
    first-party imports by the modules it finds.
    """
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "unasync.py", tmp_path / "scripts" / "unasync.py")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for tree, source in (("quickshops", PACKAGE), ("tests", ROOT / "tests")):
        shutil.copytree(source, tmp_path / tree, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def unasync(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "unasync.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_committed_code_is_current(repo: Path) -> None:
    """The committed sync code is exactly what the script generates."""
    done = unasync(repo, "--check")

    assert (0, "") == (done.returncode, done.stderr)


def test_check_fails_on_a_hand_edit(repo: Path) -> None:
    """An edit to a generated file fails the check, with a diff; regenerating repairs it."""
    target = repo / "quickshops" / "_sync" / "_sender.py"
    target.write_text(target.read_text() + "# edited by hand\n")

    failed = unasync(repo, "--check")
    regenerated = unasync(repo)

    assert 1 == failed.returncode
    assert "quickshops/_sync/_sender.py differs" in failed.stderr
    assert "-# edited by hand" in failed.stderr
    assert 0 == regenerated.returncode
    assert 0 == unasync(repo, "--check").returncode


def test_check_fails_on_a_stale_file(repo: Path) -> None:
    """A generated file whose source is gone fails the check; regenerating deletes it."""
    stale = repo / "tests" / "_sync" / "test_gone.py"
    stale.write_text("# no source\n")

    failed = unasync(repo, "--check")
    unasync(repo)

    assert "tests/_sync/test_gone.py has no source in tests/_async" in failed.stderr
    assert not stale.exists()


def test_check_fails_on_an_unused_rule(repo: Path) -> None:
    """A replacement rule that no source uses any more fails the check."""
    script = repo / "scripts" / "unasync.py"
    script.write_text(
        script.read_text().replace('"aclose": "close",', '"aclose": "close",\n    "Unused": "X",')
    )

    failed = unasync(repo, "--check")

    assert 1 == failed.returncode
    assert "replacement rule 'Unused' was never used" in failed.stderr


def ruff(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ruff in a copy of the repository, found as the script finds it."""
    return subprocess.run(
        [*load_script(repo).find_ruff(), *args],
        capture_output=True,
        text=True,
        cwd=repo,
        timeout=60,
        check=False,
    )


def test_generated_code_is_lint_clean_and_formatted(repo: Path) -> None:
    """The committed sync code passes the project's ruff rules and formatting as it is."""
    checked = ruff(repo, "check", "--no-cache", *GENERATED)
    formatted = ruff(repo, "format", "--check", "--no-cache", *GENERATED)

    assert (0, 0) == (checked.returncode, formatted.returncode), checked.stdout + formatted.stdout


def test_ruff_mends_what_the_renaming_breaks() -> None:
    """Imports that the renaming duplicates or unsorts come out single and sorted."""
    source = (ROOT / "tests" / "_async" / "conftest.py").read_text()
    conftest = (ROOT / "tests" / "_sync" / "conftest.py").read_text()
    renamed = (ROOT / "tests" / "_async" / "test_transport.py").read_text()
    transport = (ROOT / "tests" / "_sync" / "test_transport.py").read_text()

    assert "from collections.abc import AsyncIterator, Iterator" in source
    assert "    from collections.abc import Iterator\n" in conftest
    assert "\nimport anyio\nimport httpx\n" in renamed  # a third-party import...
    assert "import logging\nimport time\nfrom datetime" in transport  # ...now a standard one


def test_check_fails_on_unformatted_code(repo: Path) -> None:
    """Code as unasync alone writes it, imports unsorted, is not what the check expects."""
    target = repo / "tests" / "_sync" / "test_transport.py"
    unsorted = target.read_text().replace("import time\n", "", 1)
    target.write_text(unsorted.replace("import httpx\n", "import time\nimport httpx\n", 1))

    failed = unasync(repo, "--check")
    unasync(repo)

    assert 1 == failed.returncode
    assert "tests/_sync/test_transport.py differs" in failed.stderr
    assert (ROOT / "tests" / "_sync" / "test_transport.py").read_text() == target.read_text()


def test_the_event_loop_fixture_is_dropped(repo: Path) -> None:
    """anyio_backend is left out of the sync tests, with its decorator and comments."""
    source = repo / "tests" / "_async" / "test_transport.py"
    source.write_text(
        source.read_text().replace(
            '@pytest.fixture(params=["asyncio", "trio"])\n',
            '# Both event loops.\n@pytest.fixture(params=["asyncio", "trio"])\n',
        )
    )

    assert 0 == unasync(repo).returncode
    generated = (repo / "tests" / "_sync" / "test_transport.py").read_text()
    assert "anyio_backend" in source.read_text()
    assert "anyio_backend" not in generated
    assert '["asyncio", "trio"]' not in generated
    assert "Both event loops" not in generated


def test_check_fails_on_a_dropped_function_in_no_source(repo: Path) -> None:
    """A function to drop that no source defines any more is a dead rule."""
    source = repo / "tests" / "_async" / "test_transport.py"
    source.write_text(source.read_text().replace("def anyio_backend(", "def event_loop("))

    failed = unasync(repo, "--check")

    assert 1 == failed.returncode
    assert "dropped function 'anyio_backend' is in no source" in failed.stderr


def test_what_ruff_cannot_fix_fails_and_is_not_written(repo: Path) -> None:
    """A lint error in the output is reported with ruff's own words; the file is kept as it was."""
    source = repo / "quickshops" / "_async" / "_backend.py"
    target = repo / "quickshops" / "_sync" / "_backend.py"
    before = target.read_text()
    source.write_text(source.read_text() + f"\nLONG = {'x' * 120!r}\n")

    failed = unasync(repo)

    assert 1 == failed.returncode
    assert (
        "`ruff check` fails on the code generated for quickshops/_sync/_backend.py" in failed.stderr
    )
    assert "E501" in failed.stderr
    assert before == target.read_text()


def test_a_source_that_does_not_parse_is_reported(repo: Path) -> None:
    """A syntax error in an async source names the file and line, with no traceback."""
    source = repo / "tests" / "_async" / "test_bounds.py"
    source.write_text(source.read_text() + "\ndef broken(:\n")

    failed = unasync(repo, "--check")

    assert 1 == failed.returncode
    assert "cannot generate from tests/_async/test_bounds.py: " in failed.stderr
    assert "Traceback" not in failed.stderr


def load_script(repo: Path) -> ModuleType:
    """Import the copy of the script, to call its functions in this process."""
    spec = importlib.util.spec_from_file_location("unasync_script", repo / "scripts" / "unasync.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def no_ruff(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    """The script, in a world where Python has no ruff beside it, as a module or on PATH."""
    script = load_script(ROOT)
    (tmp_path / "bin").mkdir()
    monkeypatch.setattr(sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.setattr(script, "find_spec", lambda name: None)
    monkeypatch.setattr(script, "which", lambda name: None)
    return script


def test_ruff_beside_python_comes_first(no_ruff: ModuleType, tmp_path: Path) -> None:
    """The ruff executable next to the running Python's is the one used."""
    beside = tmp_path / "bin" / "ruff"
    beside.write_text("")

    assert [str(beside)] == no_ruff.find_ruff()


def test_ruff_as_a_module_then_on_path(
    no_ruff: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Failing that, `python -m ruff` if ruff is importable, else the ruff on PATH."""
    monkeypatch.setattr(no_ruff, "which", lambda name: f"/opt/{name}")
    assert ["/opt/ruff"] == no_ruff.find_ruff()

    monkeypatch.setattr(no_ruff, "find_spec", lambda name: object())
    assert [sys.executable, "-m", "ruff"] == no_ruff.find_ruff()


def test_missing_ruff_is_one_clear_line(
    no_ruff: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ruff the script generates nothing and says what to install."""
    assert 1 == no_ruff.main(["--check"])

    err = capsys.readouterr().err
    assert err.startswith("scripts/unasync.py: ruff is not installed")
    assert "pip install ruff" in err
    assert 1 == err.count("\n")
