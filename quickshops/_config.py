"""Client configuration: resolved once at construction, validated before any I/O."""

from __future__ import annotations

import ipaddress
import math
import os
import re
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict

import attrs
import httpx2

from ._constants import (
    API_KEY_ENV_VARS,
    API_KEY_PREFIX,
    BASE_URL_ENV_VAR,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
)
from ._exceptions import InsecureHTTPWarning, InvalidAPIKeyError, InvalidRequestError
from ._stack import as_timeout
from ._version import __version__

if TYPE_CHECKING:
    from ._stack import HTTPTimeout

USER_AGENT = f"quickshops-python/{__version__}"

# Header values may not contain control characters: a newline would split the header.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_FRAMING = frozenset({"content-length", "transfer-encoding", "host", "connection"})
"""Headers that frame a request: the HTTP library sets them for each request."""


def is_header_safe(value: str) -> bool:
    """Tell whether `value` can be sent as a header value: ASCII, no control characters."""
    return value.isascii() and not _CONTROL.search(value)


def mask_key(key: str) -> str:
    """Return a form of `key` safe to show: its prefix and last four characters."""
    tail = key[-4:] if len(key) >= len(API_KEY_PREFIX) + 8 else ""
    return f"{API_KEY_PREFIX}...{tail}"


def resolve_api_key(api_key: str | None) -> tuple[str, str]:
    """Return the key and where it came from: the argument or an environment variable."""
    source = "the api_key argument"
    if api_key is None:
        for name in API_KEY_ENV_VARS:
            api_key = os.environ.get(name) or None
            if api_key is not None:
                source = f"the environment variable {name}"
                break
        else:
            raise InvalidAPIKeyError(
                "No API key: pass api_key=... or set the environment variable "
                f"{API_KEY_ENV_VARS[0]} (or {API_KEY_ENV_VARS[1]})."
            )
    if not isinstance(api_key, str) or not api_key.startswith(API_KEY_PREFIX):
        raise InvalidAPIKeyError(
            f"The API key from {source} does not start with {API_KEY_PREFIX!r}; "
            "copy the key from the Quickshops dashboard (Settings, API keys)."
        )
    if " " in api_key or not is_header_safe(api_key):
        raise InvalidAPIKeyError(
            f"The API key from {source} contains whitespace, control or non-ASCII "
            "characters; check for a stray newline or quote when it was copied."
        )
    return api_key, source


def is_loopback(host: str) -> bool:
    """Tell whether `host` is a loopback host: localhost, 127.0.0.0/8 or ::1."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_base_url(base_url: str | None, allow_insecure_http: bool = False) -> str:
    """Return the base URL without a trailing slash, refusing plain http off loopback.

    With `allow_insecure_http`, plain http to any host is taken, with a warning: the
    key then crosses the network in clear text.
    """
    if base_url is None:
        base_url = os.environ.get(BASE_URL_ENV_VAR) or DEFAULT_BASE_URL
    try:
        url = httpx2.URL(base_url)
    except (httpx2.InvalidURL, TypeError) as exc:
        raise InvalidRequestError(f"base_url {base_url!r} is not a valid URL.") from exc
    if url.scheme not in ("http", "https") or not url.host or url.query or url.fragment:
        raise InvalidRequestError(
            f"base_url {base_url!r} must be an absolute http(s) URL without query or "
            f"fragment, such as {DEFAULT_BASE_URL!r}."
        )
    if url.scheme == "http" and not is_loopback(url.host):
        if not allow_insecure_http:
            raise InvalidRequestError(
                f"base_url {base_url!r} uses plain http to a host that is not loopback; "
                "use https (plain http is allowed only for localhost, 127.0.0.0/8 and ::1, "
                "or, for a test server on a private network, with allow_insecure_http=True)."
            )
        warnings.warn(
            f"base_url {base_url!r} is plain http to a host that is not loopback "
            "(allow_insecure_http=True): the API key is sent in clear text, readable by "
            "anyone on the network. Use it only with a test server and a test key.",
            InsecureHTTPWarning,
            stacklevel=4,
        )
    return str(url).rstrip("/")


def resolve_timeout(timeout: Any) -> httpx2.Timeout:
    """Return `timeout` as an `httpx2.Timeout`; a positive float applies to every phase.

    An ``httpx.Timeout`` is taken as well, with the same values.
    """
    converted = as_timeout(timeout)
    if converted is not None:
        return converted
    seconds = positive_seconds(timeout)
    if seconds is not None:
        return httpx2.Timeout(seconds)
    raise InvalidRequestError(
        f"timeout must be a positive number of seconds or an httpx2.Timeout, not {timeout!r}."
    )


def resolve_flag(name: str, value: object) -> bool:
    """Return `value` if it is a bool, else refuse it naming the argument."""
    if isinstance(value, bool):
        return value
    raise InvalidRequestError(f"{name} must be True or False, not {value!r}.")


def resolve_max_retries(max_retries: Any) -> int:
    """Return `max_retries` if it is a non-negative int."""
    if isinstance(max_retries, int) and not isinstance(max_retries, bool) and max_retries >= 0:
        return max_retries
    raise InvalidRequestError(
        f"max_retries must be an integer of 0 or more (0 disables retries), not {max_retries!r}."
    )


def positive_seconds(value: object) -> float | None:
    """`value` as seconds if it is a positive, finite number (not a bool), else None.

    None for NaN, an infinity, and an int too large for a float (``10**400``).
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    return seconds if 0 < seconds < math.inf else None


def resolve_total_timeout(total_timeout: Any) -> float | None:
    """Return `total_timeout` in seconds: a positive number, or None for no bound."""
    if total_timeout is None:
        return None
    seconds = positive_seconds(total_timeout)
    if seconds is not None:
        return seconds
    raise InvalidRequestError(
        "total_timeout must be a positive number of seconds, or None for no bound on a "
        f"whole call, not {total_timeout!r}."
    )


def resolve_max_response_bytes(max_response_bytes: Any) -> int | None:
    """Return `max_response_bytes`: a positive int, or None for no cap."""
    if max_response_bytes is None or (
        isinstance(max_response_bytes, int)
        and not isinstance(max_response_bytes, bool)
        and max_response_bytes > 0
    ):
        return max_response_bytes
    raise InvalidRequestError(
        "max_response_bytes must be a positive integer, or None for no cap, "
        f"not {max_response_bytes!r}."
    )


def check_header(name: object, value: object, what: str) -> None:
    """Refuse a header that could not be sent as given (or would split into two)."""
    if not isinstance(name, str) or not _HEADER_NAME.match(name):
        raise InvalidRequestError(f"{what}: {name!r} is not a valid header name.")
    if not isinstance(value, str) or not is_header_safe(value):
        raise InvalidRequestError(
            f"{what}: the value of {name!r} must be an ASCII string without control "
            "characters (no newlines)."
        )


def build_headers(api_key: str, default_headers: Mapping[str, str] | None) -> dict[str, str]:
    """Return the headers sent on every request: the caller's, then the SDK's own."""
    headers = {"accept": "application/json", "user-agent": USER_AGENT}
    for name, value in (default_headers or {}).items():
        check_header(name, value, "default_headers")
        if name.lower() == "x-api-key":
            raise InvalidRequestError(
                "default_headers must not carry x-api-key; pass the key as api_key=..."
            )
        if name.lower() in _FRAMING:
            raise InvalidRequestError(
                f"default_headers must not carry {name}: the HTTP library frames each "
                "request itself (its length, encoding, host and connection), and a fixed "
                "value would break every request. Leave it out."
            )
        if name.lower() == "idempotency-key":
            raise InvalidRequestError(
                "default_headers must not carry Idempotency-Key: one key on every call would "
                "make the API replay the first call's answer. Pass idempotency_key=... to a "
                "call, or let the SDK make a fresh one per call."
            )
        headers[name.lower()] = value
    headers["x-api-key"] = api_key
    return headers


@attrs.frozen(repr=False)
class ClientConfig:
    """Everything a client was configured with, resolved and validated."""

    api_key: str
    key_source: str
    base_url: str
    timeout: httpx2.Timeout
    max_retries: int
    total_timeout: float | None
    max_response_bytes: int | None
    default_headers: Mapping[str, str]
    headers: dict[str, str] = attrs.field(eq=False)
    """The headers of every request, lowercase names, built once."""
    timeout_extension: dict[str, float | None] = attrs.field(eq=False)
    """The timeout as httpx carries it in a request's extensions, built once."""
    longest_timeout: float = attrs.field(eq=False)
    """The longest phase of `timeout` (infinite if one has none): past it, the total
    bound leaves an attempt's timeouts alone."""
    allow_insecure_http: bool = False
    """Whether plain http to a host that is not loopback was allowed."""
    instant_retries: bool = False
    """Whether backoff and rate-limit waits are skipped (the testing clients' setting)."""

    @classmethod
    def create(
        cls,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: Any = DEFAULT_TIMEOUT,
        max_retries: Any = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        total_timeout: Any = DEFAULT_TOTAL_TIMEOUT,
        max_response_bytes: Any = DEFAULT_MAX_RESPONSE_BYTES,
        allow_insecure_http: bool = False,
        instant_retries: bool = False,
    ) -> ClientConfig:
        """Resolve and validate every argument, or raise before any I/O."""
        key, source = resolve_api_key(api_key)
        if default_headers is not None and not isinstance(default_headers, Mapping):
            raise InvalidRequestError(
                f"default_headers must be a mapping of header names to values, "
                f"not {type(default_headers).__name__}."
            )
        checked_timeout = resolve_timeout(timeout)
        phases = checked_timeout.as_dict().values()
        return cls(
            api_key=key,
            key_source=source,
            base_url=resolve_base_url(
                base_url, resolve_flag("allow_insecure_http", allow_insecure_http)
            ),
            timeout=checked_timeout,
            max_retries=resolve_max_retries(max_retries),
            total_timeout=resolve_total_timeout(total_timeout),
            max_response_bytes=resolve_max_response_bytes(max_response_bytes),
            default_headers=dict(default_headers or {}),
            headers=build_headers(key, default_headers),
            timeout_extension=checked_timeout.as_dict(),
            longest_timeout=max(float("inf") if p is None else p for p in phases),
            allow_insecure_http=allow_insecure_http,
            instant_retries=resolve_flag("instant_retries", instant_retries),
        )

    def with_changes(self, changes: Mapping[str, Any]) -> ClientConfig:
        """A copy with some arguments of `create` changed, for `with_options`."""
        kept = {name: getattr(self, name) for name in CLIENT_ARGUMENTS if name not in changes}
        config = ClientConfig.create(**kept, **changes)
        if "api_key" not in changes:  # the same key, from where it came
            config = attrs.evolve(config, key_source=self.key_source)
        return config

    def __repr__(self) -> str:
        return (
            f"ClientConfig(api_key={mask_key(self.api_key)!r}, base_url={self.base_url!r}, "
            f"timeout={self.timeout!r}, max_retries={self.max_retries!r}, "
            f"total_timeout={self.total_timeout!r})"
        )


class ClientOptions(TypedDict, total=False):
    """The clients' keyword arguments but ``http_client``, for `quickshops.testing.client`.

    `AsyncQuickshops` documents each one.
    """

    api_key: str | None
    base_url: str | None
    timeout: float | HTTPTimeout
    max_retries: int
    default_headers: Mapping[str, str] | None
    total_timeout: float | None
    max_response_bytes: int | None
    allow_insecure_http: bool
    instant_retries: bool


CLIENT_ARGUMENTS = tuple(ClientOptions.__annotations__)  # what `ClientConfig.create` takes


class NotGiven:
    """The type of `NOT_GIVEN`: an argument left out, as opposed to one passed as None."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
"""Marks an argument of `with_options` left out, to keep the original's value."""
