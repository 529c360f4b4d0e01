"""Ready clients bound to an emulator, in one line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from quickshops import AsyncQuickshops, Quickshops
from quickshops.testing._emulator import SECRET_KEY, Emulator
from quickshops.testing._mock import EmulatorTransport

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["async_client", "client"]

_BASE_URL = "https://api.quickshops.app/v1"  # never reached: the transport answers


def async_client(emulator: Emulator | None = None, **options: Any) -> AsyncQuickshops:
    """Return an `AsyncQuickshops` whose requests the emulator answers, without a network.

    Args:
        emulator: The emulator to answer; a fresh one if None.
        **options: Other client arguments (``max_retries``, ``timeout``...); ``api_key``
            defaults to the emulator's `SECRET_KEY`.

    Closing the client (``await qs.aclose()`` or ``async with``) closes everything it
    holds.

    Example:
        >>> emulator = Emulator()
        >>> qs = async_client(emulator)

    """
    qs = AsyncQuickshops(
        **_options(options),
        http_client=httpx.AsyncClient(transport=EmulatorTransport(emulator)),
    )
    qs._owns_client = True  # the pool was made here for the client alone
    return qs


def client(emulator: Emulator | None = None, **options: Any) -> Quickshops:
    """Return a `Quickshops` whose requests the emulator answers, without a network.

    Args:
        emulator: The emulator to answer; a fresh one if None.
        **options: Other client arguments (``max_retries``, ``timeout``...); ``api_key``
            defaults to the emulator's `SECRET_KEY`.

    Example:
        >>> with client() as qs:
        ...     qs.store.get().name
        'Emulator Shop'

    """
    qs = Quickshops(
        **_options(options), http_client=httpx.Client(transport=EmulatorTransport(emulator))
    )
    qs._owns_client = True  # the pool was made here for the client alone
    return qs


def _options(options: Mapping[str, Any]) -> dict[str, Any]:
    if "http_client" in options:
        raise TypeError("http_client is set by the emulator helpers; pass the emulator instead")
    return {"api_key": SECRET_KEY, "base_url": _BASE_URL, **options}
