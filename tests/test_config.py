"""Configuration: keys, base URLs, timeouts, retries and headers, checked before any I/O."""

from __future__ import annotations

import httpx2
import pytest

from quickshops import InsecureHTTPWarning, InvalidAPIKeyError, InvalidRequestError, Quickshops
from quickshops._config import (
    ClientConfig,
    build_headers,
    mask_key,
    resolve_api_key,
    resolve_base_url,
    resolve_max_retries,
    resolve_timeout,
)
from tests.conftest import SECRET_KEY


def test_mask_key_shows_prefix_and_last_four() -> None:
    """A long key shows its last four characters; a short one shows none."""
    assert "qk_...abcd" == mask_key(SECRET_KEY)
    assert "qk_..." == mask_key("qk_short")


def test_argument_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """An api_key argument is used even when the variables are set."""
    monkeypatch.setenv("QUICKSHOPS_API_KEY", "qk_env_key")

    assert (SECRET_KEY, "the api_key argument") == resolve_api_key(SECRET_KEY)


def test_empty_variable_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty QUICKSHOPS_API_KEY falls through to HEADLESS_API_KEY."""
    monkeypatch.setenv("QUICKSHOPS_API_KEY", "")
    monkeypatch.setenv("HEADLESS_API_KEY", "qk_headless")

    assert ("qk_headless", "the environment variable HEADLESS_API_KEY") == resolve_api_key(None)


@pytest.mark.parametrize(
    "key", ["qk_with\nnewline", "qk_with space", "qk_tab\there", "qk_café", 123]
)
def test_unusable_keys_are_refused(key: object) -> None:
    """A key with whitespace or control characters, or not a string, is refused."""
    with pytest.raises(InvalidAPIKeyError) as caught:
        resolve_api_key(key)  # type: ignore[arg-type]

    assert "INVALID_API_KEY" == caught.value.code


@pytest.mark.parametrize(
    "url",
    [
        "ftp://api.quickshops.app/v1",
        "api.quickshops.app/v1",
        "https://api.quickshops.app/v1?x=1",
        "https://api.quickshops.app/v1#top",
        "http://10.0.0.1/v1",
        "http://[::2]/v1",
        "https://x.example:abc/",
        42,
    ],
)
def test_bad_base_urls_are_refused(url: object) -> None:
    """A base URL that is not absolute http(s), or plain http off loopback, is refused."""
    with pytest.raises(InvalidRequestError, match="base_url"):
        ClientConfig(api_key=SECRET_KEY, base_url=url)  # type: ignore[arg-type]


def test_plain_http_off_loopback_needs_the_opt_in_and_warns() -> None:
    """allow_insecure_http=True takes plain http to any host, with a key-exposure warning."""
    with pytest.raises(InvalidRequestError, match="allow_insecure_http=True"):
        Quickshops(api_key=SECRET_KEY, base_url="http://emulator:8787/v1")

    with pytest.warns(InsecureHTTPWarning, match="API key is sent in clear text") as caught:
        qs = Quickshops(
            api_key=SECRET_KEY, base_url="http://emulator:8787/v1", allow_insecure_http=True
        )

    assert ("http://emulator:8787/v1", __file__) == (qs.base_url, caught[0].filename)
    with pytest.raises(InvalidRequestError, match="allow_insecure_http must be True or False"):
        Quickshops(api_key=SECRET_KEY, allow_insecure_http="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="allow_insecure_http=True"):
        qs.with_options(allow_insecure_http=False)
    qs.close()


def test_loopback_http_needs_no_opt_in_and_gives_no_warning() -> None:
    """Plain http to loopback is taken as before, silently (warnings are errors here)."""
    with Quickshops(api_key=SECRET_KEY, base_url="http://127.0.0.1:8787/v1") as qs:
        assert "http://127.0.0.1:8787/v1" == qs.base_url


def test_base_url_default_and_trailing_slash() -> None:
    """The default base URL is the API's v1; a trailing slash is dropped."""
    assert "https://api.quickshops.app/v1" == resolve_base_url(None)
    assert "https://eu.example/v1" == resolve_base_url("https://eu.example/v1/")


@pytest.mark.parametrize("timeout", [0, -1, True, "5", None, float("nan"), float("inf"), 10**400])
def test_bad_timeouts_are_refused(timeout: object) -> None:
    """A timeout must be a positive, finite number or an httpx2 (or httpx) Timeout."""
    with pytest.raises(InvalidRequestError, match="timeout"):
        resolve_timeout(timeout)  # type: ignore[arg-type]


def test_timeouts_are_normalised() -> None:
    """An int or float becomes an httpx2.Timeout; an httpx2.Timeout is copied, not shared."""
    custom = httpx2.Timeout(1.0, connect=0.5)
    resolved = resolve_timeout(custom)

    assert httpx2.Timeout(5.0) == resolve_timeout(5)
    assert custom == resolved
    assert custom is not resolved


@pytest.mark.parametrize("retries", [-1, 1.5, True, None])
def test_bad_max_retries_are_refused(retries: object) -> None:
    """max_retries must be an integer of 0 or more."""
    with pytest.raises(InvalidRequestError, match="max_retries"):
        resolve_max_retries(retries)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "headers",
    [
        {"x-ok": "a\r\nx-injected: 1"},
        {"bad name": "v"},
        {"x-ok": 1},
        {"X-Api-Key": "qk_other"},
        {"Idempotency-Key": "same-for-every-call"},
        {"x-ok": "café"},
        {"Content-Length": "0"},
        {"content-length": "5"},
        {"Transfer-Encoding": "chunked"},
        {"Host": "api.example"},
        {"Connection": "close"},
    ],
)
def test_bad_default_headers_are_refused(headers: dict[str, object]) -> None:
    """Refused: a header that splits or frames requests, a bad name or value, the key."""
    with pytest.raises(InvalidRequestError, match="default_headers"):
        build_headers(SECRET_KEY, headers)  # type: ignore[arg-type]


def test_headers_are_lowercased_and_the_key_is_last() -> None:
    """Caller headers are kept (lower-cased); the SDK's key cannot be overridden."""
    headers = build_headers(SECRET_KEY, {"X-Shop": "tea", "Accept": "text/plain"})

    assert {
        "accept": "text/plain",
        "user-agent": headers["user-agent"],
        "x-shop": "tea",
        "x-api-key": SECRET_KEY,
    } == headers


def test_default_headers_must_be_a_mapping() -> None:
    """default_headers given as a list of pairs is refused with what to pass instead."""
    with pytest.raises(InvalidRequestError, match="mapping"):
        ClientConfig(
            api_key=SECRET_KEY,
            base_url=None,
            timeout=1.0,
            max_retries=0,
            default_headers=[("x", "y")],  # type: ignore[arg-type]
        )


def test_config_repr_masks_the_key() -> None:
    """The configuration's repr never shows the key."""
    config = ClientConfig(
        api_key=SECRET_KEY, base_url=None, timeout=1.0, max_retries=0, default_headers=None
    )

    assert SECRET_KEY not in repr(config)
    assert "qk_...abcd" in repr(config)
