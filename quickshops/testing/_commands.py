"""The commands of the ``quickshops`` command line that run beside the emulator.

``quickshops demo`` walks the storefront flow against the emulator on a free loopback
port; ``quickshops emulator`` serves the emulator on loopback (``--allow-remote`` lets
another ``--host`` serve other machines too; ``--webhook URL --webhook-secret SECRET``
also sends its webhooks there); ``quickshops webhooks trigger EVENT`` sends one signed
sample event to a local endpoint. None of them needs a key.

`add_commands` adds them to the command line (``quickshops._cli``, which has the
commands of the API's operations). Each sets ``run`` to None, and ``local`` to what
runs it: a function of the parsed arguments and stdout, returning the exit status. A
`CommandError` it raises is one line on stderr, with its ``status``.

They use the emulator through the public `quickshops.testing`, looked up when a
command runs.
"""

from __future__ import annotations

import argparse
import datetime
import errno
import ipaddress
import sys
import urllib.parse
from typing import Any, TextIO

import httpx2

from quickshops import testing
from quickshops._constants import DEFAULT_TIMEOUT
from quickshops._sync._client import Quickshops
from quickshops.testing._webhooks import Webhook, deliver, event_body, sample_data
from quickshops.webhooks import EVENT_TYPES

__all__ = ["CommandError", "UsageError", "add_commands"]


class CommandError(Exception):
    """A command that could not do its work; its message says why."""

    status = 1
    """The exit status."""


class UsageError(CommandError):
    """A command line that cannot run as given; its message says what to change."""

    status = 2


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


def add_commands(commands: Any) -> None:
    """Add ``demo``, ``emulator`` and ``webhooks trigger`` to `commands`, a subparsers action."""
    demo = commands.add_parser(
        "demo",
        help="run the storefront flow against the emulator",
        description="Walk the storefront flow against the built-in emulator on a free "
        "loopback port: no key, no network.",
    )
    demo.set_defaults(run=None, local=lambda args, out: _demo(out))
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
    emulator.set_defaults(run=None, local=_serve)

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
    trigger.set_defaults(run=None, local=_trigger)


def _demo(out: TextIO) -> int:
    """Walk the storefront flow against an emulator on a free loopback port."""

    def step(title: str, detail: str) -> None:
        print(f"{title:<24} {detail}", file=out)

    with (
        testing.EmulatorServer(port=0) as server,
        Quickshops(api_key=testing.SECRET_KEY, base_url=server.url) as qs,
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
        assert session.session_id is not None  # the emulator always sends it
        details = qs.checkout.get_session(session.session_id)
        total = f"{details.amount_total} (minor units)"
        step("8. Checkout session", f"{details.payment_status}, {total}")
        portal = qs.subscription.create_portal_session(testing.MEMBER_SESSION_ID)
        step("9. Billing portal URL", portal.url)
    print(
        "\nDone. Run `quickshops emulator` to open these pages in a browser; point your app "
        "at the API with QUICKSHOPS_API_KEY (and QUICKSHOPS_BASE_URL) for real.",
        file=out,
    )
    return 0


# Why a server could not bind, by errno, and what to change.
_BIND_HINTS = {
    errno.EADDRINUSE: "pick another --port (0 picks a free one)",
    errno.EACCES: "pick another --port (0 picks a free one)",
    errno.EADDRNOTAVAIL: "--host must be an address of this machine (0.0.0.0: all of them)",
}


def _serve(args: argparse.Namespace, out: TextIO) -> int:
    """Serve the emulator until interrupted, sending webhooks to ``--webhook`` URLs."""
    remote = not _is_loopback(args.host)
    if remote and not args.allow_remote:
        raise UsageError(
            f"--host {args.host} is not a loopback address: other machines could reach the "
            "emulator and its test keys there, over plain http; add --allow-remote if they "
            "should (in a container, say)"
        )
    if bool(args.webhook) != bool(args.webhook_secret):
        raise UsageError("--webhook and --webhook-secret go together: give both, or neither")
    emulator = testing.Emulator()
    for url in args.webhook:
        try:
            emulator.add_webhook(url, args.webhook_secret)
        except ValueError as exc:
            raise UsageError(f"--webhook: {exc}") from None
    try:
        server = testing.EmulatorServer(emulator, host=args.host, port=args.port)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        hint = _BIND_HINTS.get(exc.errno or 0)
        raise UsageError(
            f"cannot listen on {args.host}:{args.port}: {reason}" + (f"; {hint}" if hint else "")
        ) from None
    url, port = server.url, urllib.parse.urlsplit(server.url).port
    every_interface = remote and ipaddress.IPv4Address(args.host).is_unspecified
    if every_interface:
        # 0.0.0.0 is every interface, not an address to connect to: loopback is one of them.
        url = url.replace(f"//{args.host}:", "//127.0.0.1:", 1)
        emulator.pages_url = url.removesuffix(testing.BASE_PATH)  # the pages' links too
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
    print(f"  secret key: {testing.SECRET_KEY}\n  public key: {testing.PUBLIC_KEY}", file=out)
    for hook in args.webhook:
        print(f"  webhooks to: {hook}", file=out)
    print("Press Ctrl+C to stop.", file=out, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Stopped.", file=out)
    return 0


def _trigger(args: argparse.Namespace, out: TextIO) -> int:
    """Send one signed sample event to ``--forward-to``; 0 when it answered 2xx."""
    try:
        webhook = Webhook.create(args.forward_to, args.secret, [args.event])
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    timestamp = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    body = event_body(args.event, timestamp.replace("+00:00", "Z"), sample_data(args.event))
    delivery = deliver(webhook, args.event, body, attempts=1, retry_delay=0.0)
    if delivery.status is None:
        raise CommandError(
            f"{args.event} to {args.forward_to}: no answer ({delivery.error}); is your "
            "endpoint serving?"
        )
    print(f"{args.event} -> {args.forward_to}: {delivery.status}", file=out)
    return 0 if delivery.delivered else 1
