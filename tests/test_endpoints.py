"""The endpoint table, walked: every operation has all its parts, and only those exist.

Adding an operation is one row of the table, one resource method and one emulator
handler; these tests fail until it has all three, and its entry in the literal wire
table (``tests/wire.py``). Its CLI command is made from the table and the method; its
rows in the docs and the README are written by ``scripts/tables.py``, whose check
(``tests/test_routes_script.py``) fails until they are rewritten. How many operations
the contract has is pinned by the literal list of ``tests/emulator/test_contract.py``.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from quickshops import AsyncQuickshops, Quickshops
from quickshops._cli import command_name
from quickshops._endpoints import BY_NAME, BY_ROUTE, ENDPOINTS, Endpoint
from quickshops.testing import ROUTE_NAMES, Emulator
from quickshops.testing._routing import handler_name
from tests.conftest import SECRET_KEY
from tests.test_cli import operation_commands
from tests.wire import WIRE

OPERATIONS = [endpoint for endpoint in ENDPOINTS if endpoint.alias_of is None]
IDS = [endpoint.name for endpoint in ENDPOINTS]


def test_the_table_has_every_operation_of_the_contract() -> None:
    """Each route once, each name once, in the contract's words; the emulator routes them all."""
    assert len(ENDPOINTS) == len(BY_ROUTE) == len(BY_NAME)
    assert {"none", "any", "secret"} == {endpoint.key for endpoint in ENDPOINTS}
    assert [e.route for e in ENDPOINTS if not e.envelope] == ["GET /health"]
    assert ROUTE_NAMES == set(BY_ROUTE)


@pytest.mark.parametrize("endpoint", OPERATIONS, ids=[e.name for e in OPERATIONS])
def test_each_operation_has_a_method_on_both_clients(endpoint: Endpoint[Any]) -> None:
    """The method the operation names exists on both clients, and says its route."""
    for client in (AsyncQuickshops(api_key=SECRET_KEY), Quickshops(api_key=SECRET_KEY)):
        method = getattr(getattr(client, endpoint.resource), endpoint.action)
        assert f"``{endpoint.route}``" in (method.__doc__ or ""), endpoint.name
        parameters = inspect.signature(method).parameters
        assert set(endpoint.arguments) <= set(parameters), endpoint.name
        assert endpoint.is_mutation == ("idempotency_key" in parameters), endpoint.name


def test_an_alias_points_at_an_operation_with_the_same_answer() -> None:
    """GET /store is the contract's alias of GET /products/store."""
    aliases = [endpoint for endpoint in ENDPOINTS if endpoint.alias_of is not None]

    assert [("GET /store", "store.get")] == [(e.route, e.alias_of) for e in aliases]
    for alias in aliases:
        assert alias.returns == BY_NAME[str(alias.alias_of)].returns


def test_the_clients_have_no_method_without_an_operation() -> None:
    """Every public resource method is some operation's; nothing is left over.

    A paged list's resource also reads it page by page (``products.iter``).
    """
    client = Quickshops(api_key=SECRET_KEY)
    methods = {
        f"{resource}.{name}"
        for resource in {endpoint.resource for endpoint in ENDPOINTS}
        for name, _ in inspect.getmembers(getattr(client, resource), inspect.ismethod)
        if not name.startswith("_")
    }

    iterators = {f"{endpoint.resource}.iter" for endpoint in OPERATIONS if endpoint.many}
    assert {endpoint.name for endpoint in OPERATIONS} | iterators == methods


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_each_operation_has_an_emulator_handler(endpoint: Endpoint[Any]) -> None:
    """The emulator answers every operation, an alias by its target's handler."""
    handler = getattr(Emulator, handler_name(endpoint))

    assert f"``{endpoint.route}``" in (handler.__doc__ or "") or endpoint.alias_of


def test_each_operation_has_a_cli_command() -> None:
    """The command line has one command per operation, and no other but demo and emulator."""
    assert {command_name(endpoint) for endpoint in OPERATIONS} == set(operation_commands())


def test_each_operation_has_a_wire_entry() -> None:
    """The literal wire table covers every operation, and only operations."""
    assert set(BY_ROUTE) == {wire.route for wire in WIRE}
