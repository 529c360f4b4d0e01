"""The documentation's examples run, against the emulator, and print what they say.

Every ```python block of the README and of every page under docs/ runs as written:

- a block that defines pytest tests (``def test_...``) is a test module: pytest runs it,
  with the SDK's pytest plugin enabled as the testing page tells users to, and every
  test in it must pass;
- any other block is executed with the client configured only through the
  environment (``QUICKSHOPS_API_KEY``, ``QUICKSHOPS_BASE_URL``), as the README's are.

A block written right after ``<!-- not-run: <reason> -->`` (a web-framework fragment,
which needs a framework and a server around it) is left out here by design. A block
made only of a pymdownx.snippets include (``--8<--``, then one ``path`` or
``path:name`` a line, then ``--8<--``) shows a file of the examples, or a section of one
(between ``# --8<-- [start:name]`` and ``# --8<-- [end:name]``): the examples' own suite
(tests/examples) runs that code, and here each include must name a file and section
that exist. (That form does not parse as Python, so ruff's formatter leaves it alone.)

What an executed block prints is checked against its annotations. A ``print(...)``
statement whose last line ends in a comment is annotated, and the comment says what it
prints: the printed values as ``str`` joins them (``sep`` between them, no ``end``)
must match it on every call, and the statement must run at least once. An annotation
is the expected text, optionally followed by ``: `` and a remark
(``# 3: the first attempt and two retries``); ``...`` in the expected text stands for
any text (``# .../cs_test_...``), and an expected text made only of ``...`` matches
nothing. A print without a trailing comment is not compared; a comment on a line of its
own is prose. Test modules and blocks that are not run annotate no print, so every
annotation in the docs is compared.

The API reference is checked too: every docstring of the package parses, with the
Google-style options of mkdocs.yml, without a warning from griffe, and doctest lines
(``>>>``) appear only in ``Examples:`` sections, the only ones rendered as code (under
``Example:``, an admonition, they run together into a blockquote).
"""

from __future__ import annotations

import ast
import doctest
import importlib
import io
import logging
import re
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import griffe
import pytest

from quickshops.testing import SECRET_KEY, EmulatorServer

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
BLOCK = re.compile(
    r"(?:<!--\s*not-run:(?P<reason>[^>]*?)\s*-->\n)?^```python\n(?P<code>.*?)^```",
    re.DOTALL | re.MULTILINE,
)
TEST_FUNCTION = re.compile(r"^(?:async )?def test_", re.MULTILINE)
# How the API reference parses docstrings: mkdocs.yml's mkdocstrings options.
REFERENCE_OPTIONS: dict[str, Any] = {"ignore_init_summary": True, "warn_unknown_params": False}

# (page, index on the page, reason if not run, code) for every Python block, the code
# preceded by blank lines so that its line numbers are the page's.
BLOCKS = [
    (
        page.relative_to(ROOT).as_posix(),
        index,
        match["reason"],
        "\n" * text.count("\n", 0, match.start("code")) + match["code"],
    )
    for page in PAGES
    for text in [page.read_text(encoding="utf-8")]
    for index, match in enumerate(BLOCK.finditer(text))
]
INCLUDE = re.compile(r"\A--8<--\n(?P<lines>(?:[\w./-]+(?::[\w-]+)?\n)+)--8<--\n\Z")
# (page, path, section) for every file a block of includes shows.
INCLUDES = [
    (page, path, section or None)
    for page, _, _, code in BLOCKS
    for match in [INCLUDE.match(code.lstrip("\n"))]
    if match is not None
    for path, _, section in (line.partition(":") for line in match["lines"].splitlines())
]
SHOWN = [block for block in BLOCKS if not INCLUDE.match(block[3].lstrip("\n"))]
NOT_RUN = [
    (f"{page}-{index}", reason, code) for page, index, reason, code in SHOWN if reason is not None
]
RUN = [(f"{page}-{index}", code) for page, index, reason, code in SHOWN if reason is None]
TEST_MODULES = [(name, code) for name, code in RUN if TEST_FUNCTION.search(code)]
SCRIPTS = [(name, code) for name, code in RUN if not TEST_FUNCTION.search(code)]

pytest_plugins = ["pytester"]


def annotated_prints(code: str) -> dict[int, tuple[range, str]]:
    """Each annotated print statement, by its last line: the lines it spans, its annotation."""
    comments = {
        token.start[0]: token.string.removeprefix("#").strip()
        for token in tokenize.generate_tokens(io.StringIO(code).readline)
        if token.type == tokenize.COMMENT
    }
    return {
        node.end_lineno: (range(node.lineno, node.end_lineno + 1), comments[node.end_lineno])
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "print"
        and node.end_lineno in comments
    }


def matches(annotation: str, printed: str) -> bool:
    """Whether ``printed`` is the annotation's expected text, with or without its remark."""
    heads = [annotation] + [annotation[: colon.start()] for colon in re.finditer(": ", annotation)]
    return any(
        re.fullmatch(".*".join(map(re.escape, head.split("..."))), printed, re.DOTALL)
        for head in heads
        if head.replace("...", "").strip()
    )


def run_checked(code: str, filename: str) -> list[str]:
    """Run a block, comparing every print with its annotation; what did not match."""
    expected = dict(sorted(annotated_prints(code).items()))
    statement = {line: last for last, (lines, _) in expected.items() for line in lines}
    printed: dict[int, list[str]] = {last: [] for last in expected}

    def recording_print(*values: object, sep: str | None = " ", **options: Any) -> None:
        line = sys._getframe(1).f_lineno  # the caller: a line of the block
        if line in statement:
            printed[statement[line]].append((" " if sep is None else sep).join(map(str, values)))
        print(*values, sep=sep, **options)

    exec(compile(code, filename, "exec"), {"__name__": "docs", "print": recording_print})  # noqa: S102
    problems = [
        f"{filename}:{last}: printed {text!r}, annotated # {annotation}"
        for last, (_, annotation) in expected.items()
        for text in printed[last]
        if not matches(annotation, text)
    ]
    problems += [
        f"{filename}:{last}: never printed, annotated # {annotation}"
        for last, (_, annotation) in expected.items()
        if not printed[last]
    ]
    return problems


def test_docs_have_examples() -> None:
    """Every guide shows code, nearly all of it runs, and most of what it prints is checked."""
    assert len(SCRIPTS) >= 30
    assert len(TEST_MODULES) >= 2
    assert sum(len(annotated_prints(code)) for _, code in SCRIPTS) >= 60
    pages = {name.rpartition("-")[0] for name, _ in RUN} | {page for page, _, _ in INCLUDES}
    assert len([name for name, _ in SCRIPTS if name.startswith("README.md-")]) >= 4
    guides = {p.relative_to(ROOT).as_posix() for p in PAGES if p.parent == DOCS}
    # The command line page shows shell sessions; the figures pages show tables.
    assert guides - pages == {"docs/cli.md", "docs/performance.md", "docs/reliability.md"}


def test_included_examples_exist_with_their_sections() -> None:
    """Each included file is one the examples' suite runs, with the section it names."""
    assert len(INCLUDES) >= 6
    for page, path, section in INCLUDES:
        where = ROOT / path
        assert where.is_file(), f"{page} includes {path}, which does not exist"
        assert where.parts[len(ROOT.parts)] in {"examples", "tests"}, (page, path)
        if section is not None:
            text = where.read_text(encoding="utf-8")
            for marker in (f"# --8<-- [start:{section}]", f"# --8<-- [end:{section}]"):
                assert text.count(marker) == 1, f"{page}: {path} has no one {marker!r}"


def test_not_run_blocks_are_rare_and_explained() -> None:
    """Only a few fragments are left out, each with its reason in the page."""
    assert 1 <= len(NOT_RUN) <= 3
    assert all(reason.strip() for _, reason, _ in NOT_RUN)


@pytest.mark.parametrize(
    ("name", "code"),
    [*TEST_MODULES, *((name, code) for name, _, code in NOT_RUN)],
    ids=[name for name, _ in TEST_MODULES] + [name for name, _, _ in NOT_RUN],
)
def test_blocks_not_executed_annotate_no_print(name: str, code: str) -> None:
    """No annotation is left unchecked in a block that is not executed."""
    assert annotated_prints(code) == {}


@pytest.mark.parametrize(("name", "code"), SCRIPTS, ids=[name for name, _ in SCRIPTS])
def test_doc_example_prints_what_it_says(
    name: str, code: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each example runs as written, configured only through the environment."""
    with EmulatorServer() as server:
        monkeypatch.setenv("QUICKSHOPS_API_KEY", SECRET_KEY)
        monkeypatch.setenv("QUICKSHOPS_BASE_URL", server.url)
        assert run_checked(code, str(ROOT / name.rpartition("-")[0])) == []

    printed = capsys.readouterr().out
    assert ("print(" in code) == bool(printed.strip())


def test_a_wrong_annotation_fails() -> None:
    """The check reports a value that is not the annotated one, and an annotation never run."""
    snippet = (
        "max_retries = 2\n"
        "print(max_retries)  # 3: the first attempt and two retries\n"
        "print(max_retries, 'retries', sep='-')  # 2-retries: a remark\n"
        "print(\n"
        "    'https://checkout.stripe.test/c/pay/cs_test_1', 'cs_test_1'\n"
        ")  # .../cs_test_... cs_test_...\n"
        "print('unchecked')\n"
        "for attempt in range(max_retries):\n"
        "    print(attempt, sep=None)  # 0\n"
        "if max_retries > 5:\n"
        "    print('never')  # never\n"
        "print('anything')  # ...: a wildcard alone matches nothing\n"
    )
    assert run_checked(snippet, "snippet.py") == [
        "snippet.py:2: printed '2', annotated # 3: the first attempt and two retries",
        "snippet.py:9: printed '1', annotated # 0",
        "snippet.py:12: printed 'anything', annotated # ...: a wildcard alone matches nothing",
        "snippet.py:11: never printed, annotated # never",
    ]


@pytest.mark.parametrize(
    ("annotation", "printed", "expected"),
    [
        ("GET /x failed: ... (status 404)", "GET /x failed: gone (status 404)", True),
        ("GET /x failed: ... (status 404)", "GET /x failed: gone (status 500)", False),
        ("1: applied exactly once", "1", True),
        ("Q(url=..., api_key='qk_...cdef', n=2)", "Q(url='u', api_key='qk_...cdef', n=2)", True),
        ("Q(url=..., api_key='qk_...cdef', n=2)", "Q(url='u', api_key='qk_live_cdef', n=2)", True),
        ("Q(url=..., api_key='qk_...cdef', n=2)", "Q(url='u', api_key='qk_...cdef', n=3)", False),
        ("2", "2 ", False),
    ],
)
def test_annotation_rules(annotation: str, printed: str, expected: bool) -> None:
    """An annotation is the whole text or the text before a remark, ``...`` any text."""
    assert matches(annotation, printed) is expected


@pytest.mark.parametrize(("name", "code"), TEST_MODULES, ids=[name for name, _ in TEST_MODULES])
def test_doc_test_module_passes(name: str, code: str, pytester: pytest.Pytester) -> None:
    """Each example test module passes under pytest, with the plugin from the docs."""
    pytester.makeconftest('pytest_plugins = ["quickshops.testing.pytest_plugin"]\n')
    pytester.makepyfile(test_example=code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    assert result.ret == pytest.ExitCode.OK
    # anyio may run an async test once per installed event loop (asyncio, trio).
    assert result.parseoutcomes()["passed"] >= len(TEST_FUNCTION.findall(code))


def code_outside_examples(docstring: griffe.Docstring) -> list[str]:
    """The sections of a docstring that hold doctest lines but are not rendered as code."""
    found = []
    for section in docstring.parse("google", **REFERENCE_OPTIONS):
        if section.kind is griffe.DocstringSectionKind.examples:
            continue
        items = section.value if isinstance(section.value, list) else [section.value]
        text = "\n".join(item if isinstance(item, str) else item.description for item in items)
        if re.search(r"^\s*>>>", text, re.MULTILINE):
            found.append(section.title or section.kind.value)
    return found


def documented(obj: griffe.Object) -> Iterator[tuple[griffe.Object, griffe.Docstring]]:
    """Every docstring of ``obj`` and of the objects defined in it, with its object."""
    if obj.docstring is not None:
        yield obj, obj.docstring
    for member in obj.members.values():
        if isinstance(member, griffe.Object):
            yield from documented(member)


def reference() -> griffe.Object:
    """The package as the API reference reads it: by static analysis of the source."""
    package = griffe.load("quickshops", search_paths=[str(ROOT)])
    assert isinstance(package, griffe.Object)
    return package


def test_reference_renders_every_example_as_code(caplog: pytest.LogCaptureFixture) -> None:
    """No docstring shows doctest lines outside an Examples section, and none warns."""
    with caplog.at_level(logging.WARNING, logger="griffe"):
        docstrings = list(documented(reference()))
        broken = {obj.path: code_outside_examples(text) for obj, text in docstrings}
    assert len(docstrings) >= 400
    assert {path: sections for path, sections in broken.items() if sections} == {}
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_reference_examples_show_what_they_print() -> None:
    """Each docstring's examples run as doctests, in their module, and print what they show."""
    examples = [(obj, text) for obj, text in documented(reference()) if ">>>" in text.value]
    runner = doctest.DocTestRunner()
    for obj, text in examples:
        namespace = dict(vars(importlib.import_module(obj.module.path)))
        filename = str(obj.filepath)
        runner.run(
            doctest.DocTestParser().get_doctest(
                text.value, namespace, obj.path, filename, text.lineno
            )
        )
    assert len(examples) >= 5
    assert runner.summarize(verbose=False).failed == 0


def test_an_example_section_that_renders_as_text_fails() -> None:
    """``Example:`` is an admonition, ``Examples:`` code; doctest lines in prose are text."""
    example = "Summary.\n\n{}:\n    >>> 1 + 1\n    2\n"
    assert code_outside_examples(griffe.Docstring(example.format("Example"))) == ["Example"]
    assert code_outside_examples(griffe.Docstring(example.format("Examples"))) == []
    assert code_outside_examples(griffe.Docstring(">>> 1 + 1\n2")) == ["text"]
    args = "Summary.\n\nArgs:\n    x: A number:\n\n        >>> x = 1\n"
    assert code_outside_examples(griffe.Docstring(args)) == ["parameters"]
