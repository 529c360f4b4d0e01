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
import importlib.util
import ipaddress
import os
import sys
import urllib.request
from types import ModuleType
from typing import TYPE_CHECKING, Any

import httpx2

from ._constants import DEFAULT_LIMITS
from ._exceptions import InvalidRequestError

if TYPE_CHECKING:
    import ssl
    from collections.abc import Callable
    from types import TracebackType
    from typing import TypeAlias

    import httpcore2
    import httpx

    AsyncHTTPClient: TypeAlias = httpx2.AsyncClient | httpx.AsyncClient
    HTTPClient: TypeAlias = httpx2.Client | httpx.Client
    HTTPTimeout: TypeAlias = httpx2.Timeout | httpx.Timeout
    HTTPResponse: TypeAlias = httpx2.Response | httpx.Response
    HTTPHeaders: TypeAlias = httpx2.Headers | httpx.Headers


def libraries() -> tuple[ModuleType, ...]:
    """The HTTP libraries whose objects the SDK understands: httpx2, and httpx once loaded.

    The SDK never imports httpx: an httpx object can exist only once something else
    has imported it.
    """
    httpx = sys.modules.get("httpx")
    return (httpx2,) if not isinstance(httpx, ModuleType) else (httpx2, httpx)


def library_of(obj: object, *kinds: str) -> ModuleType | None:
    """Return the library (the ``httpx2`` or ``httpx`` module) `obj` is an instance of.

    `kinds` names the library's public classes to test (``"AsyncClient"``,
    ``"Timeout"``...); a subclass defined elsewhere (a caller's own transport error,
    say) counts as its library's. None when `obj` is an instance of none of them.

    Only `isinstance` decides, never a class's ``__module__`` or name: other SDKs in the
    process (openai, anthropic) rewrite ``__module__`` of the httpx2 classes they
    re-export.
    """
    for library in libraries():
        classes = tuple(getattr(library, kind) for kind in kinds)
        if isinstance(obj, classes):
            return library
    return None


ERROR_KINDS = ("HTTPError", "InvalidURL", "CookieConflict", "StreamError")
"""The bases of every exception httpx2 and httpx raise."""


def lower_errors() -> tuple[type[Exception], ...]:
    """The errors of the layers below httpx2 that can reach its caller.

    An `OSError` (an `ssl.SSLError` among them), and the protocol errors of h11 and h2
    once they are loaded: an error of either can only be raised once it is.
    """
    errors: list[type[Exception]] = [OSError]
    for module, name in (("h11", "ProtocolError"), ("h2.exceptions", "H2Error")):
        loaded = sys.modules.get(module)
        if isinstance(loaded, ModuleType):
            errors.append(getattr(loaded, name))
    return tuple(errors)


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


def own_client(
    cls: type[Any], timeout: httpx2.Timeout, transport: Callable[[httpcore2.Proxy | None], Any]
) -> Any:
    """Make the connection pool the SDK owns: `cls` is ``httpx2.AsyncClient`` or ``Client``.

    `transport` makes the transport of the direct route (given None) and of each proxy
    the environment names: the SDK's own, bounded by each call (`_async/_backend.py`).

    - Redirects are never followed: the key must not reach another host.
    - It stores no cookies: a client shared by a web server's users must not carry one
      user's cookies into another's requests, nor grow a header with every response.
    - A proxy from the environment (`environment_proxies`) is used for the API, never
      for a loopback host (the emulator), which would receive the key in the clear.

    Raises:
        InvalidRequestError: The environment names a proxy that cannot be used.

    """
    try:
        mounts = {
            pattern: None if url is None else transport(core_proxy(httpx2.Proxy(url)))
            for pattern, url in environment_proxies().items()
        }
        return cls(
            transport=transport(None),
            mounts={**mounts, **_LOOPBACK},
            timeout=timeout,
            follow_redirects=False,
            cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
        )
    except (ImportError, ValueError, httpx2.InvalidURL) as exc:  # a proxy it cannot use
        raise _proxy_error(exc) from exc


def pool_options() -> dict[str, Any]:
    """The options of every httpcore2 pool the SDK owns, but its network backend.

    - It keeps as many connections alive as it may open, so that a burst does not make
      it close and reopen them (see `DEFAULT_LIMITS`).
    - Its TLS context is the process's one (`shared_tls_context`), not a new one.
    """
    return {
        "ssl_context": shared_tls_context(),
        "max_connections": DEFAULT_LIMITS.max_connections,
        "max_keepalive_connections": DEFAULT_LIMITS.max_keepalive_connections,
        "keepalive_expiry": DEFAULT_LIMITS.keepalive_expiry,
    }


def environment_proxies() -> dict[str, str | None]:
    """The proxies the environment names, read as httpx2 reads them.

    URL patterns (``https://``, ``all://*example.com``) to a proxy URL, or to None for
    a host of ``NO_PROXY``, which is reached directly; ``NO_PROXY=*`` means no proxy.
    """
    found = urllib.request.getproxies()
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        url = found.get(scheme)
        if url:
            mounts[f"{scheme}://"] = url if "://" in url else f"http://{url}"
    for host in (part.strip() for part in found.get("no", "").split(",")):
        if host == "*":
            return {}
        if host:
            mounts[_direct_pattern(host)] = None
    return mounts


def _direct_pattern(host: str) -> str:
    """The URL pattern of a ``NO_PROXY`` entry: a URL, an address, or a domain and below."""
    if "://" in host:
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"all://{host}" if host.lower() == "localhost" else f"all://*{host}"
    return f"all://[{host}]" if address.version == 6 else f"all://{host}"


def core_url(url: httpx2.URL) -> httpcore2.URL:
    """`url` as httpcore2 takes it."""
    import httpcore2

    return httpcore2.URL(
        scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
    )


def core_proxy(proxy: httpx2.Proxy) -> httpcore2.Proxy:
    """`proxy` as httpcore2 takes it, for a pool the SDK makes.

    Raises:
        ImportError: A SOCKS proxy, without the package that speaks it.

    """
    import httpcore2

    if proxy.url.scheme in ("socks5", "socks5h") and importlib.util.find_spec("socksio") is None:
        raise ImportError("a SOCKS proxy needs the socksio package")
    return httpcore2.Proxy(
        url=core_url(proxy.url),
        auth=proxy.raw_auth,
        headers=proxy.headers.raw,
        ssl_context=proxy.ssl_context,
    )


_CORE_ERRORS = (
    "ConnectTimeout",
    "ReadTimeout",
    "WriteTimeout",
    "PoolTimeout",
    "TimeoutException",
    "ConnectError",
    "ReadError",
    "WriteError",
    "ProxyError",
    "UnsupportedProtocol",
    "LocalProtocolError",
    "RemoteProtocolError",
    "ProtocolError",
    "NetworkError",
)
"""The errors httpcore2 raises, each also an httpx2 error of the same name; the most
specific first, so that the first match is the one raised."""


class _Httpx2Errors:
    """Raise httpcore2's errors as the httpx2 errors of the same name, as a transport must.

    A class rather than a generator: it runs around every request and every body.
    """

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not isinstance(exc, Exception):  # None, or GeneratorExit and cancellation
            return
        import httpcore2

        for name in _CORE_ERRORS:
            if isinstance(exc, getattr(httpcore2, name)):
                raise getattr(httpx2, name)(str(exc)) from exc


_HTTPX2_ERRORS = _Httpx2Errors()


def httpx2_errors() -> _Httpx2Errors:
    """A context in which httpcore2's errors are raised as httpx2's of the same name."""
    return _HTTPX2_ERRORS


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
    if library_of(timeout, "Timeout") is None:
        return None
    return httpx2.Timeout(**timeout.as_dict())
