"""The one-line clients and the opt-in pytest fixtures of quickshops.testing."""

from __future__ import annotations

import httpx
import pytest

from quickshops import AsyncQuickshops, NotFoundError, Quickshops
from quickshops.testing import DIGITAL_PRODUCT_ID, SECRET_KEY, Emulator, async_client, client


def test_client_is_bound_to_the_emulator() -> None:
    """client() answers from the given emulator and closes its own pool."""
    emulator = Emulator()

    with client(emulator, max_retries=0) as qs:
        cart = qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 1)])
        pool = qs._pool.client

    assert 1 == emulator.effects["POST /cart"]
    assert (0, 1999) == (qs.max_retries, cart.totals.total)
    assert SECRET_KEY == emulator.requests[-1].headers["x-api-key"]
    assert pool.is_closed


async def test_async_client_is_bound_to_a_fresh_emulator() -> None:
    """async_client() with no emulator gets a fresh one and closes its own pool."""
    async with async_client() as qs:
        store = await qs.store.get()
        pool = qs._pool.client

    assert "Emulator Shop" == store.name
    assert pool.is_closed


def test_http_client_cannot_be_passed() -> None:
    """The helpers make their own http_client; passing one is refused."""
    with pytest.raises(TypeError, match="http_client"):
        client(http_client=httpx.Client())


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
