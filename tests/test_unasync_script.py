"""scripts/unasync.py: generation, and the check that CI runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
TREES = ["quickshops/_async", "quickshops/_sync", "tests/_async", "tests/_sync"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the script and the async and sync trees, to break on purpose."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "unasync.py", tmp_path / "scripts" / "unasync.py")
    for tree in TREES:
        shutil.copytree(ROOT / tree, tmp_path / tree, ignore=shutil.ignore_patterns("__pycache__"))
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
