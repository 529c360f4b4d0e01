"""The client: configuration, connection pool, transport and resources, in one object."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
import httpx

from .._config import NOT_GIVEN, ClientConfig, NotGiven, mask_key
from .._constants import DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from .._exceptions import InvalidRequestError
from ._transport import AsyncTransport
from .resources import (
    AsyncCartResource,
    AsyncCheckoutResource,
    AsyncHealthResource,
    AsyncProductsResource,
    AsyncStoreResource,
    AsyncSubscriptionResource,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from types import TracebackType

    from typing_extensions import Self


class AsyncQuickshops:
    """The async client of the Quickshops Headless API.

    ```python
    async with AsyncQuickshops() as qs:
        cart = await qs.cart.create()
    ```

    Args:
        api_key: A key starting with ``qk_``; by default the environment variable
            ``QUICKSHOPS_API_KEY``, then ``HEADLESS_API_KEY``.
        base_url: By default ``QUICKSHOPS_BASE_URL``, then
            ``https://api.quickshops.app/v1``. Plain http only to a loopback host.
        timeout: Seconds, or an `httpx.Timeout`, for each attempt.
        max_retries: Retries after the first attempt; 0 disables them.
        default_headers: Extra headers sent on every request.
        http_client: Your own `httpx.AsyncClient` (proxies, mTLS, event hooks, a mock
            transport). The SDK never closes a client it did not create.

    Raises:
        InvalidAPIKeyError: No key, or one that does not start with ``qk_``.
        InvalidRequestError: Another argument is invalid.

    """

    health: AsyncHealthResource
    """``GET /health``."""
    store: AsyncStoreResource
    """The store's profile."""
    products: AsyncProductsResource
    """The catalogue."""
    cart: AsyncCartResource
    """Carts and their lines (secret key)."""
    checkout: AsyncCheckoutResource
    """Stripe-hosted checkout sessions (secret key)."""
    subscription: AsyncSubscriptionResource
    """The Stripe billing portal for subscribers (secret key)."""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        config = ClientConfig.create(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
        )
        self._setup(config, http_client)

    def _setup(self, config: ClientConfig, http_client: httpx.AsyncClient | None) -> None:
        given: object = http_client
        if http_client is None:
            http_client = httpx.AsyncClient(timeout=config.timeout, follow_redirects=False)
        elif not isinstance(given, httpx.AsyncClient):
            expected = httpx.AsyncClient.__name__
            raise InvalidRequestError(
                f"http_client must be an httpx.{expected} for {type(self).__name__}, "
                f"not {type(given).__name__}."
            )
        self._config = config
        self._owns_client = given is None
        self._transport = transport = AsyncTransport(http_client, config)
        self.health = AsyncHealthResource(transport)
        self.store = AsyncStoreResource(transport)
        self.products = AsyncProductsResource(transport)
        self.cart = AsyncCartResource(transport)
        self.checkout = AsyncCheckoutResource(transport)
        self.subscription = AsyncSubscriptionResource(transport)

    @property
    def base_url(self) -> str:
        """The base URL every path is joined to."""
        return self._config.base_url

    @property
    def timeout(self) -> httpx.Timeout:
        """The timeout of each attempt."""
        return self._config.timeout

    @property
    def max_retries(self) -> int:
        """How many times a failed call is retried."""
        return self._config.max_retries

    def with_options(
        self,
        *,
        api_key: str | NotGiven | None = NOT_GIVEN,
        base_url: str | NotGiven | None = NOT_GIVEN,
        timeout: float | httpx.Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        http_client: httpx.AsyncClient | NotGiven | None = NOT_GIVEN,
    ) -> Self:
        """Return a copy with some options changed, sharing this client's connection pool.

        Closing the copy leaves the shared pool open; closing this client closes it.
        """
        old = self._config
        config = ClientConfig.create(
            api_key=old.api_key if isinstance(api_key, NotGiven) else api_key,
            base_url=old.base_url if isinstance(base_url, NotGiven) else base_url,
            timeout=old.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=old.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            default_headers=(
                old.default_headers if isinstance(default_headers, NotGiven) else default_headers
            ),
        )
        if isinstance(api_key, NotGiven):
            config = attrs.evolve(config, key_source=old.key_source)
        if isinstance(http_client, NotGiven) or http_client is None:
            http_client = self._transport.client
        copy = object.__new__(type(self))
        copy._setup(config, http_client)
        return copy

    async def aclose(self) -> None:
        """Close the connection pool, if this client created it; safe to call twice."""
        if self._owns_client:
            await self._transport.client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self._config.base_url!r}, "
            f"api_key={mask_key(self._config.api_key)!r}, "
            f"max_retries={self._config.max_retries!r})"
        )
