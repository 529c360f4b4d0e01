"""The README's Python examples run, against the emulator, so they cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quickshops.testing import SECRET_KEY, EmulatorServer

README = Path(__file__).parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_readme_has_examples() -> None:
    """The README shows the async and sync quickstarts and the testing example."""
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(
    code: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each example runs as written, configured only through the environment."""
    with EmulatorServer() as server:
        monkeypatch.setenv("QUICKSHOPS_API_KEY", SECRET_KEY)
        monkeypatch.setenv("QUICKSHOPS_BASE_URL", server.url)
        exec(compile(code, str(README), "exec"), {"__name__": "readme"})  # noqa: S102

    printed = capsys.readouterr().out
    assert ("print(" in code) == bool(printed.strip())
