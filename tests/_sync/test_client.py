# Generated from tests/_async/test_client.py by scripts/unasync.py.
# Edit that file (then run `nox -s sync`), not this one.
"""The client: configuration, environment fallbacks, lifecycle and with_options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx2
import pytest

from quickshops import (
    APIConnectionError,
    InvalidAPIKeyError,
    InvalidRequestError,
    Quickshops,
)
from quickshops._fork import _count_fork
from tests import payloads
from tests.conftest import BASE_URL, SECRET_KEY

if TYPE_CHECKING:
    import respx


def test_key_from_quickshops_env_var(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QUICKSHOPS_API_KEY is used when no api_key is passed, before HEADLESS_API_KEY."""
    monkeypatch.setenv("QUICKSHOPS_API_KEY", "qk_from_quickshops_env")
    monkeypatch.setenv("HEADLESS_API_KEY", "qk_from_headless_env")
    route = api.get("/products/store").respond(200, json=payloads.STORE)

    with Quickshops() as qs:
        qs.store.get()

    assert "qk_from_quickshops_env" == route.calls.last.request.headers["x-api-key"]


def test_key_from_headless_env_var(api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch) -> None:
    """HEADLESS_API_KEY, the name the API's docs suggest, is the second fallback."""
    monkeypatch.setenv("HEADLESS_API_KEY", "qk_from_headless_env")
    route = api.get("/products/store").respond(200, json=payloads.STORE)

    with Quickshops() as qs:
        qs.store.get()

    assert "qk_from_headless_env" == route.calls.last.request.headers["x-api-key"]


def test_base_url_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """QUICKSHOPS_BASE_URL replaces the default base URL."""
    monkeypatch.setenv("QUICKSHOPS_BASE_URL", "http://127.0.0.1:8787/v1/")

    with Quickshops(api_key=SECRET_KEY) as qs:
        assert "http://127.0.0.1:8787/v1" == qs.base_url


def test_missing_key_names_both_variables() -> None:
    """With no key at all, the error names both environment variables."""
    with pytest.raises(InvalidAPIKeyError, match=r"QUICKSHOPS_API_KEY.*HEADLESS_API_KEY"):
        Quickshops()


def test_malformed_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A key without the qk_ prefix is refused at construction, naming its source."""
    monkeypatch.setenv("HEADLESS_API_KEY", "sk_live_123")

    with pytest.raises(InvalidAPIKeyError, match="HEADLESS_API_KEY") as caught:
        Quickshops()

    assert "sk_live_123" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_plain_http_only_to_loopback() -> None:
    """Plain http is refused for a remote host and allowed for loopback."""
    with pytest.raises(InvalidRequestError, match="loopback"):
        Quickshops(api_key=SECRET_KEY, base_url="http://api.quickshops.app/v1")
    for url in ("http://localhost:1/v1", "http://127.0.0.2/v1", "http://[::1]:8/v1"):
        assert url == Quickshops(api_key=SECRET_KEY, base_url=url).base_url


def test_configuration_is_exposed() -> None:
    """The client reports its timeout and retries; a float timeout covers every phase."""
    qs = Quickshops(api_key=SECRET_KEY, timeout=3.5, max_retries=5)

    assert (httpx2.Timeout(3.5), 5) == (qs.timeout, qs.max_retries)
    assert httpx2.Timeout(30.0, connect=5.0) == Quickshops(api_key=SECRET_KEY).timeout


def test_timeout_of_either_library_is_taken(http_library: Any) -> None:
    """An httpx2.Timeout, or an httpx.Timeout with the same values, sets each phase."""
    timeout = http_library.Timeout(2.0, connect=0.5, pool=None)

    qs = Quickshops(api_key=SECRET_KEY, timeout=timeout)

    assert httpx2.Timeout(2.0, connect=0.5, pool=None) == qs.timeout


def test_timeout_is_sent_per_request(api: respx.MockRouter) -> None:
    """The configured timeout applies to each attempt's request."""
    route = api.get("/health").respond(200, json=payloads.HEALTH)

    with Quickshops(api_key=SECRET_KEY, timeout=2.0) as qs:
        qs.health.check()

    timeout = route.calls.last.request.extensions["timeout"]
    assert {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0} == timeout


def test_repr_masks_the_key() -> None:
    """repr shows the base URL and a masked key, never the key."""
    qs = Quickshops(api_key=SECRET_KEY)

    assert (
        f"{type(qs).__name__}(base_url='https://api.quickshops.app/v1', "
        "api_key='qk_...abcd', max_retries=2)"
    ) == repr(qs)


def test_own_client_is_closed() -> None:
    """A client the SDK created is closed by close, and closing twice is harmless."""
    qs = Quickshops(api_key=SECRET_KEY)
    pool = qs._shared.client

    qs.close()
    qs.close()

    assert pool.is_closed


def test_injected_client_is_used_and_never_closed(http_library: Any) -> None:
    """A caller's httpx2 or httpx client carries the requests and stays open after close."""
    seen: list[Any] = []

    def handler(request: Any) -> Any:
        seen.append(request)
        return http_library.Response(200, json=payloads.HEALTH)

    transport = http_library.MockTransport(handler)
    with http_library.Client(transport=transport) as http_client:
        with Quickshops(api_key=SECRET_KEY, http_client=http_client) as qs:
            assert (qs.health.check()).ok

        assert not http_client.is_closed
        assert f"{BASE_URL}/health" == str(seen[0].url)


def test_wrong_http_client_type_is_refused() -> None:
    """A sync httpx.Client given to the async client (or the reverse) is refused."""
    with pytest.raises(InvalidRequestError, match="http_client"):
        Quickshops(api_key=SECRET_KEY, http_client=object())  # type: ignore[arg-type]


def test_with_options_shares_the_pool(api: respx.MockRouter) -> None:
    """with_options changes options, shares the pool, and closing the copy keeps it open."""
    route = api.get("/health").respond(200, json=payloads.HEALTH)

    with Quickshops(api_key=SECRET_KEY) as qs:
        copy = qs.with_options(max_retries=0, timeout=1.0, default_headers={"x-shop": "a"})
        copy.health.check()
        copy.close()

        assert copy._shared.client is qs._shared.client
        assert not qs._shared.client.is_closed
        assert (0, httpx2.Timeout(1.0)) == (copy.max_retries, copy.timeout)
        assert (2, qs.base_url) == (qs.max_retries, copy.base_url)
        assert "a" == route.calls.last.request.headers["x-shop"]
        assert (qs.health.check()).ok
    assert copy._shared.client.is_closed


def test_with_options_changes_key_and_client(api: respx.MockRouter) -> None:
    """with_options may swap the key and the http_client; the source of an unchanged key stays."""
    route = api.get("/health").respond(200, json=payloads.HEALTH)

    with Quickshops(api_key=SECRET_KEY) as qs, httpx2.Client() as other:
        copy = qs.with_options(api_key="qk_other_key_000000", http_client=other)
        copy.health.check()

        assert other is copy._shared.client
        assert "qk_other_key_000000" == route.calls.last.request.headers["x-api-key"]
        assert qs._config.key_source == qs.with_options(max_retries=1)._config.key_source


def test_with_options_keeps_what_it_does_not_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A copy keeps every other option, and the key with where it came from."""
    monkeypatch.setenv("QUICKSHOPS_API_KEY", SECRET_KEY)
    with Quickshops(max_retries=5, total_timeout=9.0) as qs:
        copy = qs.with_options(max_response_bytes=1024)

        assert (5, 9.0, 1024) == (copy.max_retries, copy.total_timeout, copy.max_response_bytes)
        assert "the environment variable QUICKSHOPS_API_KEY" == copy._config.key_source
        monkeypatch.delenv("QUICKSHOPS_API_KEY")
        assert SECRET_KEY == qs.with_options(timeout=2.0)._config.api_key


def test_with_options_refuses_what_the_constructor_does_not_take(
    qs: Quickshops,
) -> None:
    """A misspelt option is a TypeError naming it and listing what is taken."""
    with pytest.raises(TypeError, match=r"'max_retires': it takes http_client, api_key, base_url"):
        qs.with_options(max_retires=1)  # type: ignore[call-arg]
    with pytest.raises(InvalidRequestError, match="max_retries"):
        qs.with_options(max_retries=-1)


def test_closed_client_fails_clearly(qs: Quickshops, sleeps: list[float]) -> None:
    """A call on a closed client raises APIConnectionError at once, without retrying."""
    qs.close()

    with pytest.raises(APIConnectionError, match="closed"):
        qs.health.check()

    assert [] == sleeps


def test_own_pool_is_replaced_in_a_forked_child(api: respx.MockRouter) -> None:
    """After os.fork(), the SDK's own pool is replaced, for the client and its copies."""
    api.get("/health").respond(200, json=payloads.HEALTH)
    with Quickshops(api_key=SECRET_KEY) as qs:
        copy = qs.with_options(max_retries=0)
        parents = qs._shared.client

        _count_fork()  # what os.fork() runs in the child
        assert (copy.health.check()).ok

        assert parents is not qs._shared.client
        assert copy._shared.client is qs._shared.client
        parents.close()  # in a real child the parent's pool is left alone


def test_callers_pool_is_refused_in_a_forked_child(
    api: respx.MockRouter, sleeps: list[float]
) -> None:
    """After os.fork(), a caller's http_client is not used: the error says what to do."""
    route = api.get("/health").respond(200, json=payloads.HEALTH)
    with httpx2.Client() as http_client:
        qs = Quickshops(api_key=SECRET_KEY, http_client=http_client)

        _count_fork()
        with pytest.raises(APIConnectionError, match="forked process") as caught:
            qs.health.check()

    assert (0, [], False) == (route.call_count, sleeps, caught.value.retryable)
