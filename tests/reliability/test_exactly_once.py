"""Exactly once: purchase steps retried after lost answers take effect once.

The emulator counts applied changes by route (`Emulator.effects`). A purchase flow
(create a cart with a line, add lines, create a checkout session, open the billing
portal) runs 200 times with faults at random positions: answers lost after the change
was applied, failures before it was, and sometimes every attempt of a call failing, in
which case the caller repeats the call with the same Idempotency-Key. At the end every
route must have been applied exactly as many times as it was called, and every cart
must hold exactly the quantities added.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

import httpx2
import pytest

from quickshops import APIConnectionError, InternalServerError, QuickshopsError
from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    MEMBER_SESSION_ID,
    PHYSICAL_PRODUCT_ID,
    Emulator,
    EmulatorTransport,
)
from tests.reliability.conftest import (
    DRIVERS,
    SUCCESS_URL,
    Driver,
    Handle,
    Sleeps,
    api,
    count,
    new_emulator,
)
from tests.reliability.faultserver import Action, Emulate, FaultServer, Reset, Respond

ITERATIONS = 200
MAX_RETRIES = 2
CREATE, ADD, CHECKOUT, PORTAL = (
    "POST /cart",
    "POST /cart/{cartId}/lines",
    "POST /checkout/session",
    "POST /subscription/portal",
)
PURCHASE_ROUTES = (CREATE, ADD, CHECKOUT, PORTAL)


@dataclass
class Ledger:
    """What the flow did, to compare with what the emulator applied."""

    calls: Counter[str] = field(default_factory=Counter)
    attempts: int = 0
    faults: int = 0
    exhausted: int = 0
    carts: dict[str, dict[str, int]] = field(default_factory=dict)


class Plan(Protocol):
    """Plays faults on the attempts of one call, and reads the attempts back."""

    def arm(self, route: str, faults: list[str]) -> None:
        """Make the next attempts of a call to `route` meet `faults`."""

    def attempts(self, since: int = 0) -> list[dict[str, str]]:
        """The headers of the requests the server got, from the `since`-th on."""

    def disarm(self) -> None:
        """Check that no planned fault is left over."""


class EmulatorPlan:
    """Faults from the emulator itself: ``fail`` (503, not applied), ``drop`` (applied, lost).

    The emulator meets pending failures before drops, so within one call the failures
    come first; across the flow, which calls fail and how is random.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def arm(self, route: str, faults: list[str]) -> None:
        """Plan the failures, then the drops, on `route`."""
        fails, drops = faults.count("fail"), faults.count("drop")
        if fails:
            self.emulator.faults.fail_next(route, times=fails, status=503)
        if drops:
            self.emulator.faults.drop_next(route, times=drops)

    def attempts(self, since: int = 0) -> list[dict[str, str]]:
        """The headers of the requests the emulator handled, from the `since`-th on."""
        return [dict(request.headers) for request in list(self.emulator.requests)[since:]]

    def disarm(self) -> None:
        """Forget any fault left (none is expected)."""
        self.emulator.faults.clear()


class SocketPlan:
    """Faults from the fault server, in any order, over real sockets."""

    ACTIONS: dict[str, Callable[[], Action]] = {  # noqa: RUF012
        "drop": lambda: Emulate(after="drop"),
        "reset": lambda: Emulate(after="reset"),
        "truncate": lambda: Emulate(after="truncate"),
        "fail": lambda: Respond(503),
        "reset-unapplied": lambda: Reset(),
    }

    def __init__(self, server: FaultServer) -> None:
        self.server = server

    def arm(self, route: str, faults: list[str]) -> None:
        """Script the faults, in order, for the next requests."""
        self.server.script(*(self.ACTIONS[fault]() for fault in faults))

    def attempts(self, since: int = 0) -> list[dict[str, str]]:
        """The headers of the requests the server read, from the `since`-th on."""
        return [dict(request.headers) for request in self.server.requests[since:]]

    def disarm(self) -> None:
        """Check that every scripted fault was met."""
        left = self.server.clear()
        assert not left, left


def random_faults(rng: random.Random, kinds: list[str], ordered: bool) -> list[str]:
    """Up to max_retries + 1 faults for one call; mostly answers lost after applying."""
    total = rng.choice([0, 1, 1, 2, 2, 3])
    faults = [rng.choice(kinds) for _ in range(total)]
    return sorted(faults, key=lambda fault: fault != "fail") if ordered else faults


def make_call(
    handle: Handle,
    plan: Plan,
    rng: random.Random,
    kinds: list[str],
    ordered: bool,
    ledger: Ledger,
    route: str,
    call: Callable[[Any, str | None], Any],
) -> Any:
    """Make one call under random faults; if every attempt fails, repeat it with its key."""
    faults = random_faults(rng, kinds, ordered)
    plan.arm(route, faults)
    before = len(plan.attempts(0))
    exhausted = len(faults) > MAX_RETRIES
    error: QuickshopsError | None = None
    try:
        result = handle.call(lambda qs: call(qs, None))
    except QuickshopsError as exc:
        error = exc
    if exhausted:
        expected = InternalServerError if faults[-1] == "fail" else APIConnectionError
        assert type(error) is expected, (route, faults, error)
        attempts = plan.attempts(before)
        assert len(attempts) == MAX_RETRIES + 1, (route, faults)
        key = attempts[-1]["idempotency-key"]
        ledger.exhausted += 1
        result = handle.call(lambda qs: call(qs, key))  # the caller tries again, same key
    else:
        assert error is None, f"{route} failed under {faults}: {error!r}"
    attempts = plan.attempts(before)
    keys = {attempt.get("idempotency-key") for attempt in attempts}
    assert len(keys) == 1, f"{route}: attempts of one call carried keys {keys}"
    assert None not in keys, route
    plan.disarm()
    ledger.calls[route] += 1
    ledger.attempts += len(attempts)
    ledger.faults += len(faults)
    return result


def create_cart(qs: Any, key: str | None, *, quantity: int) -> Any:
    return qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, quantity)], idempotency_key=key)


def add_line(qs: Any, key: str | None, *, cart_id: str, product: str, quantity: int) -> Any:
    return qs.cart.add_line(cart_id, product, quantity, idempotency_key=key)


def check_out(qs: Any, key: str | None, *, cart_id: str) -> Any:
    return qs.checkout.create_session(cart_id, success_url=SUCCESS_URL, idempotency_key=key)


def open_portal(qs: Any, key: str | None) -> Any:
    return qs.subscription.create_portal_session(MEMBER_SESSION_ID, idempotency_key=key)


def run_flow(handle: Handle, plan: Plan, seed: int, kinds: list[str], ordered: bool) -> Ledger:
    """Run the purchase flow ITERATIONS times under random faults."""
    rng = random.Random(seed)
    ledger = Ledger()

    def step(route: str, call: Callable[[Any, str | None], Any]) -> Any:
        return make_call(handle, plan, rng, kinds, ordered, ledger, route, call)

    for _ in range(ITERATIONS):
        first = rng.randint(1, 3)
        cart = step(CREATE, partial(create_cart, quantity=first))
        cart_id = cart.id
        lines = {DIGITAL_PRODUCT_ID: first}
        for _ in range(rng.randint(1, 2)):
            quantity = rng.randint(1, 5)
            product = rng.choice([DIGITAL_PRODUCT_ID, PHYSICAL_PRODUCT_ID])
            cart = step(ADD, partial(add_line, cart_id=cart_id, product=product, quantity=quantity))
            lines[product] = lines.get(product, 0) + quantity
        ledger.carts[cart_id] = lines
        assert {line.product_id: line.quantity for line in cart.lines} == lines
        session = step(CHECKOUT, partial(check_out, cart_id=cart_id))
        assert session.session_id
        assert session.url
        portal = step(PORTAL, open_portal)
        assert portal.url
    return ledger


def check_exactly_once(emulator: Emulator, baseline: Counter[str], ledger: Ledger) -> None:
    """Each purchase route was applied once per call, and every cart holds what was added."""
    applied = {route: emulator.effects[route] - baseline[route] for route in PURCHASE_ROUTES}
    duplicates = sum(max(0, applied[route] - ledger.calls[route]) for route in PURCHASE_ROUTES)
    count("exactly_once_calls", sum(ledger.calls.values()))
    count("exactly_once_requests", ledger.attempts)
    count("exactly_once_faults", ledger.faults)
    count("exactly_once_calls_exhausted_then_repeated", ledger.exhausted)
    count("duplicates_found", duplicates)
    count("faults_injected", ledger.faults)
    assert applied == {route: ledger.calls[route] for route in PURCHASE_ROUTES}
    assert ledger.faults > ITERATIONS, "the flow met too few faults to prove anything"
    assert ledger.exhausted > 0, "no call ran out of retries"
    for cart_id, lines in ledger.carts.items():
        cart = api(emulator, "GET", f"/cart/{cart_id}")
        assert {line["productId"]: line["quantity"] for line in cart["lines"]} == lines, cart_id


def test_exactly_once_with_emulator_faults(driver: Driver, sleeps: Sleeps) -> None:
    """Dropped answers (applied, then lost) and 503s, retried: each step applied once."""
    emulator = new_emulator()
    baseline = Counter(emulator.effects)
    handle = driver.open(
        transport=EmulatorTransport(emulator),
        base_url="https://api.quickshops.app/v1",
        max_retries=MAX_RETRIES,
    )
    ledger = run_flow(handle, EmulatorPlan(emulator), 1000, ["drop", "drop", "fail"], True)
    check_exactly_once(emulator, baseline, ledger)
    count("requests_sent", ledger.attempts)


# Over sockets the async client runs under asyncio; trio meets the same faults in the
# fault matrix, and the emulator's drops above.
@pytest.mark.parametrize("driver", DRIVERS[:2], indirect=True)
def test_exactly_once_over_sockets(
    driver: Driver, fault_servers: Callable[..., FaultServer], sleeps: Sleeps
) -> None:
    """Answers lost, reset or cut short after applying, in any order: each step applied once."""
    server = fault_servers()
    baseline = Counter(server.emulator.effects)
    handle = driver.open(base_url=server.url, max_retries=MAX_RETRIES)
    kinds = list(SocketPlan.ACTIONS)
    ledger = run_flow(handle, SocketPlan(server), 2000, kinds, False)
    check_exactly_once(server.emulator, baseline, ledger)
    handle.assert_pool_idle()


@pytest.mark.parametrize("route", PURCHASE_ROUTES)
def test_timeout_after_apply_is_applied_once(
    driver: Driver, fault_servers: Callable[..., FaultServer], sleeps: Sleeps, route: str
) -> None:
    """A purchase step whose answer never comes in time is retried and applied once."""
    server = fault_servers()
    handle = driver.open(base_url=server.url, timeout=httpx2.Timeout(5.0, read=0.05))
    cart = handle.call(lambda qs: qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 1)]))
    before = server.emulator.effects[route]
    calls: dict[str, Callable[[Any], Any]] = {
        CREATE: lambda qs: qs.cart.create(),
        ADD: lambda qs: qs.cart.add_line(cart.id, PHYSICAL_PRODUCT_ID, 2),
        CHECKOUT: lambda qs: qs.checkout.create_session(cart.id),
        PORTAL: lambda qs: qs.subscription.create_portal_session(MEMBER_SESSION_ID),
    }
    server.script(Emulate(after="stall", stall=1.0), Emulate(after="stall", stall=1.0))
    handle.call(calls[route])
    assert server.emulator.effects[route] - before == 1
    assert len(sleeps.take()) == 2
    if route == ADD:
        got = api(server.emulator, "GET", f"/cart/{cart.id}")["lines"]
        lines = {line["productId"]: line["quantity"] for line in got}
        assert lines == {DIGITAL_PRODUCT_ID: 1, PHYSICAL_PRODUCT_ID: 2}
    handle.assert_pool_idle()
    count("faults_injected", 2)
