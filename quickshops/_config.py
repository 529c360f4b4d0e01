"""Client configuration: resolved once at construction, validated before any I/O."""

from __future__ import annotations

import ipaddress
import math
import os
import re
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypedDict

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
    TRACING_ENV_VAR,
)
from ._exceptions import InsecureHTTPWarning, InvalidAPIKeyError, InvalidRequestError
from ._stack import as_timeout
from ._storage import storage_url
from ._version import __version__

if TYPE_CHECKING:
    from ._stack import HTTPTimeout
    from .events import Event

USER_AGENT = f"quickshops-python/{__version__}"

# A header's or a cookie's name: an HTTP token. Compiled on first use, not at import.
_NAME_PATTERN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
SWITCHES = {"true": True, "1": True, "yes": True, "on": True}
SWITCHES.update({"false": False, "0": False, "no": False, "off": False})
_FRAMING = frozenset({"content-length", "transfer-encoding", "host", "connection"})
"""Headers that frame a request: the HTTP library sets them for each request."""


def is_header_safe(value: str) -> bool:
    """Tell whether `value` can be sent as a header value: ASCII, no control characters."""
    return value.isascii() and value.isprintable()  # printable ASCII: no control characters


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


def resolve_base_url(base_url: str | None) -> str:
    """Return the base URL without a trailing slash (`check_plain_http` checks its scheme)."""
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
    return str(url).rstrip("/")


def check_plain_http(base_url: str, allow_insecure_http: bool) -> None:
    """Refuse plain http off loopback; with `allow_insecure_http`, warn instead.

    The key would cross the network in clear text.
    """
    url = httpx2.URL(base_url)
    if url.scheme != "http" or is_loopback(url.host):
        return
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
        stacklevel=5,
    )


def resolve_timeout(timeout: float | HTTPTimeout) -> httpx2.Timeout:
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


def resolve_flag(name: str, value: bool) -> bool:
    """Return `value` if it is a bool, else refuse it naming the argument."""
    if isinstance(value, bool):
        return value
    raise InvalidRequestError(f"{name} must be True or False, not {value!r}.")


def _allow_insecure_http(value: bool) -> bool:
    return resolve_flag("allow_insecure_http", value)


def _instant_retries(value: bool) -> bool:
    return resolve_flag("instant_retries", value)


def tracing_from_environment() -> bool:
    """Whether ``QUICKSHOPS_TRACING`` leaves tracing on (unset or empty: on).

    Raises:
        InvalidRequestError: A value that is neither true nor false.

    """
    value = os.environ.get(TRACING_ENV_VAR, "").strip().lower()
    if not value:
        return True
    switch = SWITCHES.get(value)
    if switch is None:
        raise InvalidRequestError(
            f"The environment variable {TRACING_ENV_VAR} must be true or false (or 1/0, "
            f"yes/no, on/off), not {os.environ[TRACING_ENV_VAR]!r}. Set it to false to turn "
            "the SDK's OpenTelemetry spans off, or unset it."
        )
    return switch


def _rate_limit_storage(value: str | None) -> str | None:
    return storage_url("rate_limit_storage", value)


def _on_event(value: Callable[[Event], None] | None) -> Callable[[Event], None] | None:
    if value is None or callable(value):
        return value
    raise InvalidRequestError(
        "on_event must be a callable taking one event (a function of quickshops.events' "
        f"events), or None, not {value!r}."
    )


def resolve_max_retries(max_retries: int) -> int:
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


def resolve_total_timeout(total_timeout: float | None) -> float | None:
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


def resolve_max_response_bytes(max_response_bytes: int | None) -> int | None:
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


def is_token(name: object) -> bool:
    """Tell whether `name` can name a header or a cookie: an HTTP token."""
    return isinstance(name, str) and re.fullmatch(_NAME_PATTERN, name) is not None


def check_header(name: object, value: object, what: str) -> None:
    """Refuse a header that could not be sent as given (or would split into two)."""
    if not is_token(name):
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


def key_source(api_key: str) -> str:
    """Where the key came from, for messages: an environment variable holding it, or not."""
    for name in API_KEY_ENV_VARS:
        if os.environ.get(name) == api_key:
            return f"the environment variable {name}"
    return "the api_key argument"


def _api_key(api_key: str | None) -> str:
    return resolve_api_key(api_key)[0]


def _default_headers(default_headers: Mapping[str, str] | None) -> dict[str, str]:
    if default_headers is not None and not isinstance(default_headers, Mapping):
        raise InvalidRequestError(
            f"default_headers must be a mapping of header names to values, "
            f"not {type(default_headers).__name__}."
        )
    return dict(default_headers or {})


def _docs(shown: str, doc: str) -> dict[str, tuple[str, str]]:
    """An option's docs, kept in its field's metadata.

    Its default as the docs' table shows it, and what it does: the tables in README.md
    and docs/configuration.md are written from them (``scripts/tables.py``).
    """
    return {"doc": (shown, doc)}


@attrs.frozen(kw_only=True, repr=False)
class ClientConfig:
    """Every option of a client, declared once, each checked as the client is made.

    The clients' constructors pass their arguments here, `with_options` is an
    ``attrs.evolve`` of it, `ClientOptions` types the same names (a test holds them
    equal) and the docs' tables are written from it. A bad value raises the SDK's error
    before any I/O. The fields after the options are built from them, once per client.
    """

    api_key: str = attrs.field(
        default=None,
        converter=_api_key,
        metadata=_docs(
            f"env `{API_KEY_ENV_VARS[0]}`, then `{API_KEY_ENV_VARS[1]}`",
            f"the key, starting with `{API_KEY_PREFIX}`",
        ),
    )
    base_url: str = attrs.field(
        default=None,
        converter=resolve_base_url,
        metadata=_docs(
            f"env `{BASE_URL_ENV_VAR}`, then `{DEFAULT_BASE_URL}`",
            "where the API is; plain `http://` only to loopback (or with `allow_insecure_http`)",
        ),
    )
    timeout: httpx2.Timeout = attrs.field(
        default=DEFAULT_TIMEOUT,
        converter=resolve_timeout,
        metadata=_docs(
            "`httpx2.Timeout(30.0, connect=5.0)`",
            "seconds, or an `httpx2.Timeout` (an `httpx.Timeout` too), for each attempt",
        ),
    )
    max_retries: int = attrs.field(
        default=DEFAULT_MAX_RETRIES,
        converter=resolve_max_retries,
        metadata=_docs(
            f"`{DEFAULT_MAX_RETRIES}`",
            "retries after the first attempt; `0` disables them",
        ),
    )
    default_headers: Mapping[str, str] = attrs.field(
        default=None,
        converter=_default_headers,
        metadata=_docs(
            "`None`",
            "extra headers sent on every request",
        ),
    )
    total_timeout: float | None = attrs.field(
        default=DEFAULT_TOTAL_TIMEOUT,
        converter=resolve_total_timeout,
        metadata=_docs(
            f"`{DEFAULT_TOTAL_TIMEOUT}`",
            "seconds one whole call may take: attempts, backoff, rate-limit waits, a body "
            "sent a byte at a time; `None` lifts the bound",
        ),
    )
    max_response_bytes: int | None = attrs.field(
        default=DEFAULT_MAX_RESPONSE_BYTES,
        converter=resolve_max_response_bytes,
        metadata=_docs(
            f"`{DEFAULT_MAX_RESPONSE_BYTES}` ({DEFAULT_MAX_RESPONSE_BYTES // 2**20} MiB)",
            "the largest response body read, after decompression; a bigger one is refused "
            "without holding it; `None` lifts the cap",
        ),
    )
    allow_insecure_http: bool = attrs.field(
        default=False,
        converter=_allow_insecure_http,
        metadata=_docs(
            "`False`",
            "allow plain `http://` to a host that is not loopback (a test server), with an "
            "`InsecureHTTPWarning`: the key then crosses the network in clear text",
        ),
    )
    instant_retries: bool = attrs.field(
        default=False,
        converter=_instant_retries,
        metadata=_docs(
            "`False`",
            "skip backoff and rate-limit waits, for tests; the `quickshops.testing` clients "
            "turn it on",
        ),
    )
    rate_limit_storage: str | None = attrs.field(
        default=None,
        converter=_rate_limit_storage,
        metadata=_docs(
            "`None` (in-process)",
            "a storage URL (`redis://host:6379/0`, `rediss://`, `valkey://`) through which "
            "every client of the same key and base URL shares rate-limit pauses and pacing, "
            "in any process; needs `quickshops[redis]`",
        ),
    )
    on_event: Callable[[Event], None] | None = attrs.field(
        default=None,
        converter=_on_event,
        metadata=_docs(
            "`None`",
            "a callable given each typed event of a call (`quickshops.events`): attempts, "
            "retries, rate-limit waits, the call's end; for metrics and logs",
        ),
    )

    key_source: str = attrs.field(init=False, eq=False)
    """Where the key came from, for the hint of an authentication error."""
    headers: dict[str, str] = attrs.field(init=False, eq=False)
    """The headers of every request, lowercase names, built once."""
    timeout_extension: dict[str, float | None] = attrs.field(init=False, eq=False)
    """The timeout as httpx carries it in a request's extensions, built once."""
    longest_timeout: float = attrs.field(init=False, eq=False)
    """The longest phase of `timeout` (infinite if one has none): past it, the total
    bound leaves an attempt's timeouts alone."""
    tracing: bool = attrs.field(init=False, eq=False, factory=tracing_from_environment)
    """Whether calls are traced with OpenTelemetry, if installed (``QUICKSHOPS_TRACING``)."""
    server: tuple[str, int] = attrs.field(init=False, eq=False)
    """The API's host and port, as a span names them (``server.address``, ``server.port``)."""

    @key_source.default
    def _key_source(self) -> str:
        return key_source(self.api_key)

    @headers.default
    def _headers(self) -> dict[str, str]:
        return build_headers(self.api_key, self.default_headers)

    @timeout_extension.default
    def _timeout_extension(self) -> dict[str, float | None]:
        return self.timeout.as_dict()

    @server.default
    def _server(self) -> tuple[str, int]:
        url = httpx2.URL(self.base_url)
        return url.host, url.port or (443 if url.scheme == "https" else 80)

    @longest_timeout.default
    def _longest_timeout(self) -> float:
        return max(math.inf if p is None else p for p in self.timeout_extension.values())

    def __attrs_post_init__(self) -> None:
        check_plain_http(self.base_url, self.allow_insecure_http)

    def __repr__(self) -> str:
        return (
            f"ClientConfig(api_key={mask_key(self.api_key)!r}, base_url={self.base_url!r}, "
            f"timeout={self.timeout!r}, max_retries={self.max_retries!r}, "
            f"total_timeout={self.total_timeout!r})"
        )


OPTIONS: tuple[str, ...] = tuple(field.name for field in attrs.fields(ClientConfig) if field.init)
"""The clients' keyword arguments that `ClientConfig` holds: all but ``http_client``."""

HTTP_CLIENT_DOC = (
    "`None`",
    "your own `httpx2.AsyncClient` / `httpx2.Client` (or httpx's): proxies, mTLS, event "
    "hooks, a mock transport; the SDK never closes a client it did not create",
)
"""The docs of ``http_client``, the one option `ClientConfig` does not hold (the pool does)."""


class ClientOptions(TypedDict, total=False):
    """The options of `ClientConfig`, typed for ``**options``.

    `with_options` and the testing clients take them; a test holds the two equal.
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
    rate_limit_storage: str | None
    on_event: Callable[[Event], None] | None
