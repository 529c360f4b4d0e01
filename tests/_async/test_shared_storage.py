"""What clients share through ``rate_limit_storage`` and ``catalog_storage``, on a real Redis.

Each test has a redis-server of its own (``redis_server``), and clients whose requests
the emulator answers in memory; tests/reliability/test_fleet.py runs whole fleets.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
import redis

from quickshops import AsyncQuickshops, InvalidRequestError, QuickshopsError
from quickshops._async import _fleet
from quickshops._deadline import Clock
from quickshops._ratelimit import RateLimits
from quickshops._storage import PREFIX, RETRY_STORAGE, redis_url, scope
from quickshops.storefront import AsyncStorefront
from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    SECRET_KEY,
    Emulator,
    RateLimit,
    async_client,
)
from tests.redis_server import RedisServer, free_port

ROUTE = "GET /products/{productId}"
OTHER_KEY = "qk_secret_other_0123456789"


@pytest.fixture
def emulator() -> Emulator:
    """A fresh emulator, which also takes a second key."""
    emulator = Emulator()
    emulator.add_key(OTHER_KEY)
    return emulator


def shared_client(emulator: Emulator, url: str, **options: Any) -> AsyncQuickshops:
    """A client of the emulator sharing its pauses through `url`, waiting as a real one."""
    return async_client(emulator, rate_limit_storage=url, instant_retries=False, **options)


def keys(server: RedisServer) -> dict[str, dict[str, str]]:
    """Every hash the SDK keeps in the storage, by key name."""
    with redis.Redis.from_url(server.url, decode_responses=True) as storage:
        return {
            name: storage.hgetall(name)
            for name in storage.scan_iter(f"{PREFIX}:*")
            if storage.type(name) == "hash"
        }


async def test_a_pause_is_honoured_before_sending(
    emulator: Emulator, redis_server: RedisServer
) -> None:
    """A 429 one client meets holds back another client's next call, before it is sent."""
    emulator.faults.fail_next(ROUTE, status=429, retry_after="0.4")
    async with (
        shared_client(emulator, redis_server.url, max_retries=0) as first,
        shared_client(emulator, redis_server.url) as second,
    ):
        with pytest.raises(QuickshopsError):
            await first.products.get(DIGITAL_PRODUCT_ID)  # refused; no retry
        start = time.monotonic()
        await second.products.get(DIGITAL_PRODUCT_ID)
        waited = time.monotonic() - start

    assert [request.status for request in emulator.requests] == [429, 200]
    assert 0.3 <= waited < 2.0
    [gate] = keys(redis_server).values()
    assert int(gate["pause"]) == 400_000


async def test_another_key_is_not_paused(emulator: Emulator, redis_server: RedisServer) -> None:
    """Clients of another key (or base URL) share nothing with the refused one."""
    emulator.faults.fail_next(ROUTE, status=429, retry_after="5")
    async with (
        shared_client(emulator, redis_server.url, max_retries=0) as first,
        shared_client(emulator, redis_server.url, api_key=OTHER_KEY) as other,
    ):
        with pytest.raises(QuickshopsError):
            await first.products.get(DIGITAL_PRODUCT_ID)
        start = time.monotonic()
        await other.products.get(DIGITAL_PRODUCT_ID)

    assert time.monotonic() - start < 1.0


async def test_the_key_appears_in_storage_only_as_a_keyed_hash(
    emulator: Emulator, redis_server: RedisServer
) -> None:
    """Key names hold a keyed hash of the API key and base URL, never the key."""
    emulator.faults.fail_next(ROUTE, status=429, retry_after="0.05")
    async with shared_client(emulator, redis_server.url) as qs:
        await qs.products.get(DIGITAL_PRODUCT_ID)
        expected = f"{PREFIX}:rl:{scope(SECRET_KEY, qs.base_url)}:"

    [name] = keys(redis_server)
    assert name.startswith(expected)
    assert SECRET_KEY not in name
    assert SECRET_KEY[3:] not in json.dumps(keys(redis_server))
    assert scope(SECRET_KEY, "https://a.example") != scope(SECRET_KEY, "https://b.example")


async def test_turns_are_paced_at_the_fleets_estimate(redis_server: RedisServer) -> None:
    """After the pause, calls go one by one at the rate the calls accepted before it show."""
    emulator = Emulator(rate_limits={"*": RateLimit(5, 1.0)})
    async with shared_client(emulator, redis_server.url) as qs:
        for _ in range(8):  # 5 accepted, then a refusal: a pause of 1 s
            await qs.products.get(DIGITAL_PRODUCT_ID)

    [gate] = keys(redis_server).values()
    assert int(gate["accepted"]) == 5
    assert int(gate["floor"]) == 220_000  # 1 s / 5 accepted, 10% slower
    statuses = [request.status for request in emulator.requests]
    assert statuses.count(200) == 8
    assert statuses.count(429) == 1


async def test_with_instant_retries_a_shared_pause_costs_no_time(
    emulator: Emulator, redis_server: RedisServer
) -> None:
    """The testing clients skip waits: a shared pause is skipped, once, not asked again."""
    emulator.faults.fail_next(ROUTE, status=429, retry_after="5")
    async with async_client(emulator, rate_limit_storage=redis_server.url) as qs:
        start = time.monotonic()
        await qs.products.get(DIGITAL_PRODUCT_ID)

    assert time.monotonic() - start < 1.0
    assert [request.status for request in emulator.requests] == [429, 200]


async def test_an_unreachable_storage_fails_no_call_and_warns_once(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """With nothing listening, calls go on with in-process pauses; one warning per outage."""
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    emulator.faults.fail_next(ROUTE, status=429, retry_after="0.05")
    with caplog.at_level(logging.INFO, logger="quickshops"):
        async with shared_client(emulator, nowhere) as qs:
            for _ in range(3):
                await qs.products.get(DIGITAL_PRODUCT_ID)
            qs._shared.clock.skip(RETRY_STORAGE)
            await qs.products.get(DIGITAL_PRODUCT_ID)  # tried again: still down, no warning

    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert [record.getMessage().split(" (")[0] for record in warnings] == [
        "rate_limit_storage is unreachable"
    ]
    assert nowhere not in caplog.text  # a URL may hold a password: never logged


async def test_sharing_resumes_when_the_storage_is_back(
    emulator: Emulator, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A second after an outage one call tries the storage again, and sharing resumes."""
    async with shared_client(emulator, redis_server.url) as qs:
        redis_server.stop()
        with caplog.at_level(logging.INFO, logger="quickshops"):
            await qs.products.get(DIGITAL_PRODUCT_ID)  # warns, goes on
            redis_server.start()
            await qs.products.get(DIGITAL_PRODUCT_ID)  # within the quiet second: in-process
            qs._shared.clock.skip(RETRY_STORAGE)
            emulator.faults.fail_next(ROUTE, status=429, retry_after="0.05")
            await qs.products.get(DIGITAL_PRODUCT_ID)  # tries it: back; the refusal shared

    messages = [
        record.getMessage() for record in caplog.records if "storage" in record.getMessage()
    ]
    assert len(messages) == 2
    assert messages[1] == "rate_limit_storage is reachable again; sharing resumes"
    assert len(keys(redis_server)) == 1


async def test_a_storage_that_answers_nonsense_fails_no_call(
    emulator: Emulator, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the storage raises (here, a script it refuses), calls go on without it."""
    monkeypatch.setattr(_fleet, "TURN", "return redis.call('NO_SUCH_COMMAND')")
    async with shared_client(emulator, redis_server.url) as qs:
        product = await qs.products.get(DIGITAL_PRODUCT_ID)

    assert product.id == DIGITAL_PRODUCT_ID


@pytest.mark.parametrize("url", ["memory://", None])
def test_memory_or_none_keeps_the_pauses_in_the_process(url: str | None) -> None:
    """``memory://`` is the in-process default, as None is."""
    qs = AsyncQuickshops(api_key=SECRET_KEY, rate_limit_storage=url)
    assert qs.with_options(max_retries=1)._config.rate_limit_storage is None


@pytest.mark.parametrize(
    "url", ["localhost:6379", "http://localhost:6379", "", 6379, "memcached://localhost"]
)
def test_a_bad_storage_url_is_refused_with_what_to_pass(url: Any) -> None:
    """A value that is not a storage URL says which URLs are taken."""
    with pytest.raises(InvalidRequestError, match="storage URL such as 'redis://"):
        AsyncQuickshops(api_key=SECRET_KEY, rate_limit_storage=url)


def test_without_redis_py_the_extra_to_install_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Redis URL without redis-py installed names the extra."""
    monkeypatch.setitem(__import__("sys").modules, "redis", None)
    with pytest.raises(InvalidRequestError, match=r"pip install 'quickshops\[redis\]'"):
        AsyncQuickshops(api_key=SECRET_KEY, rate_limit_storage="valkey://localhost:6379")


def test_valkey_urls_are_spoken_as_redis_ones() -> None:
    """redis-py speaks to Valkey as to Redis; TLS stays TLS."""
    assert redis_url("valkey://h:6379/1") == "redis://h:6379/1"
    assert redis_url("valkeys://h:6380") == "rediss://h:6380"
    assert redis_url("rediss://h") == "rediss://h"


async def test_the_catalogue_is_read_once_for_every_storefront(
    emulator: Emulator, redis_server: RedisServer
) -> None:
    """Two storefronts (two processes, say) sharing the storage read ``GET /catalog`` once."""
    async with async_client(emulator) as one, async_client(emulator) as two:
        shops = [
            AsyncStorefront(qs, catalog_max_age=60, catalog_storage=redis_server.url)
            for qs in (one, two)
        ]
        catalogs = [await shop.load_catalog() for shop in shops for _ in range(3)]

    assert len({catalog.store.id for catalog in catalogs}) == 1
    assert catalogs[0] == catalogs[-1]
    assert [request.route for request in emulator.requests] == ["GET /catalog"]


async def test_a_stale_shared_catalogue_is_refreshed(
    emulator: Emulator, redis_server: RedisServer
) -> None:
    """Once the shared catalogue is older than catalog_max_age, the next call reads it anew."""
    async with async_client(emulator) as qs:
        shop = AsyncStorefront(qs, catalog_max_age=0.2, catalog_storage=redis_server.url)
        await shop.load_catalog()
        time.sleep(0.3)
        await shop.load_catalog()

    assert [request.route for request in emulator.requests] == ["GET /catalog"] * 2


async def test_a_refresh_held_elsewhere_is_waited_for(
    emulator: Emulator, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another process holds the refresh, a storefront waits for it.

    Past the lock's bound (the holder crashed), it refreshes the catalogue itself.
    """
    monkeypatch.setattr(_fleet, "LOCK_SECONDS", 0.3)
    async with async_client(emulator) as qs:
        key = f"{PREFIX}:catalog:{scope(SECRET_KEY, qs.base_url)}"
        with redis.Redis.from_url(redis_server.url) as storage:
            storage.set(key + ":refresh", "another-process", px=300)
        shop = AsyncStorefront(qs, catalog_max_age=60, catalog_storage=redis_server.url)
        start = time.monotonic()
        catalog = await shop.load_catalog()
        waited = time.monotonic() - start

    assert catalog.products
    assert 0.2 <= waited < 3.0
    assert [request.route for request in emulator.requests] == ["GET /catalog"]


async def test_a_failed_refresh_releases_the_lock(
    emulator: Emulator, redis_server: RedisServer
) -> None:
    """A refresh that fails raises its error and leaves the lock to the next caller."""
    emulator.faults.fail_next("*", times=20, status=401)
    async with async_client(emulator) as qs:
        shop = AsyncStorefront(qs, catalog_max_age=60, catalog_storage=redis_server.url)
        with pytest.raises(QuickshopsError):
            await shop.load_catalog()
        with redis.Redis.from_url(redis_server.url) as storage:
            assert list(storage.scan_iter(f"{PREFIX}:catalog:*")) == []


async def test_an_unreachable_catalogue_storage_fails_no_call(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """The catalogue is then read and kept in the storefront; one warning."""
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    with caplog.at_level(logging.WARNING, logger="quickshops"):
        async with async_client(emulator) as qs:
            shop = AsyncStorefront(qs, catalog_max_age=0.05, catalog_storage=nowhere)
            for _ in range(3):
                assert (await shop.load_catalog()).products
            shop._clock = lambda: time.monotonic() + 0.06  # stale here; the storage quiet
            assert (await shop.load_catalog()).products

    assert [record.getMessage().split(" (")[0] for record in caplog.records] == [
        "catalog_storage is unreachable"
    ]
    assert [request.route for request in emulator.requests] == ["GET /catalog"] * 2


def test_catalog_storage_needs_a_max_age() -> None:
    """A shared catalogue is kept catalog_max_age seconds: without it, say so."""
    qs = AsyncQuickshops(api_key=SECRET_KEY)
    with pytest.raises(InvalidRequestError, match="set catalog_max_age too"):
        AsyncStorefront(qs, catalog_storage="redis://localhost:6379")
    with pytest.raises(InvalidRequestError, match="catalog_storage must be a storage URL"):
        AsyncStorefront(qs, catalog_max_age=60, catalog_storage="localhost")


FAILING = "return redis.call('NO_SUCH_COMMAND')"  # a script the storage refuses


async def test_a_storage_failing_at_any_step_leaves_the_call_to_this_process(
    emulator: Emulator, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publishing a refusal, or adding to the estimate, fails: the calls go on."""
    async with (
        shared_client(emulator, redis_server.url, max_retries=0) as first,
        shared_client(emulator, redis_server.url) as second,
    ):
        await second.products.get(DIGITAL_PRODUCT_ID)  # a success the estimate would count
        emulator.faults.fail_next(ROUTE, status=429, retry_after="0.05")
        with pytest.raises(QuickshopsError):
            await first.products.get(DIGITAL_PRODUCT_ID)  # published
        monkeypatch.setattr(_fleet, "ACCEPTED", FAILING)
        second._shared.clock.skip(_fleet.FRESH)  # past its "not paced"
        await second.products.get(DIGITAL_PRODUCT_ID)  # learns the pause; cannot add to it
        monkeypatch.setattr(_fleet, "REFUSED", FAILING)
        first._shared.clock.skip(RETRY_STORAGE)
        emulator.faults.fail_next(ROUTE, status=429, retry_after="0.05")
        with pytest.raises(QuickshopsError):
            await first.products.get(DIGITAL_PRODUCT_ID)  # cannot publish it

    assert [request.status for request in emulator.requests] == [200, 429, 200, 429]


async def test_a_refusal_while_a_call_waits_its_turn_holds_it_back(
    emulator: Emulator, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call that slept until its turn asks once more: paused meanwhile, it waits again."""
    paused_once = "if redis.call('INCR', KEYS[1] .. ':asked') == 1 then return 30000 end return 0"
    monkeypatch.setattr(_fleet, "PAUSED", paused_once)
    async with shared_client(emulator, redis_server.url) as qs:
        key = f"{PREFIX}:rl:{scope(SECRET_KEY, qs.base_url)}:{ROUTE.replace(' ', '_')}"
        with redis.Redis.from_url(redis_server.url) as storage:
            seconds, micros = storage.time()
            now = seconds * 1_000_000 + micros
            storage.hset(
                key,
                mapping={
                    "until": now - 1,
                    "pause": 1_000_000,
                    "refusal": now - 1_000_000,
                    "epoch": now - 1_000_000,
                    "accepted": 10,
                    "floor": 20_000,
                    "interval": 20_000,
                    "next": now + 50_000,  # the next turn: 50 ms from now
                },
            )
        start = time.monotonic()
        await qs.products.get(DIGITAL_PRODUCT_ID)
        waited = time.monotonic() - start

    assert 0.07 <= waited < 1.0  # its turn, then the pause, then a new turn


async def test_answers_in_flight_count_toward_the_estimate(redis_server: RedisServer) -> None:
    """Successes just after a refusal count; later ones, and other routes', do not."""
    clock = Clock()
    limits = RateLimits(clock)
    fleet = _fleet.AsyncFleetLimits(redis_server.url, "scope", limits)
    late = _fleet.AsyncFleetLimits(redis_server.url, "scope", RateLimits())
    try:
        await fleet.refused(ROUTE, 1.0, limits.now())
        assert counting(fleet)
        await fleet.succeeded(ROUTE)  # an answer in flight
        await fleet.succeeded("GET /health")  # another route: not counted
        [gate] = keys(redis_server).values()
        assert gate["accepted"] == "1"
        clock.skip(_fleet.GRACE)
        await fleet.succeeded(ROUTE)  # past the grace: no longer counted
        assert not counting(fleet)
        assert keys(redis_server)[next(iter(keys(redis_server)))]["accepted"] == "1"
        # A client that learns of the refusal after its grace counts nothing to come.
        assert await late._add_accepted(ROUTE, int(gate["epoch"]), 2_000_000, 1_000_000)
        assert not counting(late)
    finally:
        await fleet.aclose()
        await late.aclose()


async def test_a_storage_url_redis_py_cannot_read_fails_no_call(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    """A URL whose port is not a number passes the scheme check; the call still goes on."""
    bad = "redis://127.0.0.1:port/0"
    with caplog.at_level(logging.WARNING, logger="quickshops"):
        async with shared_client(emulator, bad) as qs:
            await qs.products.get(DIGITAL_PRODUCT_ID)
            shop = AsyncStorefront(qs, catalog_max_age=60, catalog_storage=bad)
            assert (await shop.load_catalog()).products

    assert "rate_limit_storage is unreachable (ValueError" in caplog.text
    assert "catalog_storage is unreachable (ValueError" in caplog.text


async def test_copies_of_a_client_share_one_connection_to_the_storage(
    emulator: Emulator, redis_server: RedisServer
) -> None:
    """``with_options`` copies of the same key and storage reuse the client's."""
    async with shared_client(emulator, redis_server.url) as qs:
        copy = qs.with_options(max_retries=5)
        other = qs.with_options(rate_limit_storage=None)

        assert copy._sender.fleet is qs._sender.fleet is not None
        assert other._sender.fleet is None


def counting(fleet: _fleet.AsyncFleetLimits) -> bool:
    """Whether `fleet` adds successes to an estimate now."""
    return fleet.counting
