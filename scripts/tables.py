"""Write the tables of the README and the docs from the SDK's declarations.

    python scripts/tables.py           # rewrite the tables
    python scripts/tables.py --check   # fail if a committed table differs

Two kinds of table, each between two marker comments (`begin`, `end`) that neither
GitHub nor the docs site shows; the rest of the page is left as it is:

- ``routes``: the operations, from ``quickshops._endpoints.ENDPOINTS``. A row's call is
  its resource method's signature, read from `AsyncQuickshops` (``idempotency_key``,
  which every mutation takes, is said once in the text around the table); what it
  returns is the endpoint's `Endpoint.returns`.
- ``options``: the clients' keyword arguments, in the constructor's order, each from
  its declaration in ``quickshops._config.ClientConfig`` (``http_client``, which the
  pool holds, from ``HTTP_CLIENT_DOC``).

The check mode compares the pages with what would be written, and names each page that
differs.
"""

from __future__ import annotations

import argparse
import difflib
import inspect
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from quickshops import AsyncQuickshops
from quickshops._config import HTTP_CLIENT_DOC, ClientConfig
from quickshops._endpoints import BY_NAME, ENDPOINTS, Endpoint

ROOT = Path(__file__).resolve().parent.parent
# Where each kind of table comes from, for its markers.
SOURCES = {"routes": "quickshops/_endpoints.py", "options": "quickshops/_config.py"}
# Arguments the text around every table describes, left out of the calls.
UNLISTED_ARGUMENTS = {"idempotency_key"}
# The official JavaScript SDK's names, for the operations it has a method for, in the
# order of the page that maps them (docs/javascript.md).
JAVASCRIPT_NAMES = {
    "products.list": "`products.getAll`",
    "products.get": "`products.get`",
    "store.get": "`store.get`",
    "cart.create": "`cart.create`",
    "cart.get": "`cart.get`",
    "cart.add_line": "`cart.addItem` / `cart.addLine`",
    "cart.update_line": "`cart.updateItem`",
    "cart.remove_line": "`cart.removeItem`",
    "cart.clear": "`cart.clear`",
    "checkout.create_session": "`checkout.createSession`",
    "checkout.get_session": "`checkout.getSession`",
    "subscription.create_portal_session": "`subscription.createPortalSession`",
    "health.check": "(the health route)",
}


class GenerationError(Exception):
    """An operation without its method, or a page without its markers."""


def call(endpoint: Endpoint[Any], action: str | None = None) -> str:
    """How a user calls `endpoint`: ``qs.cart.add_line(cart_id, product_id, quantity=1)``.

    `action` names another method of its resource that calls it (``iter``).

    Raises:
        GenerationError: When the clients have no method for it.

    """
    resource = typing.get_type_hints(AsyncQuickshops).get(endpoint.resource)
    action = action or endpoint.action
    method = getattr(resource, action, None)
    if method is None:
        raise GenerationError(
            f"the endpoint table has {endpoint.name} ({endpoint.route}), but AsyncQuickshops "
            f"has no method {endpoint.name}: write it (then run `nox -s sync`)"
        )
    parameters = [
        parameter.replace(annotation=inspect.Parameter.empty)
        for parameter in list(inspect.signature(method).parameters.values())[1:]  # self
        if parameter.name not in UNLISTED_ARGUMENTS
    ]
    return f"qs.{endpoint.resource}.{action}{inspect.Signature(parameters)}"


def paged_items(endpoint: Endpoint[Any]) -> str:
    """What the pages of a paged list hold (``Product``)."""
    return endpoint.returns.removeprefix("list[").removesuffix("]")


def operations_table() -> list[str]:
    """Every operation: its call, route, key and what it returns (an alias says its target)."""
    rows = ["| call | route | key | returns |", "|---|---|---|---|"]
    for endpoint in ENDPOINTS:
        if endpoint.alias_of is None:
            returns = f"`{endpoint.returns}`"
            how = call(endpoint)
        else:
            target = BY_NAME[endpoint.alias_of]
            returns = f"`APIResponse` (an alias of `{target.route}`: use `{call(target)}`)"
            how = f'qs.request("{endpoint.method}", "{endpoint.path}")'
        rows.append(f"| `{how}` | {endpoint.route} | {endpoint.key} | {returns} |")
        if endpoint.many:
            paged = f"`{endpoint.model.__name__ if endpoint.model else 'JSON'}`, page by page"
            rows.append(
                f"| `{call(endpoint, 'iter')}` | {endpoint.route} | {endpoint.key} | {paged} |"
            )
    return rows


def methods_table() -> list[str]:
    """Every method: its call, its route and what it returns."""
    return [
        "| call | route | returns |",
        "|---|---|---|",
        *(
            row
            for endpoint in ENDPOINTS
            if endpoint.alias_of is None
            for row in (
                f"| `{call(endpoint)}` | `{endpoint.route}` | `{endpoint.returns}` |",
                *(
                    [
                        f"| `{call(endpoint, 'iter')}` | `{endpoint.route}` "
                        f"| `{paged_items(endpoint)}`, page by page |"
                    ]
                    if endpoint.many
                    else []
                ),
            )
        ),
    ]


def javascript_table() -> list[str]:
    """The operations of the official JavaScript SDK, by its name: the call and the route.

    Raises:
        GenerationError: When a JavaScript name maps to an operation the table lacks.

    """
    rows = [
        "| official JavaScript SDK | Python (`qs` is an `AsyncQuickshops` or a `Quickshops`) "
        "| route |",
        "|---|---|---|",
    ]
    for name, javascript in JAVASCRIPT_NAMES.items():
        endpoint = next((e for e in ENDPOINTS if e.name == name and e.alias_of is None), None)
        if endpoint is None:
            raise GenerationError(
                f"JAVASCRIPT_NAMES in scripts/tables.py maps {javascript} to {name}, "
                "an operation the endpoint table does not have"
            )
        rows.append(f"| {javascript} | `{call(endpoint)}` | `{endpoint.route}` |")
    return rows


def option_docs() -> dict[str, tuple[str, str]]:
    """Each option's default as shown and what it does, by name, as declared."""
    docs = {field.name: field.metadata["doc"] for field in attrs.fields(ClientConfig) if field.init}
    return {**docs, "http_client": HTTP_CLIENT_DOC}


def options_table() -> list[str]:
    """Every keyword argument of the clients, in the constructor's order: default, meaning."""
    docs = option_docs()
    rows = ["| argument | default | meaning |", "|---|---|---|"]
    for name in inspect.signature(AsyncQuickshops).parameters:
        shown, doc = docs[name]
        rows.append(f"| `{name}` | {shown} | {doc} |")
    return rows


# Each page with tables, and the table of each kind it holds.
PAGES: dict[str, dict[str, Callable[[], list[str]]]] = {
    "README.md": {"options": options_table, "routes": operations_table},
    "docs/configuration.md": {"options": options_table},
    "docs/operations.md": {"routes": operations_table},
    "docs/quickstart.md": {"routes": methods_table},
    "docs/javascript.md": {"routes": javascript_table},
}


def markers(kind: str) -> tuple[str, str]:
    """The comments a table of `kind` is written between."""
    begin = f"<!-- {kind}: begin (written by scripts/tables.py from {SOURCES[kind]}) -->"
    return begin, f"<!-- {kind}: end -->"


def with_table(text: str, page: str, kind: str, rows: list[str]) -> str:
    """`text`, the page `page`, with `rows` as its table of `kind`, between its markers.

    Raises:
        GenerationError: When the page does not have each marker once, in order.

    """
    begin, end = markers(kind)
    start, stop = text.find(begin), text.find(end)
    if text.count(begin) != 1 or text.count(end) != 1 or stop < start:
        raise GenerationError(
            f"{page} must hold its {kind} table between one {begin} line "
            f"and one {end} line, in that order"
        )
    return text[: start + len(begin)] + "\n\n" + "\n".join(rows) + "\n\n" + text[stop:]


def main(argv: list[str] | None = None) -> int:
    """Rewrite, or with --check verify, the tables of every page in `PAGES`."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail instead of writing")
    check: bool = parser.parse_args(argv).check
    problems: list[str] = []
    stale = False
    for page, tables in PAGES.items():
        path = ROOT / page
        current = expected = path.read_text(encoding="utf-8")
        try:
            for kind, table in tables.items():
                expected = with_table(expected, page, kind, table())
        except GenerationError as exc:
            if str(exc) not in problems:  # an operation's problem once, not once per page
                problems.append(str(exc))
            continue
        if current == expected:
            continue
        if check:
            diff = difflib.unified_diff(
                current.splitlines(keepends=True),
                expected.splitlines(keepends=True),
                page,
                "generated",
            )
            problems.append(f"{page} differs:\n" + "".join(diff))
            stale = True
        else:
            path.write_text(expected, encoding="utf-8")
    for problem in problems:
        print(f"scripts/tables.py: {problem}", file=sys.stderr)
    if stale:
        print("Run `python scripts/tables.py` to rewrite the tables.", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
