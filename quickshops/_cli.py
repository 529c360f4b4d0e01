"""The ``quickshops`` command line, built on the sync client.

``quickshops demo`` walks the storefront flow against the built-in emulator;
``quickshops emulator`` serves the emulator on loopback; the other commands call the
API configured as for the clients (``QUICKSHOPS_API_KEY`` or ``HEADLESS_API_KEY``,
``QUICKSHOPS_BASE_URL`` or ``--base-url``) and print JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

import attrs

from ._constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._exceptions import QuickshopsError
from ._sync._client import Quickshops
from ._version import __version__

Command = Callable[[Quickshops, argparse.Namespace], Any]


def _as_dict(model: Any) -> dict[str, Any]:
    """A model's fields, with its request id once at the top rather than in every part."""
    fields = attrs.asdict(model, filter=lambda field, _: field.name != "request_id")
    return {**fields, "request_id": model.request_id}


def _to_json(value: Any) -> str:
    """Render a model, or a list of models, as indented JSON."""
    data = [_as_dict(item) for item in value] if isinstance(value, list) else _as_dict(value)
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quickshops",
        description="Call the Quickshops Headless API, or try it against a local emulator.",
        epilog="The key comes from QUICKSHOPS_API_KEY (or HEADLESS_API_KEY), never from "
        "the command line, so it stays out of shell history.",
    )
    parser.add_argument("--version", action="version", version=f"quickshops {__version__}")
    parser.add_argument("--base-url", help="API base URL (default: QUICKSHOPS_BASE_URL or the API)")
    parser.add_argument(
        "--timeout", type=float, help="seconds per attempt (default: 30, connect 5)"
    )
    parser.add_argument(
        "--max-retries", type=int, default=DEFAULT_MAX_RETRIES, help="retries after the first try"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="run the storefront flow against the emulator")
    demo.set_defaults(run=None)
    emulator = commands.add_parser("emulator", help="serve the emulator on loopback")
    emulator.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    emulator.add_argument("--port", type=int, default=8787, help="port (0 picks a free one)")
    emulator.set_defaults(run=None)

    def add(
        group: Any, name: str, run: Command, help: str, *arguments: tuple[str, dict[str, Any]]
    ) -> None:
        command = group.add_parser(name, help=help)
        for flags, options in arguments:
            command.add_argument(*flags.split(), **options)
        command.set_defaults(run=run)

    add(commands, "health", lambda qs, a: qs.health.check(), "is the API up")
    add(commands, "store", lambda qs, a: qs.store.get(), "the store's profile")

    products = commands.add_parser("products", help="the catalogue").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add(
        products,
        "list",
        lambda qs, a: qs.products.list(include_inactive=a.include_inactive or None, limit=a.limit),
        "list products",
        ("--include-inactive", {"action": "store_true"}),
        ("--limit", {"type": int}),
    )
    add(
        products,
        "get",
        lambda qs, a: qs.products.get(a.product_id),
        "one product",
        ("product_id", {}),
    )

    cart = commands.add_parser("cart", help="carts (secret key)").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    add(
        cart,
        "create",
        lambda qs, a: qs.cart.create(lines=a.line),
        "create a cart",
        ("--line", {"type": _line, "action": "append", "metavar": "PRODUCT_ID[:QUANTITY]"}),
    )
    add(cart, "get", lambda qs, a: qs.cart.get(a.cart_id), "one cart", ("cart_id", {}))
    add(
        cart,
        "add",
        lambda qs, a: qs.cart.add_line(a.cart_id, a.product_id, a.quantity),
        "add a product to a cart",
        ("cart_id", {}),
        ("product_id", {}),
        ("--quantity", {"type": int, "default": 1}),
    )
    add(
        cart,
        "update",
        lambda qs, a: qs.cart.update_line(a.cart_id, a.product_id, a.quantity),
        "set a line's quantity (0 removes it)",
        ("cart_id", {}),
        ("product_id", {}),
        ("quantity", {"type": int}),
    )
    add(
        cart,
        "remove",
        lambda qs, a: qs.cart.remove_line(a.cart_id, a.product_id),
        "remove a line",
        ("cart_id", {}),
        ("product_id", {}),
    )
    add(cart, "clear", lambda qs, a: qs.cart.clear(a.cart_id), "empty a cart", ("cart_id", {}))

    checkout = commands.add_parser("checkout", help="checkout sessions (secret key)")
    checkout_actions = checkout.add_subparsers(dest="action", required=True, metavar="ACTION")
    add(
        checkout_actions,
        "create",
        lambda qs, a: qs.checkout.create_session(
            a.cart,
            product_id=a.product,
            quantity=a.quantity,
            success_url=a.success_url,
            cancel_url=a.cancel_url,
        ),
        "create a checkout session for a cart or one product",
        ("--cart", {"metavar": "CART_ID"}),
        ("--product", {"metavar": "PRODUCT_ID"}),
        ("--quantity", {"type": int}),
        ("--success-url", {}),
        ("--cancel-url", {}),
    )
    add(
        checkout_actions,
        "get",
        lambda qs, a: qs.checkout.get_session(a.session_id),
        "a checkout session's status",
        ("session_id", {}),
    )

    portal = commands.add_parser("portal", help="the billing portal (secret key)")
    add(
        portal.add_subparsers(dest="action", required=True, metavar="ACTION"),
        "create",
        lambda qs, a: qs.subscription.create_portal_session(a.member_session_id),
        "create a billing-portal session for a member",
        ("member_session_id", {}),
    )
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
        portal = qs.subscription.create_portal_session(MEMBER_SESSION_ID)
        step("7. Billing portal URL", portal.url)
    print("\nDone. Point QUICKSHOPS_API_KEY at your store's key to run this for real.", file=out)


def _serve(host: str, port: int, out: TextIO) -> None:
    """Serve the emulator until interrupted."""
    from .testing import PUBLIC_KEY, SECRET_KEY, EmulatorServer

    server = EmulatorServer(host=host, port=port)
    print(f"Emulator serving at {server.url}", file=out)
    print(f"  secret key: {SECRET_KEY}\n  public key: {PUBLIC_KEY}", file=out)
    print("Press Ctrl+C to stop.", file=out, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.", file=out)


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
            _serve(args.host, args.port, sys.stdout)
        else:
            timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
            with Quickshops(
                base_url=args.base_url, timeout=timeout, max_retries=args.max_retries
            ) as qs:
                print(_to_json(args.run(qs, args)))
    except QuickshopsError as exc:
        status = f"{exc.status} " if exc.status is not None else ""
        request_id = f" (request id {exc.request_id})" if exc.request_id else ""
        print(f"quickshops: error: {status}{exc.code}: {exc.message}{request_id}", file=sys.stderr)
        return 1
    return 0
