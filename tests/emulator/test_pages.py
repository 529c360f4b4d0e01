"""The checkout and portal pages, over real HTTP on loopback."""

from __future__ import annotations

import html.parser
from typing import TYPE_CHECKING

import httpx2
import pytest

from quickshops import Quickshops
from quickshops.testing import (
    DIGITAL_PRODUCT_ID,
    MEMBER_SESSION_ID,
    PHYSICAL_PRODUCT_ID,
    SECRET_KEY,
    Emulator,
    EmulatorServer,
    client,
)

if TYPE_CHECKING:
    from collections.abc import Iterator


Served = tuple[EmulatorServer, Quickshops, httpx2.Client]


class Page(html.parser.HTMLParser):
    """What a browser or a screen reader would find on a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.forms: dict[str, tuple[str, str]] = {}  # id -> (method, action)
        self.tags: set[str] = set()
        self.attributes: dict[str, dict[str, str | None]] = {}
        self.external: list[str] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record forms, external references and the tags used."""
        found = dict(attrs)
        self.tags.add(tag)
        self.attributes.setdefault(tag, found)
        if tag == "form":
            self.forms[found["id"] or ""] = (found["method"] or "", found["action"] or "")
        references = (found.get("src") or "", found.get("href") or "")
        self.external += [ref for ref in references if ref.startswith(("http:", "https:", "//"))]

    def handle_data(self, data: str) -> None:
        """Keep the visible text."""
        self.text.append(data)

    @property
    def content(self) -> str:
        """The visible text, joined."""
        return " ".join(" ".join(self.text).split())


@pytest.fixture
def served() -> Iterator[Served]:
    """An emulator served on loopback, an SDK client for it, and a plain browser-like client."""
    with (
        EmulatorServer() as server,
        Quickshops(api_key=SECRET_KEY, base_url=server.url) as qs,
        httpx2.Client(timeout=10.0, trust_env=False) as browser,
    ):
        yield server, qs, browser


def new_session(
    qs: Quickshops, *, success_url: str | None = None, cancel_url: str | None = None
) -> str:
    """A checkout session for two lines; return its URL."""
    cart = qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 2), (PHYSICAL_PRODUCT_ID, 1)])
    session = qs.checkout.create_session(cart.id, success_url=success_url, cancel_url=cancel_url)
    return session.url


def test_the_checkout_page_shows_items_total_and_both_forms(served: Served) -> None:
    """The session's URL is the emulator's own page, with Pay and Cancel forms."""
    server, qs, browser = served
    url = new_session(qs)

    response = browser.get(url)
    page = Page(response.text)

    assert url.startswith(server.url.removesuffix("/v1") + "/pages/checkout/cs_test_")
    assert (200, "text/html; charset=utf-8") == (
        response.status_code,
        response.headers["content-type"],
    )
    assert {"pay", "cancel"} == set(page.forms)
    assert ("post", f"{httpx2.URL(url).path}/pay") == page.forms["pay"]
    assert ("post", f"{httpx2.URL(url).path}/cancel") == page.forms["cancel"]
    for text in ("Field Guide (e-book)", "Enamel Mug", "Total 52.48 USD", "Pay 52.48 USD"):
        assert text in page.content
    assert {"en"} == {page.attributes["html"]["lang"]}
    assert {"title", "main", "h1", "table", "caption", "th", "button"} <= page.tags
    assert [] == page.external, "no external assets"


def test_pay_completes_the_session_and_goes_to_its_success_url(served: Served) -> None:
    """Pay: the session is paid, the order made, the webhook sent, then 303 to success."""
    server, qs, browser = served
    server.emulator.add_webhook(lambda body, headers: None, "whsec_pages")
    url = new_session(
        qs, success_url="http://localhost:8000/thanks?session_id={CHECKOUT_SESSION_ID}"
    )
    session_id = url.rsplit("/", 1)[1]

    paid = browser.post(f"{url}/pay")

    assert 303 == paid.status_code
    assert f"http://localhost:8000/thanks?session_id={session_id}" == paid.headers["location"]
    details = qs.checkout.get_session(session_id)
    assert ("paid", "complete") == (details.payment_status, details.status)
    assert ["order.completed"] == [delivery.event for delivery in server.emulator.deliveries]
    assert 1 == len(server.emulator.orders)

    again = browser.post(f"{url}/pay")
    assert (409, 1) == (again.status_code, len(server.emulator.orders)), "paid once only"
    shown = Page(browser.get(url).text)
    assert "pay" not in shown.forms
    assert "is paid" in shown.content


def test_cancel_goes_to_the_cancel_url_and_pays_nothing(served: Served) -> None:
    """Cancel: 303 to the cancel URL; the session stays open and unpaid."""
    server, qs, browser = served
    url = new_session(qs, cancel_url="https://shop.example/cart")

    cancelled = browser.post(f"{url}/cancel")

    assert (303, "https://shop.example/cart") == (
        cancelled.status_code,
        cancelled.headers["location"],
    )
    details = qs.checkout.get_session(url.rsplit("/", 1)[1])
    assert ("unpaid", "open") == (details.payment_status, details.status)
    assert [] == server.emulator.orders


def test_without_return_urls_the_page_says_what_happened(served: Served) -> None:
    """No success or cancel URL: a page instead of a redirect."""
    _, qs, browser = served

    cancelled = browser.post(f"{new_session(qs)}/cancel")
    paid = browser.post(f"{new_session(qs)}/pay")

    assert (200, "Checkout cancelled") == (
        cancelled.status_code,
        Page(cancelled.text).text[0].split(" - ")[0],
    )
    assert 200 == paid.status_code
    assert "the session is paid" in Page(paid.text).content


def test_the_portal_page_cancels_the_subscription(served: Served) -> None:
    """The portal page shows the member's subscription; its form cancels it, with its webhook."""
    server, qs, browser = served
    server.emulator.add_webhook(lambda body, headers: 200, "whsec_pages")
    url = qs.subscription.create_portal_session(MEMBER_SESSION_ID).url

    page = Page(browser.get(url).text)
    assert url.startswith(server.url.removesuffix("/v1") + "/pages/portal/")
    assert "Members Club (monthly): active" in page.content
    assert ("post", f"{httpx2.URL(url).path}/cancel") == page.forms["cancel"]

    cancelled = browser.post(f"{url}/cancel")
    assert (303, httpx2.URL(url).path) == (cancelled.status_code, cancelled.headers["location"])
    after = Page(browser.get(url).text)
    assert "cancelled" in after.content
    assert "cancel" not in after.forms
    assert "cancelled" == server.emulator.members[MEMBER_SESSION_ID]["status"]

    browser.post(f"{url}/cancel")  # cancelling again changes nothing, sends nothing
    assert ["subscription.cancelled"] == [d.event for d in server.emulator.deliveries]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/pages/checkout/cs_test_unknown", 404),
        ("POST", "/pages/checkout/cs_test_unknown/pay", 404),
        ("GET", "/pages/portal/test_unknown", 404),
        ("GET", "/pages/nowhere", 404),
        ("GET", "/pages/checkout/{id}/pay", 405),
        ("POST", "/pages/checkout/{id}", 405),
    ],
)
def test_unknown_pages_and_wrong_methods(
    served: Served, method: str, path: str, status: int
) -> None:
    """Unknown pages are 404 pages; a form's path read with GET (or a page POSTed) is 405."""
    _, qs, browser = served
    session_id = new_session(qs).rsplit("/", 1)[1]

    origin = qs.base_url.removesuffix("/v1")
    response = browser.request(method, origin + path.replace("{id}", session_id))

    assert status == response.status_code
    assert response.headers["content-type"].startswith("text/html")
    if status == 405:
        assert response.headers["allow"] in ("GET", "POST")


def test_nested_servers_hand_the_pages_back() -> None:
    """A server's pages are the emulator's while it runs; stopping restores what it found."""
    emulator = Emulator()
    with EmulatorServer(emulator) as outer:
        with EmulatorServer(emulator) as inner:
            assert inner.url.removesuffix("/v1") == emulator.pages_url
        assert outer.url.removesuffix("/v1") == emulator.pages_url
        emulator.pages_url = "http://127.0.0.1:1"  # a test pointed the pages elsewhere

    assert "http://127.0.0.1:1" == emulator.pages_url, "a server leaves what it did not set"


def test_through_the_transport_the_urls_stay_fake() -> None:
    """With no HTTP server, session URLs are fake Stripe URLs; a stopped server restores that."""
    emulator = Emulator()
    with client(emulator) as qs:
        cart = qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 1)])
        assert qs.checkout.create_session(cart.id).url.startswith("https://checkout.stripe.test/")
        with EmulatorServer(emulator):
            assert qs.checkout.create_session(cart.id).url.startswith("http://127.0.0.1:")
        assert qs.checkout.create_session(cart.id).url.startswith("https://checkout.stripe.test/")
        portal = qs.subscription.create_portal_session(MEMBER_SESSION_ID)
        assert portal.url.startswith("https://billing.stripe.test/p/session/test_")


def test_pages_answer_without_http_too() -> None:
    """Emulator.page answers the same pages in memory, for tests that need no server."""
    emulator = Emulator()
    with client(emulator) as qs:
        cart = qs.cart.create(lines=[(DIGITAL_PRODUCT_ID, 1)])
        session_id = str(qs.checkout.create_session(cart.id).session_id)

    reply = emulator.page("POST", f"/pages/checkout/{session_id}/pay")

    assert (200, "paid") == (reply.status, emulator.checkout_sessions[session_id]["paymentStatus"])
