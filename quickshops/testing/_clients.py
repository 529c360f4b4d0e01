"""Ready clients bound to an emulator, in one line."""

from __future__ import annotations

from typing import Any

import httpx2

from quickshops import AsyncQuickshops, Quickshops
from quickshops._async._sender import AsyncPool
from quickshops._config import ClientConfig
from quickshops._constants import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
)
from quickshops._sync._sender import SyncPool
from quickshops.testing._emulator import Emulator
from quickshops.testing._mock import EmulatorTransport
from quickshops.testing._seed import SECRET_KEY

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
    transport = EmulatorTransport(emulator)
    qs = AsyncQuickshops.__new__(AsyncQuickshops)
    pool = AsyncPool(make=lambda: httpx2.AsyncClient(transport=transport))
    qs._setup(_config(options), pool, owns_pool=True)
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
    transport = EmulatorTransport(emulator)
    qs = Quickshops.__new__(Quickshops)
    qs._setup(
        _config(options), SyncPool(make=lambda: httpx2.Client(transport=transport)), owns_pool=True
    )
    return qs


def _config(options: dict[str, Any]) -> ClientConfig:
    if "http_client" in options:
        raise TypeError("http_client is set by the emulator helpers; pass the emulator instead")
    arguments = {
        "api_key": SECRET_KEY,
        "base_url": _BASE_URL,
        "timeout": DEFAULT_TIMEOUT,
        "max_retries": DEFAULT_MAX_RETRIES,
        "default_headers": None,
        "total_timeout": DEFAULT_TOTAL_TIMEOUT,
        "max_response_bytes": DEFAULT_MAX_RESPONSE_BYTES,
        **options,
    }
    return ClientConfig.create(**arguments)
