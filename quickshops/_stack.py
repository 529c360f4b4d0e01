"""The HTTP library under the SDK: httpx2, and httpx in a caller's own client.

The SDK's own connection pools are ``httpx2`` clients: the maintained fork of httpx,
the same API under another name, whose pool neither drops requests shared by many
threads nor collapses under hundreds of concurrent tasks (``docs/http-stack.md``). A
caller may still pass an ``httpx`` client; the SDK never imports httpx itself, and
learns which library an object belongs to from `library_of`. Both libraries' errors are
mapped to the SDK's own, so neither leaks out of a call.
"""

from __future__ import annotations

import functools
import http.cookiejar
import os
import sys
from typing import TYPE_CHECKING, Any

import httpx2

from ._constants import DEFAULT_LIMITS
from ._exceptions import InvalidRequestError

if TYPE_CHECKING:
    import ssl
    from types import ModuleType
    from typing import TypeAlias

    import httpx

    AsyncHTTPClient: TypeAlias = httpx2.AsyncClient | httpx.AsyncClient
    HTTPClient: TypeAlias = httpx2.Client | httpx.Client
    HTTPTimeout: TypeAlias = httpx2.Timeout | httpx.Timeout
    HTTPResponse: TypeAlias = httpx2.Response | httpx.Response
    HTTPHeaders: TypeAlias = httpx2.Headers | httpx.Headers

LIBRARIES = frozenset({"httpx2", "httpx"})
"""The libraries whose clients, requests, responses and errors the SDK understands."""


def library_of(obj: object) -> ModuleType | None:
    """Return the HTTP library (the ``httpx2`` or ``httpx`` module) `obj` comes from.

    A subclass defined elsewhere (a caller's own transport error, say) counts as its
    library's. None when `obj` belongs to neither.
    """
    for cls in type(obj).__mro__:
        root = cls.__module__.partition(".")[0]
        if root in LIBRARIES:
            return sys.modules[root]
    return None


_PROXY_VARIABLES = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
)
_LOOPBACK = {"all://localhost": None, "all://127.0.0.0/8": None, "all://[::1]": None}
"""Mounts that send loopback requests directly: no proxy from the environment gets them."""


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """A cookie policy that accepts no cookie at all."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        """Refuse every cookie a response sets."""
        return False


@functools.lru_cache(maxsize=8)
def _tls_context(cafile: str | None, capath: str | None) -> ssl.SSLContext:
    """httpx2's default TLS context for these ``SSL_CERT_FILE``/``SSL_CERT_DIR`` values."""
    import httpcore2  # as httpx2 does: only once a pool is made

    return httpcore2.default_ssl_context()


def shared_tls_context() -> ssl.SSLContext:
    """The TLS context of every pool the SDK owns: built once per process, then shared.

    Building one loads the system's certificates, some 20 to 30 ms, which was most of
    the cost of creating a client. The context is exactly httpx2's default (the
    operating system's trust store, or ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when set), so
    it is rebuilt only when those variables change. Sharing it between pools and
    threads is safe: a context is only read when a connection is opened.
    """
    return _tls_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


def own_client(cls: type[Any], timeout: httpx2.Timeout) -> Any:
    """Make the connection pool the SDK owns: `cls` is ``httpx2.AsyncClient`` or ``Client``.

    - Redirects are never followed: the key must not reach another host.
    - The pool keeps as many connections alive as it may open, so that a burst does not
      make it close and reopen them (see `DEFAULT_LIMITS`).
    - It stores no cookies: a client shared by a web server's users must not carry one
      user's cookies into another's requests, nor grow a header with every response.
    - A proxy from the environment is used for the API, never for a loopback host (the
      emulator), which would receive the key in the clear.
    - Its TLS context is the process's one (`shared_tls_context`), not a new one.

    Raises:
        InvalidRequestError: The environment names a proxy that cannot be used.

    """
    try:
        return cls(
            timeout=timeout,
            limits=DEFAULT_LIMITS,
            follow_redirects=False,
            cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
            mounts=_LOOPBACK,
            verify=shared_tls_context(),
        )
    except (ImportError, ValueError, httpx2.InvalidURL) as exc:  # a proxy it cannot use
        raise _proxy_error(exc) from exc


def _proxy_error(exc: Exception) -> InvalidRequestError:
    found = [
        f"{name}={_without_password(os.environ[name])!r}"
        for name in _PROXY_VARIABLES
        if os.environ.get(name)
    ]
    where = ", ".join(found) or "the environment"
    reason = str(exc).rstrip(".")
    if "socks" in reason.lower():
        reason = "a SOCKS proxy needs the socksio package (pip install 'httpx2[socks]')"
    return InvalidRequestError(
        f"The proxy configured in {where} cannot be used: {reason}. Fix or unset the "
        "variable, or pass your own http_client."
    )


def _without_password(url: str) -> str:
    """`url` with any password replaced by ``***``."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.partition(':')[0]}:***@{host}"


@functools.lru_cache(maxsize=1024)
def parse_url(library: ModuleType, url: str) -> Any:
    """Parse `url` once per library: a storefront asks for the same few paths again and again."""
    return library.URL(url)


def as_timeout(timeout: Any) -> httpx2.Timeout | None:
    """Return an httpx or httpx2 `Timeout` as a new ``httpx2.Timeout``; None for anything else.

    Always a copy: a `Timeout` is mutable, and a client must share one neither with its
    caller nor with the default of the clients' ``timeout`` argument.
    """
    library = library_of(timeout)
    if library is not None and isinstance(timeout, library.Timeout):
        return httpx2.Timeout(**timeout.as_dict())
    return None
