"""The ``quickshops`` command line, built on the sync client.

One command per operation of the endpoint table (``quickshops cart add-line CART_ID
PRODUCT_ID``) calls the API configured as for the clients (``QUICKSHOPS_API_KEY`` or
``HEADLESS_API_KEY``, ``QUICKSHOPS_BASE_URL`` or ``--base-url``) and prints JSON. The
commands that need no key, ``quickshops demo``, ``quickshops emulator`` and
``quickshops webhooks trigger``, live beside the emulator, in
``quickshops.testing._commands``; this module registers them.

Each operation's command is made from its resource method: required arguments become
positional ones, the others options, the method's docstring gives the help texts.
A mistake on the command line is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import sys
import typing
from collections.abc import Callable
from typing import Any, NoReturn

import attrs

from ._constants import API_KEY_ENV_VARS, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._endpoints import ENDPOINTS, Endpoint
from ._exceptions import InvalidAPIKeyError, QuickshopsError
from ._models import CartLineInput
from ._sync._client import Quickshops
from ._version import __version__
from .testing._commands import CommandError, add_commands


def _as_dict(model: Any) -> dict[str, Any]:
    """A model's fields, with its request id once at the top rather than in every part."""
    fields = attrs.asdict(model, filter=lambda field, _: field.name != "request_id")
    return {**fields, "request_id": model.request_id}


def _to_json(value: Any) -> str:
    """Render a model, a list of models, or plain JSON, as indented JSON."""
    if attrs.has(type(value)):
        data: Any = _as_dict(value)
    elif isinstance(value, list) and value and attrs.has(type(value[0])):
        data = [_as_dict(item) for item in value]
    else:
        data = value
    return json.dumps(data, indent=2, ensure_ascii=False)


def _line(text: str) -> tuple[str, int]:
    """Parse ``PRODUCT_ID:QUANTITY`` (the quantity defaults to 1)."""
    product_id, _, quantity = text.rpartition(":") if ":" in text else (text, "", "1")
    try:
        return product_id, int(quantity)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not PRODUCT_ID or PRODUCT_ID:QUANTITY"
        ) from None


def _one_line(text: str) -> str:
    """`text` with its control characters (a newline in an id, say) escaped, as in a repr."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda match: repr(match[0])[1:-1], text)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line: what is wrong, and where to look."""

    def error(self, message: str) -> NoReturn:
        """Print `message` and where the usage is described, on one line; exit with 2."""
        self.exit(2, f"{self.prog}: error: {_one_line(message)} (see `{self.prog} --help`)\n")


def argument_docs(function: Callable[..., Any]) -> dict[str, str]:
    """The descriptions of a function's arguments, from its docstring's ``Args:`` section."""
    lines = inspect.cleandoc(function.__doc__ or "").splitlines()
    docs: dict[str, str] = {}
    inside, name = False, None
    for line in lines:
        if not line.strip():
            continue
        if not line.startswith(" "):
            inside = line.strip() == "Args:"
            continue
        match = re.match(r"    (\w+): (.*)", line)
        if inside and match:
            name = match[1]
            docs[name] = match[2]
        elif inside and name is not None:
            docs[name] += " " + line.strip()
    return {name: text.replace("``", "").replace("`", "") for name, text in docs.items()}


def command_name(endpoint: Endpoint[Any]) -> tuple[str, str]:
    """The command of an operation: its resource, and its method with dashes."""
    return endpoint.resource, endpoint.action.replace("_", "-")


def _summary(obj: Any) -> str:
    line = inspect.cleandoc(obj.__doc__ or "").partition("\n")[0].rstrip(".")
    return line.replace("``", "").replace("`", "")


def _value_type(hint: Any) -> Any:
    """The type of an argument, without ``| None``."""
    values = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    return values[0] if len(values) == 1 and type(None) in typing.get_args(hint) else hint


def _option_help(text: str, spellings: dict[str, str]) -> str:
    """An argument's description from a docstring, in the words of the command line.

    The arguments it names (``product_id``) are spelled as the command takes them
    (``--product-id``), and "if None" is "if not given".
    """
    text = re.sub(r"\b[a-z]+(?:_[a-z]+)+\b", lambda match: spellings.get(match[0], match[0]), text)
    return re.sub(r"\bif None\b", "if not given", text)


def _add_operation(group: Any, endpoint: Endpoint[Any], method: Callable[..., Any]) -> None:
    """Add the command of `endpoint`, made from `method`'s signature and docstring.

    Raises:
        LookupError: When the docstring does not describe one of the arguments.

    """
    docs = argument_docs(method)
    hints = typing.get_type_hints(method)
    parameters = list(inspect.signature(method).parameters.values())[1:]
    required = {p.name for p in parameters if p.default is inspect.Parameter.empty}
    spellings = {
        p.name: p.name.upper() if p.name in required else "--" + p.name.replace("_", "-")
        for p in parameters
    }
    command = group.add_parser(
        command_name(endpoint)[1], help=_summary(method), description=_summary(method) + "."
    )
    for parameter in parameters:
        name, value_type = parameter.name, _value_type(hints[parameter.name])
        if name not in docs:
            raise LookupError(
                f"{method.__qualname__}: the Args section of its docstring does not describe "
                f"{name!r}, and the help of `quickshops {' '.join(command_name(endpoint))}` "
                "is made from it"
            )
        options: dict[str, Any] = {"help": _option_help(docs[name], spellings), "dest": name}
        if value_type in (str, int):
            options.update(type=value_type, metavar=name.upper())
        elif value_type is bool:
            options.update(action="store_const", const=True, default=None)
        else:  # the lines of a new cart, the one argument of another type
            assert CartLineInput in typing.get_args(typing.get_args(value_type)[0]), value_type
            spellings[name] = "--line"
            options.update(type=_line, action="append", metavar="PRODUCT_ID[:QUANTITY]")
            options["help"] = "A product to put in the cart (quantity 1 by default); repeat."
        if name in required:
            del options["dest"]
            command.add_argument(name, **options)
        else:
            command.add_argument(spellings[name], **options)
    command.set_defaults(
        run=lambda qs, args: getattr(getattr(qs, endpoint.resource), endpoint.action)(
            **{parameter.name: getattr(args, parameter.name) for parameter in parameters}
        )
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="quickshops",
        description="Call the Quickshops Headless API, or try it against a local emulator.",
        epilog="The key comes from QUICKSHOPS_API_KEY (or HEADLESS_API_KEY), never from "
        "the command line, so it stays out of shell history.",
    )
    parser.add_argument("--version", action="version", version=f"quickshops {__version__}")
    parser.add_argument(
        "--base-url", metavar="URL", help="API base URL (default: QUICKSHOPS_BASE_URL or the API)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="seconds per attempt (default: 30, connect 5)",
    )
    parser.add_argument(
        "--max-retries",
        type=int,
        default=DEFAULT_MAX_RETRIES,
        metavar="N",
        help=f"retries after the first try (default: {DEFAULT_MAX_RETRIES})",
    )
    commands = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        help="what to do; `quickshops COMMAND --help` describes each",
    )

    add_commands(commands)  # demo, emulator and webhooks, first in the list of commands

    resources = typing.get_type_hints(Quickshops)
    groups: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        if endpoint.alias_of is not None:
            continue
        resource = resources[endpoint.resource]
        if endpoint.resource not in groups:
            group = commands.add_parser(
                endpoint.resource,
                help=_summary(resource),
                description=_summary(resource) + ".",
            )
            groups[endpoint.resource] = group.add_subparsers(
                dest="action",
                required=True,
                metavar="ACTION",
                help=f"the operation; `quickshops {endpoint.resource} ACTION --help` describes "
                "its arguments",
            )
        _add_operation(groups[endpoint.resource], endpoint, getattr(resource, endpoint.action))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (0 on success)."""
    try:
        status = _run(_parser().parse_args(argv))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`quickshops products list | head`): stop quietly, and
        # point stdout at devnull so that the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


def _run(args: argparse.Namespace) -> int:
    try:
        if args.run is None:  # a command of quickshops.testing._commands: no key, no client
            return int(args.local(args, sys.stdout))
        if not any(os.environ.get(name) for name in API_KEY_ENV_VARS):
            raise InvalidAPIKeyError(
                f"No API key: set {API_KEY_ENV_VARS[0]} (or {API_KEY_ENV_VARS[1]}); the "
                "command line reads the key only from the environment. `quickshops demo` "
                "needs none."
            )
        timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
        with Quickshops(
            base_url=args.base_url, timeout=timeout, max_retries=args.max_retries
        ) as qs:
            print(_to_json(args.run(qs, args)))
    except CommandError as exc:
        _error(str(exc))
        return exc.status
    except QuickshopsError as exc:
        status = f"{exc.status} " if exc.status is not None else ""
        request_id = f" (request id {exc.request_id})" if exc.request_id else ""
        _error(f"{status}{exc.code}: {exc.message}{request_id}")
        return 1
    return 0


def _error(message: str) -> None:
    """Print an error as one line on stderr."""
    print(f"quickshops: error: {_one_line(message)}", file=sys.stderr)
