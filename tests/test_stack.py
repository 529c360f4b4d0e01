"""The HTTP library under the SDK: its own pool's settings, and proxies it cannot use."""

from __future__ import annotations

import pathlib
import ssl

import certifi
import httpx2
import pytest

from quickshops import InvalidRequestError
from quickshops._constants import DEFAULT_TIMEOUT
from quickshops._stack import _without_password, own_client, shared_tls_context


def test_the_own_pool_stores_no_cookies() -> None:
    """A cookie a server sets is never kept, so never sent to anyone."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"set-cookie": "session=abc; Path=/"})

    with own_client(httpx2.Client, DEFAULT_TIMEOUT) as client:
        client._transport = httpx2.MockTransport(handler)
        client.get("https://api.quickshops.app/v1/health")
        second = client.build_request("GET", "https://api.quickshops.app/v1/health")

    assert 0 == len(client.cookies.jar)
    assert "cookie" not in second.headers


def test_a_proxy_that_cannot_be_used_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unusable proxy is an InvalidRequestError naming the variable, password hidden."""
    monkeypatch.setenv("HTTPS_PROXY", "gopher://me:hunter2@proxy.example")

    with pytest.raises(InvalidRequestError) as caught:
        own_client(httpx2.Client, DEFAULT_TIMEOUT)

    assert "HTTPS_PROXY='gopher://me:***@proxy.example'" in caught.value.message
    assert "hunter2" not in str(caught.value)


def test_a_socks_proxy_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SOCKS proxy without its package says which extra to install."""
    monkeypatch.setenv("ALL_PROXY", "socks5://proxy.example:1080")

    with pytest.raises(InvalidRequestError, match=r"pip install 'httpx2\[socks\]'"):
        own_client(httpx2.AsyncClient, DEFAULT_TIMEOUT)


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


def pool_context(client: httpx2.Client | httpx2.AsyncClient) -> object:
    """The TLS context the client's pool opens connections with."""
    return client._transport._pool._ssl_context  # type: ignore[union-attr]


def test_every_own_pool_shares_one_tls_context() -> None:
    """Clients reuse the process's TLS context instead of loading certificates again."""
    clients = [own_client(httpx2.Client, DEFAULT_TIMEOUT) for _ in range(2)]
    clients.append(own_client(httpx2.AsyncClient, DEFAULT_TIMEOUT))
    try:
        contexts = {id(pool_context(client)) for client in clients}
    finally:
        clients[0].close()
        clients[1].close()

    assert {id(shared_tls_context())} == contexts
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
