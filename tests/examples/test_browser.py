"""Each example shop in a real headless Chromium: the whole purchase, on loopback.

The shop is served in a thread (uvicorn for FastAPI, Werkzeug's server for the WSGI
ones) beside the test's emulator, whose checkout page takes the payment and sends
``order.completed`` to the shop's webhook endpoint, as Quickshops would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from examples.orders import WEBHOOK_PATH
from quickshops.storefront import CART_COOKIE
from quickshops.testing import DIGITAL_PRODUCT_ID, PHYSICAL_PRODUCT_ID, client
from tests.examples.conftest import SCREENSHOTS, SHOP_WEBHOOK_SECRET, free_port
from tests.examples.shops import SHOPS, serve_shop

if TYPE_CHECKING:
    from collections.abc import Iterator

    from selenium.webdriver.chrome.webdriver import WebDriver

    from quickshops.testing import EmulatorServer

WAIT_SECONDS = 15
GUIDE = "Field Guide (e-book)"
MUG = "Enamel Mug"


@pytest.fixture(params=SHOPS)
def served_shop(
    request: pytest.FixtureRequest,
    quickshops_server: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[str, str]]:
    """Each shop served on a free loopback port (its SITE_URL), the emulator's webhooks to it.

    Yields the shop's name and URL.
    """
    port = free_port()
    monkeypatch.setenv("SITE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("QUICKSHOPS_WEBHOOK_SECRET", SHOP_WEBHOOK_SECRET)
    with serve_shop(request.param, port, monkeypatch) as url:
        quickshops_server.emulator.add_webhook(url + WEBHOOK_PATH, SHOP_WEBHOOK_SECRET)
        yield request.param, url


def line(name: str, quantity: int) -> str:
    """A cart line as the page shows it: the name, a multiplication sign, the quantity."""
    return f"{name} \N{MULTIPLICATION SIGN} {quantity}"


def cart_lines(browser: WebDriver) -> list[str]:
    """The lines the cart panel shows, as text, read in one script (no element handles).

    Reading them in the page itself never holds a node of a page being replaced.
    """
    lines: list[str] = browser.execute_script(
        "return Array.from(document.querySelectorAll('#cart li.line'), line => line.innerText)"
    )
    return lines


def add_to_cart(browser: WebDriver, product_id: str, expected_lines: list[str]) -> None:
    """Click "Add to cart" on a product; wait for the next page and its cart lines."""
    button = browser.find_element(
        By.CSS_SELECTOR,
        f'li.product[data-product-id="{product_id}"] form[action="/cart/add"] button',
    )
    assert button.text == "Add to cart"
    cart = browser.find_element(By.ID, "cart")
    button.click()
    wait = WebDriverWait(browser, WAIT_SECONDS)
    wait.until(staleness_of(cart), "the page was not reloaded after adding")
    wait.until(
        lambda driver: cart_lines(driver) == expected_lines,
        f"the cart never showed {expected_lines}",
    )


def click_and_wait(browser: WebDriver, selector: str, url_prefix: str) -> None:
    """Click the button at `selector`; wait until the page at `url_prefix` has loaded."""
    browser.find_element(By.CSS_SELECTOR, selector).click()
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda driver: (
            driver.current_url.startswith(url_prefix)
            and driver.execute_script("return document.readyState") == "complete"
        ),
        f"{selector} did not lead to {url_prefix}",
    )


def test_a_shopper_buys_the_whole_way_in_a_browser(
    browser: WebDriver, served_shop: tuple[str, str], quickshops_server: EmulatorServer
) -> None:
    """Products, cart, checkout on the emulator's page, Pay, and the paid, fulfilled order.

    Pressing Pay sends ``order.completed`` to the shop once; the success page shows
    what was bought and the order the webhook fulfilled, and the cart cookie is gone.
    """
    emulator = quickshops_server.emulator
    name, shop_url = served_shop
    browser.get(f"{shop_url}/")
    assert browser.title == "Emulator Shop"
    assert browser.find_element(By.ID, "cart").text.endswith("Your cart is empty.")

    add_to_cart(browser, DIGITAL_PRODUCT_ID, [line(GUIDE, 1)])
    add_to_cart(browser, PHYSICAL_PRODUCT_ID, [line(GUIDE, 1), line(MUG, 1)])
    add_to_cart(browser, DIGITAL_PRODUCT_ID, [line(GUIDE, 2), line(MUG, 1)])

    assert browser.find_element(By.CSS_SELECTOR, "#cart .total").text == "Total: $52.48"
    assert browser.get_cookie(CART_COOKIE) is not None  # HttpOnly hides it from scripts only
    assert CART_COOKIE not in browser.execute_script("return document.cookie")
    SCREENSHOTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / f"shop-{name}-cart.png"))

    checkout_pages = f"{emulator.pages_url}/pages/checkout/"
    click_and_wait(browser, '#cart form[action="/checkout"] button', checkout_pages)
    session_id = browser.current_url.rsplit("/", 1)[1]
    assert browser.find_element(By.ID, "total").text == "52.48 USD"
    assert [] == emulator.orders  # nothing is paid before Pay

    click_and_wait(browser, "#pay button", f"{shop_url}/success")
    assert browser.current_url == f"{shop_url}/success?session_id={session_id}"
    [order] = emulator.orders
    assert browser.find_element(By.ID, "session").text == f"Checkout {session_id}: paid, $52.48."
    assert browser.find_element(By.ID, "fulfilled").text == (
        f"Order {order['orderId']} is on its way."
    )
    assert [item.text for item in browser.find_elements(By.CSS_SELECTOR, "li.item")] == [
        line(GUIDE, 2),
        line(MUG, 1),
    ]
    assert browser.save_screenshot(str(SCREENSHOTS / f"shop-{name}-success.png"))
    [delivery] = emulator.deliveries  # the webhook, received and fulfilled once
    assert ("order.completed", 200, 1) == (delivery.event, delivery.status, delivery.attempts)
    assert browser.get_cookie(CART_COOKIE) is None  # the next visit starts a new cart
    with client(emulator) as qs:
        assert qs.checkout.get_session(session_id).status == "complete"

    browser.get(f"{checkout_pages}{session_id}")  # the checkout page again: no second Pay
    assert "This checkout session is paid." in browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_elements(By.ID, "pay") == []


def test_buy_now_in_a_browser_leaves_the_cart_alone(
    browser: WebDriver, served_shop: tuple[str, str], quickshops_server: EmulatorServer
) -> None:
    """The "Buy now" button goes straight to a checkout of one product; the cart keeps its line."""
    emulator = quickshops_server.emulator
    _, shop_url = served_shop
    browser.get(f"{shop_url}/")
    add_to_cart(browser, DIGITAL_PRODUCT_ID, [line(GUIDE, 1)])

    click_and_wait(
        browser,
        f'li.product[data-product-id="{PHYSICAL_PRODUCT_ID}"] form[action="/buy"] button',
        f"{emulator.pages_url}/pages/checkout/",
    )
    assert browser.find_element(By.ID, "total").text == "12.50 USD"
    browser.get(f"{shop_url}/")
    assert cart_lines(browser) == [line(GUIDE, 1)]
