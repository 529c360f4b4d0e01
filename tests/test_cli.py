"""The quickshops command line: every command, its output and its exit status."""

from __future__ import annotations

import argparse
import errno
import json
import os
import runpy
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from quickshops import Quickshops, testing, webhooks
from quickshops._cli import _add_operation, _parser, main
from quickshops._endpoints import ENDPOINTS
from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    MEMBER_SESSION_ID,
    PHYSICAL_PRODUCT_ID,
    SECRET_KEY,
    Emulator,
    EmulatorServer,
)
from tests.receiver import receiving

if TYPE_CHECKING:
    from collections.abc import Iterator

CLI_KEY = "qk_cli_secret_key_123456789"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    """An emulator on loopback, with the CLI configured for it through the environment."""
    emulator = Emulator()
    emulator.add_key(CLI_KEY)
    with EmulatorServer(emulator) as running:
        monkeypatch.setenv("QUICKSHOPS_API_KEY", CLI_KEY)
        monkeypatch.setenv("QUICKSHOPS_BASE_URL", running.url)
        yield running


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    """Run the CLI in-process; return its status, its stdout as JSON, and its stderr."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, json.loads(out) if status == 0 else out, err


def test_read_commands(server: EmulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    """health, store, catalog and products print the API's answers as JSON."""
    assert run(capsys, "health", "check")[1]["ok"] is True
    assert "Emulator Shop" == run(capsys, "store", "get")[1]["name"]
    assert "#0f766e" == run(capsys, "store", "get")[1]["theme"]["primary"]
    assert "Emulator Shop" == run(capsys, "catalog", "get")[1]["store"]["name"]
    listed = run(capsys, "products", "list", "--include-inactive", "--limit", "2")[1]
    assert 2 == len(listed)
    product = run(capsys, "products", "get", DIGITAL_PRODUCT_ID)[1]
    assert (DIGITAL_PRODUCT_ID, 1999) == (product["id"], product["price_in_cents"])


def test_admin_commands_print_plain_json(
    server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """The operations without a published schema print the API's JSON as it came."""
    assert "emulator-shop" == run(capsys, "store", "settings")[1]["slug"]
    assert "classic" in [theme["key"] for theme in run(capsys, "store", "themes")[1]]
    assert "classic" == run(capsys, "store", "page-builder-theme")[1]["templateKey"]
    assert "pending" == run(capsys, "store", "propose", "Blue hero")[1]["status"]
    assert "discarded" == run(capsys, "store", "discard-proposal")[1]["status"]
    assert "applied" == run(capsys, "store", "apply-proposal", "Red hero")[1]["status"]
    assert [] == run(capsys, "orders", "list", "--limit", "5")[1]
    assert 0 == run(capsys, "orders", "stats")[1]["orders"]
    assert 3 == len(run(capsys, "orders", "chart", "--range", "3d")[1]["points"])
    assert [] == run(capsys, "customers", "list")[1]
    assert {"image"} == {
        item["kind"] for item in run(capsys, "media", "list", "--kind", "image")[1]
    }
    members = run(capsys, "subscription", "list")[1]
    assert [MEMBER_SESSION_ID] == [member["memberSessionId"] for member in members]


def test_cart_checkout_and_portal_commands(
    server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cart commands change a cart step by step; checkout and portal print URLs."""
    cart = run(capsys, "cart", "create", "--line", f"{DIGITAL_PRODUCT_ID}:2")[1]
    cart_id = cart["id"]
    assert 3998 == cart["totals"]["total"]
    cart = run(capsys, "cart", "add-line", cart_id, PHYSICAL_PRODUCT_ID, "--quantity", "2")[1]
    assert 3998 + 2500 == cart["totals"]["total"]
    cart = run(capsys, "cart", "update-line", cart_id, PHYSICAL_PRODUCT_ID, "1")[1]
    assert 3998 + 1250 == cart["totals"]["total"]
    cart = run(capsys, "cart", "remove-line", cart_id, DIGITAL_PRODUCT_ID)[1]
    assert [PHYSICAL_PRODUCT_ID] == [line["product_id"] for line in cart["lines"]]
    fetched = run(capsys, "cart", "get", cart_id)[1]
    assert (cart["lines"], cart["totals"]) == (fetched["lines"], fetched["totals"])
    assert fetched["request_id"].startswith("req_")
    assert "request_id" not in fetched["lines"][0]["product"]
    pages = f"{server.url.removesuffix('/v1')}/pages/"  # the emulator's own pages
    session = run(capsys, "checkout", "create-session", "--cart-id", cart_id)[1]
    assert session["url"].startswith(pages + "checkout/")
    details = run(capsys, "checkout", "get-session", session["session_id"])[1]
    assert 1250 == details["amount_total"]
    direct = run(
        capsys, "checkout", "create-session", "--product-id", DIGITAL_PRODUCT_ID, "--quantity", "1"
    )
    assert direct[1]["url"].startswith(pages + "checkout/")
    portal = run(capsys, "subscription", "create-portal-session", MEMBER_SESSION_ID)[1]
    assert portal["url"].startswith(pages + "portal/")
    assert [] == run(capsys, "cart", "clear", cart_id)[1]["lines"]
    assert [] == run(capsys, "cart", "create", "--line", PHYSICAL_PRODUCT_ID)[1]["lines"][1:]


def operation_commands() -> dict[tuple[str, str], argparse.ArgumentParser]:
    """The parser of each operation's command, by (resource, action)."""
    found = {}
    for name, group in _choices(_parser(), "command").items():
        if name not in ("demo", "emulator", "webhooks"):
            found.update(
                {(name, action): parser for action, parser in _choices(group, "action").items()}
            )
    return found


def _choices(parser: argparse.ArgumentParser, dest: str) -> dict[str, argparse.ArgumentParser]:
    action = next(action for action in parser._actions if action.dest == dest)
    choices: dict[str, argparse.ArgumentParser] = action.choices  # type: ignore[assignment]
    return choices


def all_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """`parser` and the parser of every command under it, however deep."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield from all_parsers(command)


def test_every_option_has_help() -> None:
    """Every command describes itself, each of its arguments and each of its subcommands."""
    parsers = list(all_parsers(_parser()))
    actions = [(parser, action) for parser in parsers for action in parser._actions]
    missing = [f"{parser.prog}: no description" for parser in parsers if not parser.description]
    missing += [
        f"{parser.prog}: {action.option_strings or action.dest}"
        for parser, action in actions
        if not action.help or action.help == argparse.SUPPRESS
    ]
    missing += [
        f"{parser.prog} {choice.dest}: no help in the list of commands"
        for parser, action in actions
        if isinstance(action, argparse._SubParsersAction)
        for choice in action._choices_actions
        if not choice.help
    ]

    assert [] == missing
    assert len(parsers) > len(operation_commands()) > 20  # the walk reached every command


def test_help_names_the_arguments_as_the_command_spells_them() -> None:
    """The docstrings' argument names and None read as the command line's flags and words."""
    commands = operation_commands()
    checkout = {a.dest: a.help for a in commands["checkout", "create-session"]._actions}
    media = {a.dest: a.help for a in commands["media", "list"]._actions}

    assert "The cart to check out; or else pass --product-id." == checkout["cart_id"]
    assert "How many of --product-id (1 or more); only with --product-id." == (checkout["quantity"])
    assert "Only media of this kind (such as image); all if not given." == media["kind"]


def test_an_argument_without_a_description_is_named() -> None:
    """A resource method whose docstring misses an argument fails, naming the method."""

    def list_things(self: object, colour: str | None = None) -> None:
        """List things, of a colour; its docstring has no Args section."""

    group = argparse.ArgumentParser().add_subparsers()

    with pytest.raises(LookupError, match=r"list_things: the Args section .* describe 'colour'"):
        _add_operation(group, ENDPOINTS[0], list_things)


def test_api_error_is_one_line_on_stderr(
    server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """An API error prints status, code, message and request id on one line, exit 1."""
    status, out, err = run(capsys, "cart", "get", "cart_missing")

    assert (1, "") == (status, out)
    assert 1 == len(err.strip().splitlines())
    assert err.startswith("quickshops: error: 404 NOT_FOUND: GET /cart/{cartId} failed:")
    assert "(request id req_" in err
    assert CLI_KEY not in err


def test_bad_argument_is_reported_before_any_request(
    server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bad argument is refused by the SDK with a one-line error and exit 1."""
    status, _, err = run(capsys, "checkout", "create-session")

    assert 1 == status
    assert "INVALID_REQUEST: Pass exactly one of cart_id" in err
    assert [] == [r for r in server.emulator.requests if r.route == "POST /checkout/session"]


def test_missing_key_names_the_variables(capsys: pytest.CaptureFixture[str]) -> None:
    """With no key configured, the CLI says which variables to set."""
    status, _, err = run(capsys, "store", "get")

    assert 1 == status
    assert "INVALID_API_KEY" in err
    assert "set QUICKSHOPS_API_KEY (or HEADLESS_API_KEY)" in err
    assert "api_key=" not in err, "the command line takes no api_key argument"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "99999"], "'99999' is not a port: use 0 to 65535"),
        (["--port", "http"], "'http' is not a port"),
        (["--port", "\u0663"], "'\u0663' is not a port"),  # an Arabic-Indic 3, a digit to isdigit
        (["--port", "\u00b2"], "'\u00b2' is not a port"),  # a superscript 2, too
        (["--host", "example.com"], "'example.com' is not an IPv4 address or localhost"),
        (["--host", "::1"], "'::1' is not an IPv4 address or localhost"),
    ],
)
def test_emulator_flags_are_checked(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """A bad --port or --host is a one-line usage error, not a traceback."""
    with pytest.raises(SystemExit) as exited:
        main(["emulator", *argv])

    assert 2 == exited.value.code
    err = capsys.readouterr().err
    assert err.startswith("quickshops emulator: error: argument ")
    assert message in err
    assert 1 == err.count("\n")


@pytest.mark.parametrize("host", ["192.168.0.1", "0.0.0.0"])  # noqa: S104
def test_a_host_other_machines_reach_needs_allow_remote(
    capsys: pytest.CaptureFixture[str], host: str
) -> None:
    """Without --allow-remote, the emulator stays on loopback, and the error says how not to."""
    status = main(["emulator", "--host", host, "--port", "0"])

    out, err = capsys.readouterr()
    assert (2, "") == (status, out)
    assert err.startswith(f"quickshops: error: --host {host} is not a loopback address: ")
    assert "add --allow-remote if they should" in err
    assert 1 == err.count("\n")


def serve_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> tuple[int, dict[str, Any]]:
    """Run `quickshops emulator --port 0 ARGV`; once serving, ask the printed URL for /health.

    Returns the exit status, and what the command printed before serving (``out`` and
    ``err``), the bound URL, the emulator's pages URL and the health answer.
    """
    seen: dict[str, Any] = {}

    def serve_one_request(self: EmulatorServer) -> None:
        seen["out"], seen["err"] = capsys.readouterr()
        seen["bound_url"], seen["pages_url"] = self.url, self.emulator.pages_url
        self.start()
        try:
            printed_url = seen["out"].split()[3]  # Emulator serving at URL
            seen["health"] = httpx2.get(f"{printed_url}/health", timeout=10).json()
        finally:
            self.stop()
        raise KeyboardInterrupt

    monkeypatch.setattr(EmulatorServer, "serve_forever", serve_one_request)
    return main(["emulator", "--port", "0", *argv]), seen


def test_allow_remote_serves_every_interface(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--allow-remote binds 0.0.0.0, prints a loopback URL clients can use, and warns once."""
    status, seen = serve_once(capsys, monkeypatch, ["--host", "0.0.0.0", "--allow-remote"])  # noqa: S104

    port = seen["bound_url"].split(":")[2].split("/")[0]
    assert 0 == status
    assert f"http://0.0.0.0:{port}/v1" == seen["bound_url"]
    assert seen["out"].startswith(f"Emulator serving at http://127.0.0.1:{port}/v1\n")
    assert f"  listening on: 0.0.0.0:{port}, every interface of this machine\n" in seen["out"]
    assert seen["health"]["ok"] is True
    assert f"http://127.0.0.1:{port}" == seen["pages_url"]  # the checkout pages' links
    err = seen["err"]
    assert err.startswith("quickshops: warning: --allow-remote: other machines can reach")
    assert "allow_insecure_http=True" in err
    assert 1 == err.count("\n")


def test_allow_remote_on_loopback_changes_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a loopback --host the flag has nothing to allow: no warning, no second address."""
    status, seen = serve_once(capsys, monkeypatch, ["--allow-remote"])

    assert (0, "") == (status, seen["err"])
    assert seen["out"].startswith(f"Emulator serving at {seen['bound_url']}\n")
    assert "listening on" not in seen["out"]
    assert seen["health"]["ok"] is True


@pytest.mark.parametrize(
    ("host", "error", "hint"),
    [
        ("192.0.2.1", None, "; --host must be an address of this machine"),  # TEST-NET-1
        ("127.0.0.1", OSError(errno.EACCES, "Permission denied"), "; pick another --port"),
        ("127.0.0.1", OSError("no socket today"), ": no socket today\n"),
    ],
)
def test_a_host_that_cannot_be_bound_is_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    host: str,
    error: OSError | None,
    hint: str,
) -> None:
    """Why the address could not be bound, and what to change when there is a fix."""
    if error is not None:

        def refuse(*args: object, **kwargs: object) -> None:
            raise error

        monkeypatch.setattr(testing, "EmulatorServer", refuse)

    status = main(["emulator", "--host", host, "--allow-remote", "--port", "0"])

    out, err = capsys.readouterr()
    assert (2, "") == (status, out)
    assert err.startswith(f"quickshops: error: cannot listen on {host}:0: ")
    assert hint in err
    assert 1 == err.count("\n")


def test_a_taken_port_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """A port already in use says so in one line and exits 2."""
    with EmulatorServer() as taken:
        port = taken.url.split(":")[2].split("/")[0]
        status = main(["emulator", "--host", "localhost", "--port", port])

    out, err = capsys.readouterr()
    assert (2, "") == (status, out)
    assert err.startswith(f"quickshops: error: cannot listen on localhost:{port}: ")
    assert "pick another --port (0 picks a free one)" in err
    assert 1 == err.count("\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "quickshops: error: the following arguments are required: COMMAND"),
        (["nope"], "quickshops: error: argument COMMAND: invalid choice: 'nope'"),
        (["cart"], "quickshops cart: error: the following arguments are required: ACTION"),
        (["cart", "get"], "quickshops cart get: error: the following arguments are required"),
        (["cart", "get", "c", "extra"], "quickshops: error: unrecognized arguments: extra"),
        (["products", "list", "--bogus"], "unrecognized arguments: --bogus"),
        # a bad value of each type an operation's option has: int, bool, the cart lines
        (["products", "list", "--limit", "ten"], "argument --limit: invalid int value: 'ten'"),
        (["cart", "update-line", "c", "p", "1.5"], "argument QUANTITY: invalid int value"),
        (["products", "list", "--include-inactive=no"], "ignored explicit argument 'no'"),
        (["cart", "create", "--line", "p:x"], "'p:x' is not PRODUCT_ID or PRODUCT_ID:QUANTITY"),
        (["--timeout", "soon", "health", "check"], "argument --timeout: invalid float value"),
        (["--max-retries", "many", "health", "check"], "argument --max-retries: invalid int"),
        (["--base-url"], "argument --base-url: expected one argument"),
        (["webhooks", "trigger", "order.paid"], "argument event: invalid choice: 'order.paid'"),
        (
            ["emulator", "--webhook", "http://127.0.0.1:99999/h", "--webhook-secret", "s"],
            "'http://127.0.0.1:99999/h' is not a URL: port out of range 0-65535",
        ),
        (
            ["emulator", "--webhook", "http://[::1/h", "--webhook-secret", "s"],
            "'http://[::1/h' is not a URL: invalid IPv6 URL",
        ),
        (
            ["webhooks", "trigger", "order.completed", "--forward-to", "http://[::1]:x/h"],
            "argument --forward-to: 'http://[::1]:x/h' is not a URL: port could not be cast",
        ),
    ],
)
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """argparse's errors are one line each: what is wrong, and which --help to read."""
    with pytest.raises(SystemExit) as exited:
        main(argv)

    err = capsys.readouterr().err
    assert 2 == exited.value.code
    assert message in err
    assert 1 == err.count("\n")
    assert err.rstrip().endswith(" --help`)")
    assert "usage:" not in err


def test_control_characters_in_an_error_stay_on_its_line(
    server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """An id with a newline, echoed in the API's message, is printed escaped."""
    status, _, err = run(capsys, "products", "get", "two\nlines")

    assert 1 == status
    assert "Product two\\nlines not found" in err
    assert 1 == err.count("\n")


def test_malformed_line_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A --line that is not PRODUCT_ID[:QUANTITY] is a usage error (exit 2)."""
    with pytest.raises(SystemExit) as caught:
        main(["cart", "create", "--line", "prod:many"])

    assert 2 == caught.value.code
    assert "is not PRODUCT_ID or PRODUCT_ID:QUANTITY" in capsys.readouterr().err


def test_demo(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo walks every step against the built-in emulator and exits 0."""
    status = main(["demo"])
    out = capsys.readouterr().out

    assert 0 == status
    for step in ("1. Store", "3. New cart", "5. Update quantity", "6. Checkout URL", "9. Billing"):
        assert step in out
    assert "/pages/checkout/cs_test_" in out  # the emulator's own checkout page
    assert "7. Pay                   303 to https://shop.example/thanks?session=cs_test_" in out
    assert "8. Checkout session      paid, 7247 (minor units)" in out


def test_emulator_command_until_interrupted(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`quickshops emulator` prints its URL and keys, and stops cleanly on Ctrl+C."""

    def interrupted(self: EmulatorServer) -> None:
        self.stop()
        raise KeyboardInterrupt

    monkeypatch.setattr(EmulatorServer, "serve_forever", interrupted)

    assert 0 == main(["emulator", "--port", "0"])
    out = capsys.readouterr().out
    assert "Emulator serving at http://127.0.0.1:" in out
    assert "Stopped." in out
    assert "webhooks to" not in out

    hooks = ["--webhook", "http://127.0.0.1:9/a", "--webhook", "http://localhost:9/b"]
    assert 0 == main(["emulator", "--port", "0", *hooks, "--webhook-secret", "s"])
    out = capsys.readouterr().out
    assert "  webhooks to: http://127.0.0.1:9/a\n  webhooks to: http://localhost:9/b\n" in out


def test_python_dash_m(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m quickshops` runs the same command line."""
    monkeypatch.setattr(sys, "argv", ["quickshops", "--version"])

    with pytest.raises(SystemExit) as caught:
        runpy.run_module("quickshops", run_name="__main__")

    assert 0 == caught.value.code
    assert capsys.readouterr().out.startswith("quickshops ")


def clean_env() -> dict[str, str]:
    """The environment without any Quickshops configuration."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("QUICKSHOPS_", "HEADLESS_"))}


def test_demo_in_a_fresh_process() -> None:
    """`python -m quickshops demo` works with no configuration at all."""
    done = subprocess.run(
        [sys.executable, "-m", "quickshops", "demo"],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=60,
        check=False,
    )

    assert (0, "") == (done.returncode, done.stderr)
    assert "9. Billing portal URL" in done.stdout


def test_console_script_against_the_emulator(server: EmulatorServer) -> None:
    """The installed `quickshops` script reads the same environment as the clients."""
    script = Path(sys.executable).with_name("quickshops")
    env = {**clean_env(), "QUICKSHOPS_API_KEY": CLI_KEY}

    done = subprocess.run(
        [str(script), "--base-url", server.url, "cart", "get", "nope"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )

    assert 1 == done.returncode
    assert "404 NOT_FOUND" in done.stderr
    assert CLI_KEY not in done.stdout + done.stderr


def test_emulator_process_serves_until_interrupted() -> None:
    """`python -m quickshops emulator` serves real HTTP and exits 0 on SIGINT."""
    with subprocess.Popen(
        [sys.executable, "-m", "quickshops", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=clean_env(),
    ) as process:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        try:
            health = httpx2.get(f"{url}/health", timeout=10).json()
        finally:
            process.send_signal(signal.SIGINT)
            status = process.wait(timeout=30)
        rest = process.stdout.read()

    assert health["ok"] is True
    assert (0, True) == (status, "Stopped." in rest)


def test_closed_pipe_stops_quietly(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that goes away (`| head`) ends the command quietly, with status 1."""
    redirected: list[int] = []

    def closed_pipe(out: object) -> None:
        raise BrokenPipeError

    monkeypatch.setattr("quickshops.testing._commands._demo", closed_pipe)
    monkeypatch.setattr(os, "dup2", lambda source, target: redirected.append(target))

    assert 1 == main(["demo"])
    assert [sys.stdout.fileno()] == redirected


def test_closed_pipe_in_a_real_process() -> None:
    """`quickshops demo | head -c 0` prints no traceback."""
    with subprocess.Popen(
        [sys.executable, "-m", "quickshops", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.close()
        status = process.wait(timeout=60)
        errors = process.stderr.read().decode()

    assert (1, "") == (status, errors)


def test_webhooks_trigger_sends_a_signed_sample(capsys: pytest.CaptureFixture[str]) -> None:
    """`webhooks trigger EVENT` signs a sample event with --secret and prints the status."""
    with receiving(202, 500) as receiver:
        url = receiver.url + "/webhooks"
        ok = main(["webhooks", "trigger", "order.completed", "--forward-to", url, "--secret", "s1"])
        out_ok = capsys.readouterr().out
        refused = main(
            ["webhooks", "trigger", "subscription.created", "--forward-to", url, "--secret", "s1"]
        )
        out_refused = capsys.readouterr().out

    assert (0, f"order.completed -> {url}: 202\n") == (ok, out_ok)
    assert (1, f"subscription.created -> {url}: 500\n") == (refused, out_refused)
    path, body, headers = receiver.received[0]
    event = webhooks.construct_event(body, headers[webhooks.SIGNATURE_HEADER], "s1", tolerance=60)
    assert ("/webhooks", "order.completed") == (path, event.type)
    assert isinstance(event.data, webhooks.CompletedOrder)


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (
            [
                "webhooks",
                "trigger",
                "order.completed",
                "--forward-to",
                "https://example.com/h",
                "--secret",
                "s",
            ],
            2,
            "plain http to a loopback host",
        ),
        (
            [
                "webhooks",
                "trigger",
                "order.completed",
                "--forward-to",
                "http://127.0.0.1:9/h",
                "--secret",
                "",
            ],
            2,
            "non-empty signing secret",
        ),
        (
            [
                "webhooks",
                "trigger",
                "order.completed",
                "--forward-to",
                "http://127.0.0.1:{closed}/h",
                "--secret",
                "s",
            ],
            1,
            "no answer (ConnectionRefusedError",
        ),
        (
            ["emulator", "--webhook", "http://127.0.0.1:9/h"],
            2,
            "--webhook and --webhook-secret go together",
        ),
        (["emulator", "--webhook-secret", "s"], 2, "--webhook and --webhook-secret go together"),
        (
            ["emulator", "--webhook", "http://example.com/h", "--webhook-secret", "s"],
            2,
            "--webhook: a webhook URL must be plain http",
        ),
    ],
)
def test_webhook_command_mistakes_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], status: int, message: str
) -> None:
    """Each mistake is one line on stderr, naming what to change, and a non-zero exit."""
    with receiving() as closed:
        port = closed.server_address[1]
    argv = [arg.replace("{closed}", str(port)) for arg in argv]

    assert status == main(argv)
    out, err = capsys.readouterr()
    assert "" == out
    assert 1 == err.count("\n")
    assert err.startswith("quickshops: error: ")
    assert message in err


def test_an_unknown_event_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse names the events that exist."""
    with pytest.raises(SystemExit) as exited:
        main(
            [
                "webhooks",
                "trigger",
                "order.paid",
                "--forward-to",
                "http://127.0.0.1:9",
                "--secret",
                "s",
            ]
        )

    assert 2 == exited.value.code
    assert "choose from 'order.completed', 'subscription.created'" in capsys.readouterr().err


def test_emulator_process_sends_webhooks_to_its_url() -> None:
    """`quickshops emulator --webhook URL --webhook-secret S`: Pay on its page sends the event."""
    with (
        receiving() as receiver,
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "quickshops",
                "emulator",
                "--port",
                "0",
                "--webhook",
                receiver.url + "/hooks",
                "--webhook-secret",
                "whsec_cli",
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=clean_env(),
        ) as process,
    ):
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        banner = [process.stdout.readline() for _ in range(3)]
        try:
            with Quickshops(api_key=SECRET_KEY, base_url=url) as qs:
                cart = qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 1)])
                session = qs.checkout.create_session(cart.id)
            paid = httpx2.post(session.url + "/pay", timeout=10)
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)

    assert f"  webhooks to: {receiver.url}/hooks\n" == banner[2]
    assert 200 == paid.status_code  # no success URL: the page says it is paid
    ((path, body, headers),) = receiver.received
    event = webhooks.construct_event(body, headers[webhooks.SIGNATURE_HEADER], "whsec_cli")
    assert isinstance(event.data, webhooks.CompletedOrder)
    assert ("/hooks", "order.completed", 1999) == (path, event.type, event.data.amount_in_cents)
