"""The documentation's Python examples run, against the emulator, so they cannot drift.

Every ```python block of every page under docs/ runs as written:

- a block that defines pytest tests (``def test_...``) is a test module: pytest runs it,
  with the SDK's pytest plugin enabled as the testing page tells users to, and every
  test in it must pass;
- any other block is executed with the client configured only through the
  environment (``QUICKSHOPS_API_KEY``, ``QUICKSHOPS_BASE_URL``), as the README's are.

A block written right after ``<!-- not-run: <reason> -->`` (a web-framework fragment,
which needs a framework and a server around it) is left out here by design.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quickshops.testing import SECRET_KEY, EmulatorServer

DOCS = Path(__file__).parent.parent / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
BLOCK = re.compile(
    r"(?:<!--\s*not-run:(?P<reason>[^>]*?)\s*-->\n)?^```python\n(?P<code>.*?)^```",
    re.DOTALL | re.MULTILINE,
)
TEST_FUNCTION = re.compile(r"^(?:async )?def test_", re.MULTILINE)

# (page, index on the page, reason if not run, code) for every Python block.
BLOCKS = [
    (page.relative_to(DOCS).as_posix(), index, match["reason"], match["code"])
    for page in PAGES
    for index, match in enumerate(BLOCK.finditer(page.read_text(encoding="utf-8")))
]
NOT_RUN = [(page, index, reason) for page, index, reason, _ in BLOCKS if reason is not None]
RUN = [(f"{page}-{index}", code) for page, index, reason, code in BLOCKS if reason is None]
TEST_MODULES = [(name, code) for name, code in RUN if TEST_FUNCTION.search(code)]
SCRIPTS = [(name, code) for name, code in RUN if not TEST_FUNCTION.search(code)]

pytest_plugins = ["pytester"]


def test_docs_have_examples() -> None:
    """Every guide shows code, and nearly all of it runs."""
    assert len(SCRIPTS) >= 25
    assert len(TEST_MODULES) >= 2
    pages = {name.rpartition("-")[0] for name, _ in RUN}
    guides = {p.relative_to(DOCS).as_posix() for p in PAGES if p.parent == DOCS}
    # The command line page shows shell sessions; the figures pages show tables.
    assert guides - pages == {"cli.md", "performance.md", "reliability.md"}


def test_not_run_blocks_are_rare_and_explained() -> None:
    """Only a few fragments are left out, each with its reason in the page."""
    assert 1 <= len(NOT_RUN) <= 3
    assert all(reason.strip() for _, _, reason in NOT_RUN)


@pytest.mark.parametrize(("name", "code"), SCRIPTS, ids=[name for name, _ in SCRIPTS])
def test_doc_example_runs(
    name: str, code: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each example runs as written, configured only through the environment."""
    with EmulatorServer() as server:
        monkeypatch.setenv("QUICKSHOPS_API_KEY", SECRET_KEY)
        monkeypatch.setenv("QUICKSHOPS_BASE_URL", server.url)
        exec(compile(code, str(DOCS / name), "exec"), {"__name__": "docs"})  # noqa: S102

    printed = capsys.readouterr().out
    assert ("print(" in code) == bool(printed.strip())


@pytest.mark.parametrize(("name", "code"), TEST_MODULES, ids=[name for name, _ in TEST_MODULES])
def test_doc_test_module_passes(name: str, code: str, pytester: pytest.Pytester) -> None:
    """Each example test module passes under pytest, with the plugin from the docs."""
    pytester.makeconftest('pytest_plugins = ["quickshops.testing.pytest_plugin"]\n')
    pytester.makepyfile(test_example=code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    assert result.ret == pytest.ExitCode.OK
    # anyio may run an async test once per installed event loop (asyncio, trio).
    assert result.parseoutcomes()["passed"] >= len(TEST_FUNCTION.findall(code))
