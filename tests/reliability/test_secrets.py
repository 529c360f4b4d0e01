"""Secrets: the key never shows in a log record, a repr, a message or a traceback.

Every test of this package runs with every logger at DEBUG and is audited afterwards
(see `SecretAudit` in conftest.py). The tests here add the hard cases: a server that
echoes the key back in every place a response can carry text, and the reprs of the
clients themselves. Each checks its own output, so that a leak fails the test that
provoked it.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

import pytest

from quickshops import (
    APIResponseValidationError,
    AsyncQuickshops,
    AuthenticationError,
    InternalServerError,
    Quickshops,
    QuickshopsError,
)
from tests.reliability.conftest import AUDIT, KEY, Driver, Sleeps, count
from tests.reliability.faultserver import Action, Emulate, FaultServer, Raw, Respond

JSON = {"content-type": "application/json"}
HTML = {"content-type": "text/html"}


THIRD_PARTY_LOGS = ("log record of 'httpcore", "log record of 'httpx2'", "log record of 'httpx'")


def take_leaks() -> list[str]:
    """Audit the errors made so far; return (and forget) the leaks the SDK is answerable for.

    httpcore logs the status line and headers it receives at DEBUG, and httpx the reason
    phrase at INFO, verbatim: what a server echoes there is beyond the SDK's reach (the
    key the SDK sends is never in them: the whole suite checks that).
    """
    AUDIT.check_errors()
    leaks, AUDIT.leaks = AUDIT.leaks, []
    return [leak for leak in leaks if not leak.startswith(THIRD_PARTY_LOGS)]


def echo_cases() -> dict[str, Callable[[], list[Action]]]:
    """Responses that echo the key back, by where they put it."""
    padding = "x" * 180  # the key then straddles the 200-character snippet of a body
    field_padding = "k" * 30  # the key then straddles the 60-character repr of a value
    return {
        "error-message": lambda: [
            Respond(401, json.dumps({"message": f"Invalid API key {KEY}"}).encode(), JSON)
        ],
        "error-code": lambda: [Respond(401, json.dumps({"code": KEY}).encode(), JSON)],
        "error-request-id-field": lambda: [
            Respond(401, json.dumps({"message": "no", "requestId": KEY}).encode(), JSON)
        ],
        "x-request-id-of-an-error": lambda: [Respond(401, b"", {"x-request-id": KEY})],
        "x-request-id-of-a-retried-503": lambda: [
            Respond(503, b"", {"x-request-id": KEY}),
            Respond(503, b"", {"x-request-id": KEY}),
            Respond(503, b"", {"x-request-id": KEY}),
        ],
        "reason-phrase": lambda: [
            Raw(f"HTTP/1.1 401 {KEY}\r\ncontent-length: 0\r\n\r\n".encode()),
        ],
        "redirect-location": lambda: [
            Respond(302, b"", {"location": f"https://login.example/?key={KEY}"})
        ],
        "html-error-page": lambda: [
            Respond(401, f"<html><p>Key {KEY} is not valid</p></html>".encode(), HTML)
        ],
        "html-200-page": lambda: [Respond(200, f"<p>Hello {KEY}</p>".encode(), HTML)],
        "html-200-page-cut-in-the-key": lambda: [
            Respond(200, f"<p>{padding} {KEY} tail</p>".encode(), HTML)
        ],
        "wrong-shape-field": lambda: [
            Respond(200, json.dumps({"data": {"ok": KEY}}).encode(), JSON)
        ],
        "wrong-shape-field-cut-in-the-key": lambda: [
            Respond(200, json.dumps({"data": {"ok": f"{field_padding}{KEY}"}}).encode(), JSON)
        ],
    }


ECHOES = echo_cases()


@pytest.mark.parametrize("echo", sorted(ECHOES))
def test_key_echoed_by_the_server_never_shows(
    driver: Driver, fault_servers: Callable[..., FaultServer], sleeps: Sleeps, echo: str
) -> None:
    """A server echoing the key back anywhere: no error text nor log line shows it."""
    server = fault_servers()
    handle = driver.open(base_url=server.url)
    server.script(*ECHOES[echo]())
    with pytest.raises(QuickshopsError) as caught:
        handle.call(lambda qs: qs.health.check())
    error = caught.value
    shown = [str(error), repr(error), "".join(traceback.format_exception(error))]
    leaks = take_leaks()  # taken before asserting, so that the teardown does not repeat them
    leaks += [f"error text: {AUDIT.redact(text)}" for text in shown if AUDIT.leaks_key(text)]
    assert not leaks, leaks


def test_key_in_the_request_id_of_a_success_never_shows(
    driver: Driver, fault_servers: Callable[..., FaultServer]
) -> None:
    """A successful answer whose request id echoes the key: the DEBUG line does not show it."""
    server = fault_servers()
    handle = driver.open(base_url=server.url)
    body = json.dumps({"data": {"ok": True, "service": "s", "version": "1"}}).encode()
    server.script(Respond(200, body, {**JSON, "x-request-id": KEY}))
    health = handle.call(lambda qs: qs.health.check())
    assert health.ok
    assert not AUDIT.leaks_key(repr(health))
    leaks = take_leaks()
    assert not leaks, leaks


def test_reprs_of_clients_and_configs_never_show_the_key() -> None:
    """repr() and str() of both clients, their copies and configs show at most a masked key."""
    clients: list[Any] = [Quickshops(api_key=KEY), AsyncQuickshops(api_key=KEY)]
    clients += [qs.with_options(max_retries=0) for qs in clients]
    shown = []
    for qs in clients:
        shown += [repr(qs), str(qs), repr(qs._config), str(qs._config), repr(vars(qs))]
        shown += [repr(getattr(qs, name)) for name in ("cart", "checkout", "subscription")]
    assert not [text for text in shown if AUDIT.leaks_key(text)]
    assert any(KEY[-4:] in text for text in shown), "the masked form is expected somewhere"
    clients[0].close()
    assert clients[2]._config.api_key == KEY


def test_audit_detects_a_planted_key() -> None:
    """The audit is not vacuous: a key in a log record or an error is caught."""
    logging.getLogger("quickshops").debug("planted %s", KEY)
    logging.getLogger("httpcore.planted").info("planted %s tail", KEY[5:30])
    AUDIT.created.append(QuickshopsError(f"planted {KEY[:-6]}"))
    AUDIT.check_errors()
    leaks, AUDIT.leaks = AUDIT.leaks, []
    assert any(leak.startswith("log record of 'quickshops'") for leak in leaks), leaks
    assert any(leak.startswith("log record of 'httpcore.planted'") for leak in leaks), leaks
    assert any(leak.startswith("str of QuickshopsError") for leak in leaks), leaks
    assert not [leak for leak in leaks if AUDIT.leaks_key(leak)], "reports must redact the key"
    assert not AUDIT.leaks_key(f"qk_...{KEY[-4:]}")


@pytest.mark.parametrize(
    ("script", "error"),
    [
        (lambda: [Respond(401, b'{"message": "bad key"}', JSON)], AuthenticationError),
        (lambda: [Respond(503, b"", {})] * 3, InternalServerError),
        (lambda: [Respond(200, b"<html>", HTML)], APIResponseValidationError),
        (lambda: [Emulate(after="reset")] * 3, QuickshopsError),
    ],
    ids=["401", "503", "html-200", "reset"],
)
def test_errors_of_every_kind_never_show_the_key(
    driver: Driver,
    fault_servers: Callable[..., FaultServer],
    sleeps: Sleeps,
    script: Callable[[], list[Action]],
    error: type[QuickshopsError],
) -> None:
    """Errors the API or the network cause: str, repr, traceback and logs are clean."""
    server = fault_servers()
    handle = driver.open(base_url=server.url)
    server.script(*script())
    with pytest.raises(error):
        handle.call(lambda qs: qs.cart.create())
    assert AUDIT.records > 0, "the audit saw no log record"
    leaks = take_leaks()
    assert not leaks, leaks
    count("secret_checks")
