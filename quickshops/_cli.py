"""The ``quickshops`` command line, built on the sync client.

``quickshops demo`` walks the storefront flow against the built-in emulator;
``quickshops emulator`` serves the emulator on loopback (``--allow-remote`` lets another
``--host`` serve other machines too; ``--webhook URL --webhook-secret SECRET`` also
sends its webhooks there); ``quickshops webhooks trigger
EVENT`` sends one signed sample event to a local endpoint; the other commands, one per
operation of the endpoint table (``quickshops cart add-line CART_ID PRODUCT_ID``),
call the API configured as for the clients (``QUICKSHOPS_API_KEY`` or
``HEADLESS_API_KEY``, ``QUICKSHOPS_BASE_URL`` or ``--base-url``) and print JSON.

Each operation's command is made from its resource method: required arguments become
positional ones, the others options, the method's docstring gives the help texts.
A mistake on the command line is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime
import errno
import inspect
import ipaddress
import json
import os
import re
import sys
import typing
import urllib.parse
from collections.abc import Callable
from typing import Any, NoReturn, TextIO

import attrs
import httpx2

from ._constants import API_KEY_ENV_VARS, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._endpoints import ENDPOINTS, Endpoint
from ._exceptions import InvalidAPIKeyError, QuickshopsError
from ._models import CartLineInput
from ._sync._client import Quickshops
from ._version import __version__
from .webhooks import EVENT_TYPES


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


def _port(text: str) -> int:
    """A TCP port, 0 to 65535 (0: a free one)."""
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a port: use 0 to 65535 (0 picks a free one)"
        )
    return int(text)


def _host(text: str) -> str:
    """An IPv4 address or ``localhost``, the addresses the emulator's server can bind."""
    if text != "localhost":
        try:
            ipaddress.IPv4Address(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not an IPv4 address or localhost"
            ) from None
    return text


def _is_loopback(host: str) -> bool:
    """Tell whether `host`, one that `_host` took, reaches this machine only."""
    return host == "localhost" or ipaddress.IPv4Address(host).is_loopback


def _url(text: str) -> str:
    """A URL whose parts parse (the port a number up to 65535), for ``--webhook`` and the like."""
    try:
        # Reading the port parses it; an unclosed IPv6 bracket fails even before.
        urllib.parse.urlsplit(text).port  # noqa: B018
    except ValueError as exc:
        reason = str(exc)
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a URL: {reason[:1].lower()}{reason[1:]}"
        ) from None
    return text


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

    demo = commands.add_parser(
        "demo",
        help="run the storefront flow against the emulator",
        description="Walk the storefront flow against the built-in emulator on a free "
        "loopback port: no key, no network.",
    )
    demo.set_defaults(run=None)
    emulator = commands.add_parser(
        "emulator",
        help="serve the emulator over HTTP, on loopback unless --allow-remote",
        description="Serve the emulator over HTTP until Ctrl+C, on loopback unless --allow-remote.",
    )
    emulator.add_argument(
        "--host",
        type=_host,
        default="127.0.0.1",
        help="IPv4 address to bind (default: 127.0.0.1); a loopback one, or any with "
        "--allow-remote (0.0.0.0: every interface)",
    )
    emulator.add_argument(
        "--port", type=_port, default=8787, help="port (default: 8787; 0 picks a free one)"
    )
    emulator.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host that other machines can reach (in a container, say); clients "
        "there must pass allow_insecure_http=True",
    )
    emulator.add_argument(
        "--webhook",
        action="append",
        default=[],
        type=_url,
        metavar="URL",
        help="a loopback http URL to send signed webhook events to; repeat for more",
    )
    emulator.add_argument(
        "--webhook-secret", metavar="SECRET", help="the signing secret of the --webhook URLs"
    )
    emulator.set_defaults(run=None)

    webhooks = commands.add_parser(
        "webhooks",
        help="send a sample webhook to a local endpoint",
        description="Send sample webhook events, signed, to an endpoint of yours.",
    )
    webhook_actions = webhooks.add_subparsers(
        dest="action", required=True, metavar="ACTION", help="what to do"
    )
    trigger = webhook_actions.add_parser(
        "trigger",
        help="send one signed sample event and print the status it got",
        description="Send one signed sample event to a local endpoint and print its answer.",
    )
    trigger.add_argument("event", choices=EVENT_TYPES, help="the event to send")
    trigger.add_argument(
        "--forward-to",
        required=True,
        type=_url,
        metavar="URL",
        help="the endpoint, a loopback http URL",
    )
    trigger.add_argument(
        "--secret", required=True, help="the signing secret your endpoint verifies with"
    )
    trigger.set_defaults(run=None)

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


def _demo(out: TextIO) -> None:
    """Walk the storefront flow against an emulator on a free loopback port."""
    from .testing import MEMBER_SESSION_ID, SECRET_KEY, EmulatorServer

    def step(title: str, detail: str) -> None:
        print(f"{title:<24} {detail}", file=out)

    with (
        EmulatorServer(port=0) as server,
        Quickshops(api_key=SECRET_KEY, base_url=server.url) as qs,
    ):
        print(f"Quickshops demo: an emulator of the API is serving at {server.url}\n", file=out)
        store = qs.store.get()
        step("1. Store", f"{store.name} (payments configured: {store.payments_configured})")
        products = qs.products.list()
        for product in products:
            price = f"{product.price_in_cents / 100:.2f} {product.currency.upper()}"
            interval = f" / {product.billing_interval}" if product.billing_interval else ""
            step("2. Product", f"{product.id}: {product.name}, {price}{interval}")
        buyable = [p for p in products if p.type != "subscription"][:2]
        cart = qs.cart.create()
        step("3. New cart", cart.id)
        for product in buyable:
            cart = qs.cart.add_line(cart.id, product.id)
            step("4. Add line", f"{product.name} x1, total {cart.totals.total} (minor units)")
        cart = qs.cart.update_line(cart.id, buyable[0].id, 3)
        step("5. Update quantity", f"{buyable[0].name} x3, total {cart.totals.total}")
        session = qs.checkout.create_session(
            cart.id, success_url="https://shop.example/thanks?session={CHECKOUT_SESSION_ID}"
        )
        step("6. Checkout URL", session.url)
        paid = httpx2.post(f"{session.url}/pay", timeout=DEFAULT_TIMEOUT)  # the page's Pay
        step("7. Pay", f"{paid.status_code} to {paid.headers.get('location')}")
        details = qs.checkout.get_session(session.session_id)
        total = f"{details.amount_total} (minor units)"
        step("8. Checkout session", f"{details.payment_status}, {total}")
        portal = qs.subscription.create_portal_session(MEMBER_SESSION_ID)
        step("9. Billing portal URL", portal.url)
    print(
        "\nDone. Run `quickshops emulator` to open these pages in a browser; point your app "
        "at the API with QUICKSHOPS_API_KEY (and QUICKSHOPS_BASE_URL) for real.",
        file=out,
    )


# Why a server could not bind, by errno, and what to change.
_BIND_HINTS = {
    errno.EADDRINUSE: "pick another --port (0 picks a free one)",
    errno.EACCES: "pick another --port (0 picks a free one)",
    errno.EADDRNOTAVAIL: "--host must be an address of this machine (0.0.0.0: all of them)",
}


def _serve(args: argparse.Namespace, out: TextIO) -> None:
    """Serve the emulator until interrupted, sending webhooks to ``--webhook`` URLs."""
    from .testing import BASE_PATH, PUBLIC_KEY, SECRET_KEY, Emulator, EmulatorServer

    remote = not _is_loopback(args.host)
    if remote and not args.allow_remote:
        raise _UsageError(
            f"--host {args.host} is not a loopback address: other machines could reach the "
            "emulator and its test keys there, over plain http; add --allow-remote if they "
            "should (in a container, say)"
        )
    if bool(args.webhook) != bool(args.webhook_secret):
        raise _UsageError("--webhook and --webhook-secret go together: give both, or neither")
    emulator = Emulator()
    for url in args.webhook:
        try:
            emulator.add_webhook(url, args.webhook_secret)
        except ValueError as exc:
            raise _UsageError(f"--webhook: {exc}") from None
    try:
        server = EmulatorServer(emulator, host=args.host, port=args.port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = _BIND_HINTS.get(exc.errno or 0)
        raise _UsageError(
            f"cannot listen on {args.host}:{args.port}: {reason}" + (f"; {hint}" if hint else "")
        ) from None
    url, port = server.url, urllib.parse.urlsplit(server.url).port
    every_interface = remote and ipaddress.IPv4Address(args.host).is_unspecified
    if every_interface:
        # 0.0.0.0 is every interface, not an address to connect to: loopback is one of them.
        url = url.replace(f"//{args.host}:", "//127.0.0.1:", 1)
        emulator.pages_url = url.removesuffix(BASE_PATH)  # the pages' links too
    if remote:
        print(
            f"quickshops: warning: --allow-remote: other machines can reach the emulator on "
            f"{args.host}:{port}, with its test keys, over plain http; a client there must opt "
            "in with allow_insecure_http=True",
            file=sys.stderr,
        )
    print(f"Emulator serving at {url}", file=out)
    if every_interface:
        print(f"  listening on: {args.host}:{port}, every interface of this machine", file=out)
    print(f"  secret key: {SECRET_KEY}\n  public key: {PUBLIC_KEY}", file=out)
    for hook in args.webhook:
        print(f"  webhooks to: {hook}", file=out)
    print("Press Ctrl+C to stop.", file=out, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.", file=out)


class _UsageError(Exception):
    """A command line that cannot run as given; its message says what to change."""


def _trigger(args: argparse.Namespace, out: TextIO) -> int:
    """Send one signed sample event to ``--forward-to``; 0 when it answered 2xx."""
    from .testing._webhooks import Webhook, deliver, event_body, sample_data

    try:
        webhook = Webhook.create(args.forward_to, args.secret, [args.event])
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    timestamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    body = event_body(args.event, timestamp.replace("+00:00", "Z"), sample_data(args.event))
    delivery = deliver(webhook, args.event, body, attempts=1, retry_delay=0.0)
    if delivery.status is None:
        _error(
            f"{args.event} to {args.forward_to}: no answer ({delivery.error}); is your "
            "endpoint serving?"
        )
        return 1
    print(f"{args.event} -> {args.forward_to}: {delivery.status}", file=out)
    return 0 if delivery.delivered else 1


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
        if args.command == "demo":
            _demo(sys.stdout)
        elif args.command == "emulator":
            _serve(args, sys.stdout)
        elif args.command == "webhooks":
            return _trigger(args, sys.stdout)
        else:
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
    except _UsageError as exc:
        _error(str(exc))
        return 2
    except QuickshopsError as exc:
        status = f"{exc.status} " if exc.status is not None else ""
        request_id = f" (request id {exc.request_id})" if exc.request_id else ""
        _error(f"{status}{exc.code}: {exc.message}{request_id}")
        return 1
    return 0


def _error(message: str) -> None:
    """Print an error as one line on stderr."""
    print(f"quickshops: error: {_one_line(message)}", file=sys.stderr)
