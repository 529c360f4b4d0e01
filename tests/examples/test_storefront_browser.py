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
CHECKOUT_PREFIX = "https://checkout.stripe.test/c/pay/"
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


def test_a_shopper_fills_the_cart_and_lands_on_the_checkout_page(
    browser: WebDriver, storefront_url: str, quickshops_emulator: Emulator
) -> None:
    """Clicking "Add to cart" then "Checkout" ends on the emulator's Stripe checkout URL."""
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

    browser.find_element(By.CSS_SELECTOR, '#cart form[action="/checkout"] button').click()
    # The fake Stripe host does not resolve (Chromium resolves nothing but 127.0.0.1),
    # so the page is an error page, but the address is the redirect's target.
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda driver: driver.current_url.startswith(CHECKOUT_PREFIX),
        "the browser was not sent to the checkout page",
    )
    session_id = browser.current_url.removeprefix(CHECKOUT_PREFIX)
    with client(quickshops_emulator) as qs:
        details = qs.checkout.get_session(session_id)
    assert details.status == "open"
    assert details.amount_total == 2 * 1999 + 1250
    assert [(item.product_id, item.quantity) for item in details.line_items] == [
        (DIGITAL_PRODUCT_ID, 2),
        (PHYSICAL_PRODUCT_ID, 1),
    ]
