# Generated from quickshops/_async/_client.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""The client: configuration, connection pool, sender and resources, in one object."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import attrs
import httpx2

from .._config import OPTIONS, ClientConfig, mask_key
from .._exceptions import InvalidRequestError
from .._models import APIResponse
from .._request import raw_call
from .._stack import library_of
from ._backend import own_client
from ._sender import SyncSender, SyncSharedState
from .resources import (
    SyncCartResource,
    SyncCatalogResource,
    SyncCheckoutResource,
    SyncCustomersResource,
    SyncHealthResource,
    SyncMediaResource,
    SyncOrdersResource,
    SyncProductsResource,
    SyncStoreResource,
    SyncSubscriptionResource,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from typing_extensions import Self, Unpack

    from .._config import ClientOptions
    from .._stack import HTTPClient, HTTPTimeout
    from ..events import Event


class Quickshops:
    """The sync client of the Quickshops Headless API.

    ```python
    with Quickshops() as qs:
        cart = qs.cart.create()
    ```

    With ``opentelemetry-api`` installed (``quickshops[otel]``) and a tracer provider
    set, each call is an OpenTelemetry span; ``QUICKSHOPS_TRACING=false`` turns that off.

    Args:
        api_key: A key starting with ``qk_``; by default the environment variable
            ``QUICKSHOPS_API_KEY``, then ``HEADLESS_API_KEY``.
        base_url: By default ``QUICKSHOPS_BASE_URL``, then
            ``https://api.quickshops.app/v1``. Plain http only to a loopback host.
        timeout: Seconds, or an `httpx2.Timeout` (or `httpx.Timeout`), for each attempt.
        max_retries: Retries after the first attempt; 0 disables them.
        default_headers: Extra headers sent on every request.
        http_client: Your own `httpx2.Client`, or `httpx.Client` (proxies,
            mTLS, event hooks, a mock transport). The SDK never closes a client it did
            not create.
        total_timeout: Seconds one whole call may take: every attempt, backoff and
            rate-limit wait, a body that arrives a byte at a time. None lifts the bound.
        max_response_bytes: The largest response body read, after decompression; a
            bigger one is refused without being held in memory. None lifts the cap.
        allow_insecure_http: Allow plain http to a host that is not loopback (a test
            server on a private network, an emulator in docker-compose). The key then
            crosses the network in clear text; an `InsecureHTTPWarning` says so.
        instant_retries: Skip backoff and rate-limit waits, for tests: the SDK's clock
            moves past each wait instead, so ``total_timeout`` still counts it. The
            `quickshops.testing` clients have it on;
            `quickshops.testing.instant_retries` turns it on for every client.
        rate_limit_storage: A storage URL (``redis://host:6379/0``, ``rediss://``,
            ``valkey://``; ``memory://`` or None keeps them in the process): rate-limit
            pauses and the pacing after them are then shared by every client of the
            same key and base URL that uses it, in any process on any machine. Needs
            ``pip install "quickshops[redis]"``. A storage that cannot be reached fails
            no call: the client falls back to its own pauses, with one warning.
        on_event: A callable given each typed event of a call (`quickshops.events`):
            each attempt, retry and rate-limit wait, and the call's end; for metrics and
            logs. A hook that raises is logged and never fails the call.

    Raises:
        InvalidAPIKeyError: No key, or one that does not start with ``qk_``.
        InvalidRequestError: Another argument is invalid.

    """

    health: SyncHealthResource
    """``GET /health``."""
    catalog: SyncCatalogResource
    """The store and its products in one round trip."""
    store: SyncStoreResource
    """The store's profile; its settings, themes and proposals (secret key)."""
    products: SyncProductsResource
    """The catalogue."""
    orders: SyncOrdersResource
    """Orders, their statistics and chart (secret key)."""
    customers: SyncCustomersResource
    """Customers (secret key)."""
    media: SyncMediaResource
    """The media library (secret key)."""
    cart: SyncCartResource
    """Carts and their lines (secret key)."""
    checkout: SyncCheckoutResource
    """Stripe-hosted checkout sessions (secret key)."""
    subscription: SyncSubscriptionResource
    """Subscriptions and the Stripe billing portal (secret key)."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | HTTPTimeout = httpx2.Timeout(30.0, connect=5.0),
        max_retries: int = 2,
        default_headers: Mapping[str, str] | None = None,
        http_client: HTTPClient | None = None,
        total_timeout: float | None = 120.0,
        max_response_bytes: int | None = 32 * 1024 * 1024,
        allow_insecure_http: bool = False,
        instant_retries: bool = False,
        rate_limit_storage: str | None = None,
        on_event: Callable[[Event], None] | None = None,
    ) -> None:
        # The defaults are written out so that signatures and the reference show them;
        # tests/test_signatures.py holds them equal to ClientConfig's.
        config = ClientConfig(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            total_timeout=total_timeout,
            max_response_bytes=max_response_bytes,
            allow_insecure_http=allow_insecure_http,
            instant_retries=instant_retries,
            rate_limit_storage=rate_limit_storage,
            on_event=on_event,
        )
        if http_client is None:
            shared = SyncSharedState(make=partial(own_client, config.timeout))
        else:
            shared = SyncSharedState(self._checked(http_client))
        self._setup(config, shared, owns_pool=True)

    def _checked(self, http_client: object) -> HTTPClient:
        if library_of(http_client, "Client") is None:
            expected = httpx2.Client.__name__
            raise InvalidRequestError(
                f"http_client must be an httpx2.{expected} (or an httpx.{expected}) for "
                f"{type(self).__name__}, not {type(http_client).__module__}."
                f"{type(http_client).__qualname__}."
            )
        return cast("HTTPClient", http_client)

    def _setup(self, config: ClientConfig, shared: SyncSharedState, *, owns_pool: bool) -> None:
        self._config = config
        self._shared = shared
        self._owns_pool = owns_pool  # with_options copies share the pool, never close it
        self._sender = sender = SyncSender(shared, config)
        self.health = SyncHealthResource(sender)
        self.catalog = SyncCatalogResource(sender)
        self.store = SyncStoreResource(sender)
        self.products = SyncProductsResource(sender)
        self.orders = SyncOrdersResource(sender)
        self.customers = SyncCustomersResource(sender)
        self.media = SyncMediaResource(sender)
        self.cart = SyncCartResource(sender)
        self.checkout = SyncCheckoutResource(sender)
        self.subscription = SyncSubscriptionResource(sender)

    @property
    def base_url(self) -> str:
        """The base URL every path is joined to."""
        return self._config.base_url

    @property
    def timeout(self) -> httpx2.Timeout:
        """The timeout of each attempt."""
        return self._config.timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried."""
        return self._config.max_retries

    @property
    def total_timeout(self) -> float | None:
        """Seconds one whole call may take, or None."""
        return self._config.total_timeout

    @property
    def max_response_bytes(self) -> int | None:
        """The largest response body read, or None."""
        return self._config.max_response_bytes

    def with_options(
        self, *, http_client: HTTPClient | None = None, **options: Unpack[ClientOptions]
    ) -> Self:
        """Return a copy with some options changed, sharing this client's connection pool.

        Closing the copy leaves the shared pool open; closing this client closes it.
        Each argument is as for the constructor; one left out keeps this client's value.

        ```python
        patient = qs.with_options(timeout=60.0, max_retries=5)
        ```

        Args:
            http_client: Your own `httpx2.Client` or `httpx.Client` for the
                copy; left out (or None), the shared pool.
            **options: Any other argument of the constructor: ``api_key``,
                ``base_url``, ``timeout``, ``max_retries``, ``default_headers``,
                ``total_timeout``, ``max_response_bytes``, ``allow_insecure_http``,
                ``instant_retries``.

        Raises:
            TypeError: An argument the constructor does not take.
            InvalidAPIKeyError: A key that does not start with ``qk_``.
            InvalidRequestError: Another argument is invalid.
        """
        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise TypeError(
                f"with_options() got an unexpected keyword argument {unknown[0]!r}: "
                f"it takes http_client, {', '.join(OPTIONS)}."
            )
        config = attrs.evolve(self._config, **options)
        copy = object.__new__(type(self))
        if http_client is None:
            copy._setup(config, self._shared, owns_pool=False)
        else:
            copy._setup(config, SyncSharedState(self._checked(http_client)), owns_pool=True)
        return copy

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> APIResponse:
        """Call a route the resources do not wrap (one the API added later, say).

        The call gets everything a resource method's does: the key and headers,
        retries, an Idempotency-Key on a mutation (the same on every attempt), and
        the SDK's errors for any status but 2xx.

        ```python
        response = qs.request("GET", "/store/settings")
        print(response.data)
        ```

        Args:
            method: ``GET``, ``POST``, ``PUT``, ``PATCH`` or ``DELETE``.
            path: The path below `base_url`, starting with ``/`` (``/store/settings``);
                a scheme, a host, a query or a ``..`` segment is refused.
            params: Query parameters.
            json: The JSON body, if any.
            idempotency_key: Your own Idempotency-Key for a mutation; by default a
                fresh one per call.

        Returns:
            The status, headers, request id, decoded body and its ``data``.

        Raises:
            InvalidRequestError: A path that would leave `base_url`, an unknown method,
                or a body that is not JSON, before any request.
        """
        return self._sender.send(
            raw_call(method, path, params=params, json=json, idempotency_key=idempotency_key)
        )

    def close(self) -> None:
        """Close the connection pool, if this client created it; safe to call twice."""
        if self._owns_pool:
            self._shared.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self._config.base_url!r}, "
            f"api_key={mask_key(self._config.api_key)!r}, "
            f"max_retries={self._config.max_retries!r})"
        )
