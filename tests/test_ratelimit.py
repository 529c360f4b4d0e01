"""The rate-limit pauses and pacing a client's calls share, on a clock moved by hand."""

from __future__ import annotations

import pytest

from quickshops._ratelimit import ROUTES, SAFETY, RateLimits

ROUTE = "GET /products/{productId}"


class Clock:
    """Monotonic seconds that move only when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        """The time now."""
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limits(clock: Clock) -> RateLimits:
    return RateLimits(clock=clock, jitter=lambda: 0.0)


def accept(limits: RateLimits, clock: Clock, calls: int, over: float) -> None:
    """`calls` successes spread evenly over the last `over` seconds."""
    start = clock.now - over
    for index in range(calls):
        clock.now = start + over * (index + 1) / calls
        limits.succeeded(ROUTE)


def test_a_route_never_refused_waits_for_nothing(limits: RateLimits) -> None:
    """No refusal, no wait of any kind."""
    limits.succeeded(ROUTE)

    assert (0.0, 0.0, 0.0) == (limits.paused_for(ROUTE), limits.turn(ROUTE), limits.space(ROUTE))
    assert not limits.refused_since(ROUTE, 0.0)


def test_a_refusal_pauses_then_paces_at_the_rate_taken(limits: RateLimits, clock: Clock) -> None:
    """After the pause, turns are spaced by the estimated rate, a little slower."""
    accept(limits, clock, 50, over=1.0)
    sent = clock.now
    limits.refused(ROUTE, 1.0, sent)

    assert 1.0 == limits.paused_for(ROUTE)
    assert limits.refused_since(ROUTE, sent - 1)
    clock.now += 1.0
    turns = [limits.turn(ROUTE) for _ in range(3)]
    interval = 1.0 / 50 * SAFETY
    assert turns == pytest.approx([0.0, interval, 2 * interval])
    assert 0.0 == limits.space(ROUTE)
    assert interval * 0.9 == pytest.approx(limits.space(ROUTE))


def test_a_refusal_with_nothing_taken_only_pauses(limits: RateLimits, clock: Clock) -> None:
    """With no rate to go by, the pause alone holds calls back; turns are at its end."""
    limits.refused(ROUTE, 2.0, clock.now)

    assert [2.0, 2.0] == [limits.turn(ROUTE), limits.turn(ROUTE)]
    assert 0.0 == limits.space(ROUTE)


def test_a_request_sent_before_the_refusal_says_nothing_new(
    limits: RateLimits, clock: Clock
) -> None:
    """Refusals of requests already on their way extend the pause, not the interval."""
    accept(limits, clock, 10, over=1.0)
    sent = clock.now - 0.5
    limits.refused(ROUTE, 1.0, sent)
    clock.now += 0.5
    limits.refused(ROUTE, 1.0, sent)

    assert 1.0 == limits.paused_for(ROUTE)
    clock.now += 1.0
    assert 0.0 == limits.turn(ROUTE)
    assert 0.11 == pytest.approx(limits.turn(ROUTE))


def test_a_refusal_while_pacing_slows_down_and_successes_speed_up(
    limits: RateLimits, clock: Clock
) -> None:
    """Refused again while paced: 1.5 times slower; each success 2% faster, to the estimate."""
    accept(limits, clock, 10, over=1.0)
    limits.refused(ROUTE, 1.0, clock.now)
    clock.now += 1.0
    limits.turn(ROUTE)
    limits.refused(ROUTE, 1.0, clock.now)
    clock.now += 1.0
    slower = limits.turn(ROUTE) - limits.turn(ROUTE)
    for _ in range(100):
        limits.succeeded(ROUTE)

    assert 0.11 * 1.5 == pytest.approx(-slower)
    clock.now += 2
    first, second = limits.turn(ROUTE), limits.turn(ROUTE)
    assert 0.11 == pytest.approx(second - first)


def test_a_refusal_while_paused_with_no_rate_estimates_again(
    limits: RateLimits, clock: Clock
) -> None:
    """With no rate known, a later refusal estimates again from what was taken since."""
    limits.refused(ROUTE, 1.0, clock.now)
    clock.now += 1.0
    assert 0.0 == limits.turn(ROUTE)
    accept(limits, clock, 20, over=0.5)
    limits.refused(ROUTE, 1.0, clock.now)
    clock.now += 1.0

    assert 0.0 == limits.turn(ROUTE)
    assert 1.0 / 20 * SAFETY == pytest.approx(limits.turn(ROUTE))


def test_a_quiet_route_goes_back_to_sending_at_once(limits: RateLimits, clock: Clock) -> None:
    """Four pauses without a refusal or a wait: the route is no longer paced."""
    accept(limits, clock, 10, over=1.0)
    limits.refused(ROUTE, 1.0, clock.now)
    clock.now += 10

    assert (0.0, 0.0) == (limits.turn(ROUTE), limits.space(ROUTE))
    assert not limits.refused_since(ROUTE, 0.0)


def test_routes_are_forgotten_past_their_limit(limits: RateLimits, clock: Clock) -> None:
    """A client calling many routes (qs.request with ids) does not remember them all."""
    for index in range(ROUTES + 1):
        limits.succeeded(f"GET /r/{index}")
        limits.refused(f"GET /r/{index}", 1.0, clock.now)

    assert len(limits._successes) <= ROUTES
    assert len(limits._gates) <= ROUTES
    assert clock.now == limits.now()
