"""The HTTP library under the SDK: its own pool's settings, and proxies it cannot use."""

from __future__ import annotations

import pathlib
import ssl
import sys
from collections.abc import Callable

import certifi
import httpx2
import pytest

from quickshops import InvalidRequestError
from quickshops._constants import DEFAULT_TIMEOUT
from quickshops._stack import (
    _without_password,
    core_proxy,
    environment_proxies,
    httpx2_errors,
    libraries,
    library_of,
    lower_errors,
    own_client,
    pool_options,
    shared_tls_context,
)
from quickshops._sync._backend import SyncCallTransport


def test_the_own_pool_stores_no_cookies() -> None:
    """A cookie a server sets is never kept, so never sent to anyone."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"set-cookie": "session=abc; Path=/"})

    transport = httpx2.MockTransport(handler)
    with own_client(httpx2.Client, DEFAULT_TIMEOUT, lambda proxy: transport) as client:
        client.get("https://api.quickshops.app/v1/health")
        second = client.build_request("GET", "https://api.quickshops.app/v1/health")

    assert 0 == len(client.cookies.jar)
    assert "cookie" not in second.headers


def test_a_proxy_that_cannot_be_used_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unusable proxy is an InvalidRequestError naming the variable, password hidden."""
    monkeypatch.setenv("HTTPS_PROXY", "gopher://me:hunter2@proxy.example")

    with pytest.raises(InvalidRequestError) as caught:
        own_client(httpx2.Client, DEFAULT_TIMEOUT, SyncCallTransport)

    assert "HTTPS_PROXY='gopher://me:***@proxy.example'" in caught.value.message
    assert "hunter2" not in str(caught.value)


def test_a_socks_proxy_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SOCKS proxy without its package says which extra to install."""
    monkeypatch.setenv("ALL_PROXY", "socks5://proxy.example:1080")

    with pytest.raises(InvalidRequestError, match=r"pip install 'httpx2\[socks\]'"):
        own_client(httpx2.AsyncClient, DEFAULT_TIMEOUT, SyncCallTransport)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://proxy.example:3128", "http://proxy.example:3128"),
        ("http://user@proxy.example", "http://user@proxy.example"),
        ("http://user:pw@proxy.example", "http://user:***@proxy.example"),
    ],
)
def test_a_proxy_password_is_never_shown(url: str, shown: str) -> None:
    """Only a password is hidden; the rest of the proxy URL is shown as configured."""
    assert shown == _without_password(url)


def test_every_own_pool_shares_one_tls_context() -> None:
    """Pools reuse the process's TLS context, and keep alive every connection they open."""
    options = pool_options()

    assert options["ssl_context"] is shared_tls_context()
    assert options["max_connections"] == options["max_keepalive_connections"] == 100
    assert ssl.CERT_REQUIRED == shared_tls_context().verify_mode
    assert shared_tls_context().check_hostname


def test_the_tls_context_follows_ssl_cert_file(tmp_path: pathlib.Path) -> None:
    """SSL_CERT_FILE (as httpx2 reads it) gets a context of its own, with those certificates."""
    default = shared_tls_context()
    first_ca = pathlib.Path(certifi.where()).read_text().partition("-----END CERTIFICATE-----")
    bundle = tmp_path / "ca.pem"
    bundle.write_text(first_ca[0] + first_ca[1] + "\n")

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SSL_CERT_FILE", str(bundle))
        custom = shared_tls_context()
        assert custom is shared_tls_context()

    assert custom is not default
    assert 1 == custom.cert_store_stats()["x509_ca"]
    assert default is shared_tls_context(), "the environment as it was: the first context"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, {}),
        (
            {"HTTPS_PROXY": "http://proxy.example:3128", "HTTP_PROXY": "proxy.example:3128"},
            {"https://": "http://proxy.example:3128", "http://": "http://proxy.example:3128"},
        ),
        (
            {"ALL_PROXY": "socks5://proxy.example", "NO_PROXY": "10.0.0.1, ::1,localhost,.corp"},
            {
                "all://": "socks5://proxy.example",
                "all://10.0.0.1": None,
                "all://[::1]": None,
                "all://localhost": None,
                "all://*.corp": None,
            },
        ),
        ({"HTTPS_PROXY": "http://p.example", "NO_PROXY": "https://api.example"}, None),
        ({"HTTPS_PROXY": "http://proxy.example", "NO_PROXY": "*"}, {}),
    ],
)
def test_proxies_are_read_from_the_environment_as_httpx2_reads_them(
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
    expected: dict[str, str | None] | None,
) -> None:
    """Proxy variables become URL patterns; NO_PROXY hosts go direct; NO_PROXY=* means none."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    if expected is None:
        expected = {"https://": "http://p.example", "https://api.example": None}

    assert expected == environment_proxies()


def test_a_proxy_keeps_its_credentials_out_of_its_url() -> None:
    """The user and password of a proxy URL go to httpcore2 as its credentials."""
    proxy = core_proxy(httpx2.Proxy("http://me:secret@proxy.example:3128"))

    assert (b"http", b"proxy.example", 3128) == (
        proxy.url.scheme,
        proxy.url.host,
        proxy.url.port,
    )
    assert proxy.auth == (b"me", b"secret")


@pytest.mark.parametrize("kind", ["Timeout", "AsyncClient", "ReadTimeout", "Request"])
def test_a_library_is_known_by_isinstance_whatever_a_class_says_of_its_module(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Another SDK rewriting __module__ of httpx2's classes changes nothing."""
    cls = getattr(httpx2, kind)
    monkeypatch.setattr(cls, "__module__", "openai")
    samples: dict[str, Callable[[], object]] = {
        "Timeout": lambda: httpx2.Timeout(1.0),
        "AsyncClient": httpx2.AsyncClient,
        "ReadTimeout": lambda: httpx2.ReadTimeout("slow"),
        "Request": lambda: httpx2.Request("GET", "https://api.example"),
    }

    assert httpx2 is library_of(samples[kind](), kind)
    assert library_of(object(), kind) is None


def test_protocol_errors_below_httpx2_are_known_once_loaded() -> None:
    """h11's protocol errors and any OSError are errors of the layers below httpx2."""
    import h11

    errors = lower_errors()

    assert issubclass(h11.LocalProtocolError, errors)
    assert issubclass(ssl.SSLError, errors)
    assert not issubclass(ValueError, errors)


def test_httpcore2_errors_become_the_httpx2_errors_of_the_same_name() -> None:
    """The most specific httpx2 error is raised, chained; any other error passes unchanged."""
    import httpcore2

    with pytest.raises(httpx2.ReadTimeout) as caught, httpx2_errors():
        raise httpcore2.ReadTimeout("slow")
    with pytest.raises(KeyError), httpx2_errors():
        raise KeyError("x")

    assert isinstance(caught.value.__cause__, httpcore2.ReadTimeout)


def test_httpx_is_looked_for_only_once_something_imported_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With httpx not imported (or blocked), only httpx2's classes are known."""
    import httpx

    timeout = httpx.Timeout(1.0)
    monkeypatch.setitem(sys.modules, "httpx", None)

    assert (httpx2,) == libraries()
    assert library_of(timeout, "Timeout") is None
