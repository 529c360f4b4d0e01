"""Tests of the mock transport adapter, with sync and async clients of httpx2 and httpx."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from quickshops.testing import SECRET_KEY, Emulator, EmulatorTransport
from tests.emulator.conftest import API_URL

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.anyio

HEADERS = {"x-api-key": SECRET_KEY}


def async_client(emulator: Emulator, http: Any, timeout: float | None = 5.0) -> Any:
    """Return a raw async client of the library `http` talking to ``emulator``."""
    return http.AsyncClient(
        transport=EmulatorTransport(emulator), base_url=API_URL, headers=HEADERS, timeout=timeout
    )


@pytest.fixture
def client(emulator: Emulator, http_library: Any) -> Iterator[Any]:
    """A raw sync client of httpx2, then of httpx, talking to the emulator."""
    with http_library.Client(
        transport=EmulatorTransport(emulator), base_url=API_URL, headers=HEADERS, timeout=5.0
    ) as client:
        yield client


def test_transport_is_a_mock_transport_with_default_emulator() -> None:
    """Without an emulator the transport makes its own, and it is an httpx2.MockTransport."""
    transport = EmulatorTransport()
    assert (
        isinstance(transport, httpx2.MockTransport),
        isinstance(transport.emulator, Emulator),
    ) == (True, True)


async def test_async_client_round_trip(emulator: Emulator, http_library: Any) -> None:
    """An AsyncClient reaches the emulator with query strings and bodies intact."""
    async with async_client(emulator, http_library) as client:
        products = await client.get("/products", params={"limit": "1"})
        cart = await client.post(
            "/cart", json={"lines": [{"productId": "prod_mug", "quantity": 2}]}
        )
    assert (
        len(products.json()["data"]),
        cart.json()["data"]["totals"]["total"],
        emulator.requests[0].query,
    ) == (1, 2500, "limit=1")


async def test_async_drop_raises_after_applying(emulator: Emulator, http_library: Any) -> None:
    """A dropped response raises RemoteProtocolError while the cart was created."""
    emulator.faults.drop_next("POST /cart")
    async with async_client(emulator, http_library) as client:
        with pytest.raises(http_library.RemoteProtocolError):
            await client.post("/cart")
    assert emulator.effects["POST /cart"] == 1


async def test_async_delay_times_out_after_applying(emulator: Emulator, http_library: Any) -> None:
    """A delay longer than the read timeout raises ReadTimeout after that timeout only."""
    emulator.faults.delay("POST /cart", 30.0, times=1)
    async with async_client(emulator, http_library, timeout=0.01) as client:
        started = time.monotonic()
        with pytest.raises(http_library.ReadTimeout):
            await client.post("/cart")
        elapsed = time.monotonic() - started
    assert (elapsed < 5.0, emulator.effects["POST /cart"]) == (True, 1)


async def test_async_short_delay_is_awaited(emulator: Emulator, http_library: Any) -> None:
    """A delay within the timeout is slept, then the response arrives."""
    emulator.faults.delay("GET /health", 0.01, times=1)
    async with async_client(emulator, http_library, timeout=None) as client:
        started = time.monotonic()
        response = await client.get("/health")
    assert (response.status_code, time.monotonic() - started >= 0.01) == (200, True)


def test_sync_drop_raises_after_applying(
    emulator: Emulator, client: Any, http_library: Any
) -> None:
    """With a sync client, a dropped response raises RemoteProtocolError after the change."""
    emulator.faults.drop_next("*")
    with pytest.raises(http_library.RemoteProtocolError):
        client.post("/cart")
    assert (emulator.effects["POST /cart"], emulator.requests[-1].status) == (1, 200)


def test_retry_after_drop_replays_with_same_idempotency_key(
    emulator: Emulator, client: Any, http_library: Any
) -> None:
    """Retrying a dropped mutation with its Idempotency-Key gets the stored reply, applied once."""
    emulator.faults.drop_next("POST /cart")
    with pytest.raises(http_library.RemoteProtocolError):
        client.post("/cart", headers={"Idempotency-Key": "create-1"})
    retried = client.post("/cart", headers={"Idempotency-Key": "create-1"})
    assert (retried.status_code, retried.headers["idempotent-replayed"]) == (200, "true")
    assert emulator.effects["POST /cart"] == 1


def test_sync_delay_and_timeout(emulator: Emulator, client: Any, http_library: Any) -> None:
    """A sync client sleeps a short delay and times out on a long one."""
    emulator.faults.delay("GET /health", 0.01, times=1)
    emulator.faults.delay("POST /cart", 30.0, times=1)
    started = time.monotonic()
    ok = client.get("/health")
    with pytest.raises(http_library.ReadTimeout):
        client.post("/cart", timeout=0.01)
    assert (
        ok.status_code,
        time.monotonic() - started < 5.0,
        emulator.effects["POST /cart"],
    ) == (200, True, 1)


def test_encoded_path_reaches_the_emulator_raw(emulator: Emulator, client: Any) -> None:
    """The raw percent-encoded path is passed on, so a%2Fb stays one segment."""
    response = client.get("/cart/a%2Fb")
    assert (
        emulator.requests[-1].path,
        response.json()["message"],
    ) == ("/v1/cart/a%2Fb", "Cart a/b not found")
