"""scripts/tables.py: the README's and the docs' tables, from what they show."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
import typing
from pathlib import Path
from types import ModuleType

import attrs
import pytest

from quickshops import AsyncQuickshops, Cart
from quickshops._config import ClientConfig
from quickshops._endpoints import ENDPOINTS, Endpoint

ROOT = Path(__file__).parent.parent
PAGES = [
    "README.md",
    "docs/configuration.md",
    "docs/operations.md",
    "docs/quickstart.md",
    "docs/javascript.md",
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the script and of the pages it writes, to break on purpose."""
    (tmp_path / "scripts").mkdir()
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "scripts" / "tables.py", tmp_path / "scripts" / "tables.py")
    for page in PAGES:
        shutil.copy(ROOT / page, tmp_path / page)
    return tmp_path


def tables(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(repo / "scripts" / "tables.py"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load_script(repo: Path) -> ModuleType:
    """Import the copy of the script, to call its functions in this process."""
    spec = importlib.util.spec_from_file_location("tables_script", repo / "scripts" / "tables.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_tables_are_current() -> None:
    """Every committed route table is exactly what the script writes from the endpoint table."""
    done = tables(ROOT, "--check")

    assert (0, "") == (done.returncode, done.stderr)


def test_the_script_writes_every_page_the_tests_know() -> None:
    """The script's pages are the README and the docs pages holding a table."""
    with_tables = [
        page.relative_to(ROOT).as_posix()
        for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
        if re.search(r"<!-- \w+: begin", page.read_text(encoding="utf-8"))
    ]

    assert sorted(PAGES) == sorted(with_tables) == sorted(load_script(ROOT).PAGES)


def test_check_fails_on_a_dropped_row_and_rewriting_restores_it(repo: Path) -> None:
    """A page missing a row fails the check, named with a diff; rewriting puts the row back."""
    page = repo / "docs" / "operations.md"
    committed = page.read_text()
    row = "| `qs.cart.clear(cart_id)` | DELETE /cart/{cartId} | secret | `Cart` |\n"
    assert row in committed
    page.write_text(committed.replace(row, ""))

    failed = tables(repo, "--check")
    rewritten = tables(repo)

    assert 1 == failed.returncode
    assert "scripts/tables.py: docs/operations.md differs:" in failed.stderr
    assert "+" + row in failed.stderr
    assert "README.md" not in failed.stderr
    assert failed.stderr.endswith("Run `python scripts/tables.py` to rewrite the tables.\n")
    assert (0, "") == (rewritten.returncode, rewritten.stderr)
    assert committed == page.read_text()
    assert 0 == tables(repo, "--check").returncode


def test_rewriting_leaves_the_rest_of_the_page_alone(repo: Path) -> None:
    """Only the text between the markers is written: an edit outside them is kept."""
    page = repo / "README.md"
    edited = page.read_text().replace("## Calls\n", "## Calls, edited\n")
    page.write_text(edited.replace("| none | `Health` |", "| any | `Health` |"))

    assert 0 == tables(repo).returncode
    assert edited == page.read_text()


@pytest.mark.parametrize("marker", ["<!-- routes: begin", "<!-- routes: end -->"])
def test_a_page_without_its_markers_fails_and_is_left_alone(repo: Path, marker: str) -> None:
    """A page that lost a marker is named, unchanged, and the other pages still written."""
    page, other = repo / "docs" / "quickstart.md", repo / "README.md"
    broken = page.read_text().replace(marker, "<!-- gone")
    page.write_text(broken)
    other.write_text(other.read_text().replace("| none | `Health` |", "| any | `Health` |"))

    failed = tables(repo)

    assert 1 == failed.returncode
    assert "scripts/tables.py: docs/quickstart.md must hold its routes table between" in (
        failed.stderr
    )
    assert "Run `python scripts/tables.py`" not in failed.stderr  # rewriting would not mend it
    assert broken == page.read_text()
    assert (ROOT / "README.md").read_text() == other.read_text()


def test_a_new_operation_gets_its_rows(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One more row in the endpoint table, and its method: every full table gains its row."""
    script = load_script(repo)
    resource = typing.get_type_hints(AsyncQuickshops)["cart"]

    async def merge(
        self: object, cart_id: str, other_cart_id: str, *, idempotency_key: str | None = None
    ) -> Cart:
        raise NotImplementedError  # never called: only its signature is read

    monkeypatch.setattr(resource, "merge", merge, raising=False)
    added: Endpoint[Cart] = Endpoint(
        "cart.merge", "POST", "/cart/{cartId}/merge", "secret", True, Cart
    )
    monkeypatch.setattr(script, "ENDPOINTS", (*ENDPOINTS, added))
    javascript = (repo / "docs" / "javascript.md").read_text()

    assert 1 == script.main(["--check"])
    assert 0 == script.main([])
    full = "| `qs.cart.merge(cart_id, other_cart_id)` | POST /cart/{cartId}/merge | secret |"
    assert full in (repo / "README.md").read_text()
    assert full in (repo / "docs" / "operations.md").read_text()
    methods = "| `qs.cart.merge(cart_id, other_cart_id)` | `POST /cart/{cartId}/merge` | `Cart` |"
    assert methods in (repo / "docs" / "quickstart.md").read_text()
    assert javascript == (repo / "docs" / "javascript.md").read_text()  # no JavaScript name
    assert "README.md differs" in capsys.readouterr().err


def test_an_operation_without_its_method_is_named(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A row whose resource method is not written yet fails, saying which; nothing is written."""
    script = load_script(repo)
    added: Endpoint[Cart] = Endpoint(
        "cart.merge", "POST", "/cart/{cartId}/merge", "secret", True, Cart
    )
    monkeypatch.setattr(script, "ENDPOINTS", (*ENDPOINTS, added))

    assert 1 == script.main([])
    err = capsys.readouterr().err
    assert "the endpoint table has cart.merge (POST /cart/{cartId}/merge), but " in err
    assert 1 == err.count("AsyncQuickshops has no method cart.merge")
    assert all((ROOT / page).read_text() == (repo / page).read_text() for page in PAGES)


def test_an_alias_row_names_its_target() -> None:
    """An alias has no method: its row is a qs.request call pointing at its target's method."""
    assert (
        '| `qs.request("GET", "/store")` | GET /store | any | `APIResponse` (an alias of '
        "`GET /products/store`: use `qs.store.get()`) |"
    ) in load_script(ROOT).operations_table()


def test_a_javascript_name_for_no_operation_fails(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JavaScript name mapped to an operation the table lacks is reported, not dropped."""
    script = load_script(repo)
    monkeypatch.setitem(script.JAVASCRIPT_NAMES, "cart.merge", "`cart.merge`")

    assert 1 == script.main(["--check"])
    assert "maps `cart.merge` to cart.merge, an operation" in capsys.readouterr().err


def test_a_new_option_gets_its_row(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An option's default and meaning come from its declaration, in the signature's order."""
    script = load_script(repo)
    docs = script.option_docs()
    assert docs["max_retries"] == attrs.fields(ClientConfig).max_retries.metadata["doc"]
    docs["max_retries"] = ("`2`", "retries after the first attempt, now documented anew")
    monkeypatch.setattr(script, "option_docs", lambda: docs)

    assert 1 == script.main(["--check"])
    assert 0 == script.main([])
    row = "| `max_retries` | `2` | retries after the first attempt, now documented anew |"
    for page in ("README.md", "docs/configuration.md"):
        text = (repo / page).read_text()
        assert row in text
        assert text.index("| `timeout` |") < text.index(row) < text.index("| `default_headers` |")
    assert "docs/configuration.md differs" in capsys.readouterr().err
