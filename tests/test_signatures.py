"""Public signatures show their default values, and those values are the SDK's defaults.

The reference (mkdocstrings) prints each default as it is written in the source, so a
default written as a constant's name (``timeout=DEFAULT_TIMEOUT``) tells the reader
nothing. The clients write their defaults out; these tests hold them equal to the
constants in ``quickshops/_constants.py`` that the rest of the SDK uses.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import quickshops
import quickshops.testing
import quickshops.webhooks
from quickshops import AsyncQuickshops, Quickshops
from quickshops._config import OPTIONS, ClientConfig
from quickshops._constants import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
)
from quickshops.testing import SUBSCRIPTION_PRODUCT_ID, Emulator, Faults
from quickshops.testing._faults import ANY_ROUTE
from quickshops.testing._seed import CURRENCY
from tests.conftest import SECRET_KEY

PACKAGE = Path(quickshops.__file__).parent
CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*")


def _functions_of(name: str, obj: object) -> Iterator[tuple[str, Callable[..., Any]]]:
    """The function `obj`, or the constructor and public methods a class defines itself."""
    if inspect.isfunction(obj):
        yield name, obj
    elif isinstance(obj, type):
        for attr, value in vars(obj).items():
            function = getattr(value, "__func__", value)  # a classmethod or staticmethod
            if (attr == "__init__" or not attr.startswith("_")) and inspect.isfunction(function):
                yield f"{name}.{attr}", function


def public_functions() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every function and method of the public API written in the package's source."""
    for module in (quickshops, quickshops.testing, quickshops.webhooks):
        for name in module.__all__:
            yield from _functions_of(f"{module.__name__}.{name}", getattr(module, name))
    for client in (AsyncQuickshops, Quickshops):
        for attr, resource in typing.get_type_hints(client).items():
            yield from _functions_of(f"{client.__name__}.{attr}", resource)


PUBLIC_FUNCTIONS = {
    name: function
    for name, function in public_functions()
    # attrs writes the models' __init__; its defaults are the fields', shown as values.
    if PACKAGE in Path(inspect.getsourcefile(function) or "").parents
}


def default_sources(function: Callable[..., Any]) -> dict[str, str]:
    """The source text of each parameter default of `function`, by parameter name."""
    source = textwrap.dedent(inspect.getsource(function))
    node = ast.parse(source).body[0]
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    arguments = node.args
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = list(
        zip(
            positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
        )
    )
    pairs += [
        (argument, default)
        for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if default is not None
    ]
    return {
        argument.arg: ast.get_source_segment(source, default) or "" for argument, default in pairs
    }


def constant_name(source: str) -> str | None:
    """The name the expression `source` is, if it is an ALL_CAPS name (dotted or not)."""
    node = ast.parse(source, mode="eval").body
    if isinstance(node, ast.Attribute):
        return constant_name(node.attr)
    if isinstance(node, ast.Name) and CONSTANT.fullmatch(node.id):
        return node.id
    return None


def test_constant_names_are_told_from_values() -> None:
    """What the check below looks for: a name, not a literal, a call or an expression."""
    assert "DEFAULT_TIMEOUT" == constant_name("DEFAULT_TIMEOUT")
    assert "ANY_ROUTE" == constant_name("_faults.ANY_ROUTE")
    assert None is constant_name("time.monotonic")
    assert None is constant_name("httpx2.Timeout(30.0, connect=5.0)")
    assert None is constant_name("32 * 1024 * 1024")
    assert None is constant_name('"usd"')
    assert None is constant_name("None")


def test_the_walk_reaches_the_public_api() -> None:
    """The functions checked below include the clients, their resources and the helpers."""
    assert {
        "quickshops.AsyncQuickshops.__init__",
        "quickshops.Quickshops.with_options",
        "AsyncQuickshops.cart.create",
        "Quickshops.products.list",
        "quickshops.testing.client",
        "quickshops.testing.Emulator.add_product",
        "quickshops.testing.Faults.fail_next",
        "quickshops.webhooks.construct_event",
    } <= set(PUBLIC_FUNCTIONS)


@pytest.mark.parametrize("name", sorted(PUBLIC_FUNCTIONS))
def test_no_default_is_written_as_a_constant_name(name: str) -> None:
    """A default reads as its value (``max_retries=2``), never as a constant's name."""
    function = PUBLIC_FUNCTIONS[name]
    for parameter, source in default_sources(function).items():
        assert constant_name(source) is None, f"{name}({parameter}={source}) shows a name"


@pytest.mark.parametrize("client", [AsyncQuickshops, Quickshops])
def test_client_defaults_are_the_sdk_defaults(client: type[Any]) -> None:
    """The defaults written in the constructors are the constants the SDK uses elsewhere."""
    parameters = inspect.signature(client).parameters

    assert {
        "timeout": DEFAULT_TIMEOUT,
        "max_retries": DEFAULT_MAX_RETRIES,
        "total_timeout": DEFAULT_TOTAL_TIMEOUT,
        "max_response_bytes": DEFAULT_MAX_RESPONSE_BYTES,
    } == {
        name: parameters[name].default
        for name in ("timeout", "max_retries", "total_timeout", "max_response_bytes")
    }


@pytest.mark.parametrize("client", [AsyncQuickshops, Quickshops])
def test_client_defaults_are_the_declared_options(client: type[Any]) -> None:
    """Every default the constructors write out is the default ClientConfig declares."""
    parameters = inspect.signature(client).parameters

    assert {field.name: field.default for field in attrs.fields(ClientConfig) if field.init} == {
        name: parameters[name].default for name in OPTIONS
    }


@pytest.mark.parametrize(
    ("function", "parameter", "value"),
    [
        (Emulator.add_product, "currency", CURRENCY),
        (Emulator.add_member, "product_id", SUBSCRIPTION_PRODUCT_ID),
        (Faults.fail_next, "route", ANY_ROUTE),
        (Faults.drop_next, "route", ANY_ROUTE),
    ],
)
def test_testing_defaults_are_the_emulator_constants(
    function: Callable[..., Any], parameter: str, value: str
) -> None:
    """The emulator's written-out defaults are its seeded constants."""
    assert value == inspect.signature(function).parameters[parameter].default


def options(qs: AsyncQuickshops | Quickshops) -> tuple[object, ...]:
    return (qs.timeout, qs.max_retries, qs.total_timeout, qs.max_response_bytes)


async def test_emulator_clients_have_the_client_defaults() -> None:
    """quickshops.testing.client and async_client default to what the constructors do."""
    expected = options(Quickshops(api_key=SECRET_KEY))

    with quickshops.testing.client() as qs:
        assert expected == options(qs)
    async with quickshops.testing.async_client() as aqs:
        assert expected == options(aqs)


def test_the_default_timeout_is_never_shared() -> None:
    """A client holds its own copy of the default Timeout: changing it changes no default."""
    default = inspect.signature(Quickshops).parameters["timeout"].default
    qs = Quickshops(api_key=SECRET_KEY)

    qs.timeout.read = 1.0

    assert qs.timeout is not default
    assert DEFAULT_TIMEOUT == default
    assert DEFAULT_TIMEOUT == Quickshops(api_key=SECRET_KEY).timeout
