"""Ready clients bound to an emulator, in one line, and instant retries for any client."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx2

from quickshops import AsyncQuickshops, Quickshops
from quickshops._async._sender import AsyncSharedState
from quickshops._config import OPTIONS, ClientConfig
from quickshops._deadline import set_instant
from quickshops._sync._sender import SyncSharedState
from quickshops.testing._emulator import Emulator
from quickshops.testing._mock import EmulatorTransport
from quickshops.testing._seed import SECRET_KEY

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from quickshops._config import ClientOptions

__all__ = ["async_client", "client", "instant_retries"]

_BASE_URL = "https://api.quickshops.app/v1"  # never reached: the transport answers


def async_client(
    emulator: Emulator | None = None, **options: Unpack[ClientOptions]
) -> AsyncQuickshops:
    """Return an `AsyncQuickshops` whose requests the emulator answers, without a network.

    It retries without waiting (``instant_retries=True``), so a test of a fault takes
    milliseconds; pass ``instant_retries=False`` to wait as a real client does.

    Args:
        emulator: The emulator to answer; a fresh one if None.
        **options: The client's keyword arguments (``max_retries``, ``timeout``,
            ``total_timeout``...), but ``http_client``; ``api_key`` defaults to the
            emulator's `SECRET_KEY`.

    Closing the client (``await qs.aclose()`` or ``async with``) closes everything it
    holds.

    Examples:
        >>> emulator = Emulator()
        >>> qs = async_client(emulator)

    """
    config = _config("async_client", options)
    transport = EmulatorTransport(emulator)
    qs = AsyncQuickshops.__new__(AsyncQuickshops)
    qs._setup(
        config,
        AsyncSharedState(make=lambda: httpx2.AsyncClient(transport=transport)),
        owns_pool=True,
    )
    return qs


def client(emulator: Emulator | None = None, **options: Unpack[ClientOptions]) -> Quickshops:
    """Return a `Quickshops` whose requests the emulator answers, without a network.

    It retries without waiting (``instant_retries=True``), so a test of a fault takes
    milliseconds; pass ``instant_retries=False`` to wait as a real client does.

    Args:
        emulator: The emulator to answer; a fresh one if None.
        **options: The client's keyword arguments (``max_retries``, ``timeout``,
            ``total_timeout``...), but ``http_client``; ``api_key`` defaults to the
            emulator's `SECRET_KEY`.

    Examples:
        >>> with client() as qs:
        ...     qs.store.get().name
        'Emulator Shop'

    """
    config = _config("client", options)
    transport = EmulatorTransport(emulator)
    qs = Quickshops.__new__(Quickshops)
    qs._setup(
        config, SyncSharedState(make=lambda: httpx2.Client(transport=transport)), owns_pool=True
    )
    return qs


def _config(helper: str, options: ClientOptions) -> ClientConfig:
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        hint = (
            "the emulator helpers make their own; pass the emulator instead"
            if unknown == ["http_client"]
            else f"it takes {', '.join(OPTIONS)}"
        )
        raise TypeError(f"{helper}() got an unexpected keyword argument {unknown[0]!r}: {hint}.")
    arguments: ClientOptions = {
        "api_key": SECRET_KEY,
        "base_url": _BASE_URL,
        "instant_retries": True,
        **options,
    }
    return ClientConfig(**arguments)


@contextlib.contextmanager
def instant_retries() -> Iterator[None]:
    """Make every client retry without waiting, for the length of a ``with`` block.

    For tests of your own code that makes its own `Quickshops` or `AsyncQuickshops`
    (the clients of `client` and `async_client` already retry at once): backoff and
    rate-limit waits are skipped, and the SDK's clock moves forward by each wait
    instead, so ``total_timeout`` counts them as if they had passed. A test that
    expects a call to give up after its total bound still sees `APITimeoutError`,
    at once. It also works as a decorator, and in a fixture:

    ```python
    @pytest.fixture(autouse=True)
    def _no_backoff():
        with quickshops.testing.instant_retries():
            yield
    ```

    It changes a setting of the whole process: every thread's clients retry at once.
    """
    previous = set_instant(True)
    try:
        yield
    finally:
        set_instant(previous)
