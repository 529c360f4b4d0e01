"""The storefront in a real headless Chromium, served by uvicorn on loopback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from quickshops.testing import DIGITAL_PRODUCT_ID, PHYSICAL_PRODUCT_ID, Emulator, client
from tests.examples.conftest import SCREENSHOTS

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

WAIT_SECONDS = 15
GUIDE = "Field Guide (e-book)"
MUG = "Enamel Mug"


def line(name: str, quantity: int) -> str:
    """A cart line as the page shows it, name, a multiplication sign and the quantity."""
    return f"{name} \N{MULTIPLICATION SIGN} {quantity}"


def cart_lines(browser: WebDriver) -> list[str]:
    """The lines the cart panel shows, as text."""
    return [line.text for line in browser.find_elements(By.CSS_SELECTOR, "#cart li.line")]


def add_to_cart(browser: WebDriver, product_id: str, expected_lines: list[str]) -> None:
    """Click "Add to cart" on a product; wait for the next page and its cart lines."""
    button = browser.find_element(
        By.CSS_SELECTOR, f'li.product[data-product-id="{product_id}"] button[type="submit"]'
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
    browser: WebDriver, storefront_url: str, quickshops_emulator: Emulator
) -> None:
    """Products, cart, checkout on the emulator's page, Pay, and the paid, fulfilled order.

    The emulator sends ``order.completed`` to the storefront's webhook endpoint when
    Pay is pressed; the thanks page shows the order the webhook fulfilled.
    """
    browser.get(f"{storefront_url}/")
    assert browser.title == "Emulator Shop"
    assert browser.find_element(By.ID, "cart").text.endswith("Your cart is empty.")

    add_to_cart(browser, DIGITAL_PRODUCT_ID, [line(GUIDE, 1)])
    add_to_cart(browser, PHYSICAL_PRODUCT_ID, [line(GUIDE, 1), line(MUG, 1)])
    add_to_cart(browser, DIGITAL_PRODUCT_ID, [line(GUIDE, 2), line(MUG, 1)])

    assert browser.find_element(By.CSS_SELECTOR, "#cart .total").text == "Total: 52.48 USD"
    assert browser.get_cookie("cart_id") is not None  # httpOnly hides it from scripts only
    assert browser.execute_script("return document.cookie") == ""
    SCREENSHOTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(SCREENSHOTS / "storefront-cart.png"))

    checkout_pages = f"{quickshops_emulator.pages_url}/pages/checkout/"
    click_and_wait(browser, '#cart form[action="/checkout"] button', checkout_pages)
    session_id = browser.current_url.rsplit("/", 1)[1]
    assert browser.find_element(By.ID, "total").text == "52.48 USD"
    assert browser.find_element(By.CSS_SELECTOR, "#pay button").text == "Pay 52.48 USD"
    assert browser.save_screenshot(str(SCREENSHOTS / "emulator-checkout.png"))
    assert [] == quickshops_emulator.orders  # nothing is paid before Pay

    click_and_wait(browser, "#pay button", f"{storefront_url}/thanks")
    assert browser.current_url == f"{storefront_url}/thanks?session_id={session_id}"
    [order] = quickshops_emulator.orders
    assert browser.find_element(By.ID, "session").text == (
        f"Checkout {session_id}: paid, 52.48 USD."
    )
    assert browser.find_element(By.ID, "fulfilled").text == (
        f"Order {order['orderId']} is on its way."
    )
    assert browser.save_screenshot(str(SCREENSHOTS / "storefront-thanks.png"))
    [delivery] = quickshops_emulator.deliveries  # the webhook, received once
    assert ("order.completed", 200, 1) == (delivery.event, delivery.status, delivery.attempts)
    with client(quickshops_emulator) as qs:
        details = qs.checkout.get_session(session_id)
    assert details.status == "complete"
    assert [(item.product_id, item.quantity) for item in details.line_items or ()] == [
        (DIGITAL_PRODUCT_ID, 2),
        (PHYSICAL_PRODUCT_ID, 1),
    ]

    browser.get(f"{checkout_pages}{session_id}")  # the checkout page again: no second Pay
    assert "This checkout session is paid." in browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_elements(By.ID, "pay") == []
