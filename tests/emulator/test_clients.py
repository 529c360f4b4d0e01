"""The one-line clients and the opt-in pytest fixtures of quickshops.testing."""

from __future__ import annotations

import inspect
import os
import time

import httpx
import httpx2
import pytest

from quickshops import APITimeoutError, AsyncQuickshops, NotFoundError, Quickshops
from quickshops._config import OPTIONS, ClientOptions
from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    SECRET_KEY,
    Emulator,
    EmulatorServer,
    EmulatorTransport,
    async_client,
    client,
    instant_retries,
)

pytest_plugins = ["pytester"]


def test_client_is_bound_to_the_emulator() -> None:
    """client() answers from the given emulator and closes its own pool."""
    emulator = Emulator()

    with client(emulator, max_retries=0) as qs:
        cart = qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 1)])
        pool = qs._shared.client

    assert 1 == emulator.effects["POST /cart"]
    assert (0, 1999) == (qs.max_retries, cart.totals.total)
    assert SECRET_KEY == emulator.requests[-1].headers["x-api-key"]
    assert pool.is_closed


async def test_async_client_is_bound_to_a_fresh_emulator() -> None:
    """async_client() with no emulator gets a fresh one and closes its own pool."""
    async with async_client() as qs:
        store = await qs.store.get()
        pool = qs._shared.client

    assert "Emulator Shop" == store.name
    assert pool.is_closed


def test_http_client_cannot_be_passed() -> None:
    """The helpers make their own http_client; passing one is refused."""
    with pytest.raises(TypeError, match="http_client"):
        client(http_client=httpx.Client())  # type: ignore[call-arg]


def test_sync_fixture(quickshops_client: Quickshops, quickshops_emulator: Emulator) -> None:
    """The quickshops_client fixture talks to the quickshops_emulator fixture."""
    quickshops_client.cart.create()

    assert 1 == quickshops_emulator.effects["POST /cart"]


async def test_async_fixture(
    async_quickshops_client: AsyncQuickshops, quickshops_emulator: Emulator
) -> None:
    """The async_quickshops_client fixture talks to the same emulator."""
    quickshops_emulator.faults.fail_next("GET /products/store", status=404)

    with pytest.raises(NotFoundError):
        await async_quickshops_client.store.get()
    await async_quickshops_client.aclose()


def test_server_fixture_serves_an_app_that_reads_its_environment(
    quickshops_server: EmulatorServer, quickshops_emulator: Emulator
) -> None:
    """quickshops_server sets the environment a Quickshops() reads, and serves the emulator."""
    assert quickshops_server.emulator is quickshops_emulator
    assert quickshops_server.url == os.environ["QUICKSHOPS_BASE_URL"]
    quickshops_emulator.faults.fail_next("POST /cart", status=503)
    with Quickshops() as qs:  # as an app builds it, from its environment
        qs.cart.create()  # retried at once, without waiting

    assert 1 == quickshops_emulator.effects["POST /cart"]


def test_server_fixture_restores_the_environment(pytester: pytest.Pytester) -> None:
    """After the test, the variables are as they were before it."""
    pytester.makeconftest('pytest_plugins = ["quickshops.testing.pytest_plugin"]\n')
    pytester.makepyfile(
        """
        import os

        def test_inside(quickshops_server):
            assert os.environ["QUICKSHOPS_BASE_URL"] == quickshops_server.url

        def test_after():
            assert os.environ.get("QUICKSHOPS_BASE_URL") == "https://before.example/v1"
            assert "QUICKSHOPS_API_KEY" not in os.environ
        """
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("QUICKSHOPS_BASE_URL", "https://before.example/v1")
        env.delenv("QUICKSHOPS_API_KEY", raising=False)
        pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_an_unknown_option_names_the_helper_and_the_options() -> None:
    """A misspelt option is a TypeError that lists what the helpers take."""
    with pytest.raises(TypeError, match=r"client\(\) got an unexpected .* 'max_retires'.*"):
        client(max_retires=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"async_client\(\) .*total_timeout, max_response_bytes"):
        async_client(timeoutt=1.0)  # type: ignore[call-arg]


def test_options_are_the_clients_keyword_arguments() -> None:
    """The options the helpers take are the constructor's keyword arguments, less one."""
    for cls in (Quickshops, AsyncQuickshops):
        parameters = inspect.signature(cls).parameters
        typed = {name: parameters[name].annotation for name in parameters if name != "http_client"}

        assert list(typed) == list(OPTIONS)
        assert typed == {k: v.__forward_arg__ for k, v in ClientOptions.__annotations__.items()}


def test_testing_clients_retry_without_waiting(sleeps: list[float]) -> None:
    """A fault retried by a testing client takes no sleep; the SDK's clock moves instead."""
    emulator = Emulator()
    emulator.faults.fail_next("POST /cart", status=503, times=2)
    with client(emulator) as qs:
        clock = qs._shared.clock
        before = clock()
        qs.cart.create()

    assert ([], 1) == (sleeps, emulator.effects["POST /cart"])
    assert clock() - before >= 0.5  # at least the first backoff, skipped


async def test_instant_retries_still_reach_the_total_bound(sleeps: list[float]) -> None:
    """Skipped waits count against total_timeout: the call still gives up, at once."""
    emulator = Emulator()
    emulator.faults.fail_next("POST /cart", status=503, retry_after=30, times=5)
    started = time.monotonic()

    async with async_client(emulator, max_retries=4, total_timeout=40.0) as qs:
        with pytest.raises(APITimeoutError, match="total_timeout=40"):
            await qs.cart.create()

    assert [] == sleeps
    assert time.monotonic() - started < 5.0
    assert 2 == len([r for r in emulator.requests if r.path.endswith("/cart")])


def test_instant_retries_switch_covers_any_client(sleeps: list[float]) -> None:
    """quickshops.testing.instant_retries() turns waiting off for clients made anywhere."""
    emulator = Emulator()
    emulator.faults.fail_next("POST /cart", status=503)
    transport = EmulatorTransport(emulator)

    with (
        instant_retries(),
        Quickshops(api_key=SECRET_KEY, http_client=httpx2.Client(transport=transport)) as qs,
    ):
        qs.cart.create()
    with Quickshops(api_key=SECRET_KEY, http_client=httpx2.Client(transport=transport)) as qs:
        emulator.faults.fail_next("POST /cart", status=503)
        qs.cart.create()

    assert 1 == len(sleeps)  # the second client, after the block, waits again
    assert 2 == emulator.effects["POST /cart"]


async def test_instant_retries_can_be_turned_off(sleeps: list[float]) -> None:
    """instant_retries=False gives a testing client, sync or async, real backoff again."""
    emulator = Emulator()
    emulator.faults.fail_next("POST /cart", status=503)

    with client(emulator, instant_retries=False) as qs:
        qs.cart.create()
    assert 1 == len(sleeps)

    emulator.faults.fail_next("POST /cart", status=503)
    async with async_client(emulator, instant_retries=False) as aqs:
        await aqs.cart.create()
    assert 2 == len(sleeps)
