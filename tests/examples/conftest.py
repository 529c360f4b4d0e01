"""Fixtures for the example tests: servers on loopback and a headless Chromium.

Everything here is bounded in time and talks to 127.0.0.1 only. The browser is
Chromium from the system (``CHROMIUM_BINARY``, default ``/usr/bin/chromium``) driven by
its chromedriver (``CHROMEDRIVER``, default ``/usr/bin/chromedriver``); nothing is
ever downloaded. Chromium resolves no host name but 127.0.0.1, so following a
redirect to a fake Stripe URL fails fast, locally, with the URL still in the address
bar.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import django
import httpx
import pytest
from django.test import Client as DjangoClient
from flask.testing import FlaskClient
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from starlette.testclient import TestClient

from examples.fastapi_app import create_app as create_fastapi_app
from examples.flask_app import create_app as create_flask_app
from examples.orders import WEBHOOK_PATH, OrderBook
from quickshops import Quickshops
from tests.examples.shops import ADAPTERS, SHOPS, ShopClient

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from selenium.webdriver.chrome.webdriver import WebDriver

    from quickshops.testing import EmulatorServer


ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
STARTUP_SECONDS = 20.0
SHUTDOWN_SECONDS = 10.0
CHROMIUM_ARGUMENTS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-proxy-server",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1280,900",
)


def example_environment(**extra: str) -> dict[str, str]:
    """Return this process's environment without any Quickshops setting, plus ``extra``."""
    quickshops_names = ("QUICKSHOPS_", "HEADLESS_API_KEY")
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.upper().startswith(quickshops_names)
    }
    return {**environment, "PYTHONUNBUFFERED": "1", **extra}


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def running_example(arguments: list[str], log: Path) -> Iterator[str]:
    """Run an example web server as ``python *arguments`` with a free ``PORT``.

    ``{port}`` in an argument is the port. Yields the base URL once ``/`` answers 200;
    the output goes to ``log``. The process is stopped on exit (terminated, then killed
    if it lingers).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, *(argument.format(port=port) for argument in arguments)],
            cwd=ROOT,
            env=example_environment(PORT=str(port)),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(SHUTDOWN_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(SHUTDOWN_SECONDS)


def wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    """Poll ``url`` until it answers 200; fail if the process exits or time runs out."""
    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(trust_env=False, timeout=2.0) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the example exited early with status {process.returncode}")
            with contextlib.suppress(httpx.TransportError):
                if http.get(url).status_code == 200:
                    return
            time.sleep(0.1)
    pytest.fail(f"the example did not serve {url} within {STARTUP_SECONDS} s")


SHOP_WEBHOOK_SECRET = "whsec_test"
"""The webhook secret each shop has in its tests (``QUICKSHOPS_WEBHOOK_SECRET``)."""


# The three shops under their frameworks' test clients, as docs/django.md, docs/flask.md
# and docs/fastapi.md show them: each on a client of the test's emulator, whose webhooks
# it posts through the test client.


# --8<-- [start:django]
@pytest.fixture
def django_client(
    quickshops_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DjangoClient]:
    """Django's test client of the shop, whose storefront calls the test's emulator."""
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:8000")  # where checkout returns
    monkeypatch.setenv("QUICKSHOPS_WEBHOOK_SECRET", "whsec_test")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "examples.django_shop.settings")
    django.setup()
    from examples.django_shop import views

    with Quickshops() as qs:  # QUICKSHOPS_API_KEY and _BASE_URL: quickshops_server's
        monkeypatch.setattr(views, "shop", views.storefront(qs))
        monkeypatch.setattr(views, "orders", OrderBook("whsec_test"))
        client = DjangoClient(HTTP_HOST="127.0.0.1")

        def deliver(body: bytes, headers: Mapping[str, str]) -> int:
            response = client.post(
                WEBHOOK_PATH, body, content_type="application/json", headers=dict(headers)
            )
            return int(response.status_code)

        quickshops_server.emulator.add_webhook(deliver, "whsec_test")
        yield client


# --8<-- [end:django]


# --8<-- [start:flask]
@pytest.fixture
def flask_client(
    quickshops_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FlaskClient]:
    """Flask's test client of the shop, on a client of the test's emulator."""
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:5000")  # where checkout returns
    monkeypatch.setenv("QUICKSHOPS_WEBHOOK_SECRET", "whsec_test")
    with Quickshops() as qs, create_flask_app(qs).test_client() as client:

        def deliver(body: bytes, headers: Mapping[str, str]) -> int:
            return client.post(WEBHOOK_PATH, data=body, headers=dict(headers)).status_code

        quickshops_server.emulator.add_webhook(deliver, "whsec_test")
        yield client


# --8<-- [end:flask]


# --8<-- [start:fastapi]
@pytest.fixture
def fastapi_client(
    quickshops_server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """FastAPI's (Starlette's) test client of the shop, its lifespan run, on the emulator."""
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:8000")  # where checkout returns
    monkeypatch.setenv("QUICKSHOPS_WEBHOOK_SECRET", "whsec_test")
    with TestClient(create_fastapi_app(), follow_redirects=False) as client:

        def deliver(body: bytes, headers: Mapping[str, str]) -> int:
            response = client.post(WEBHOOK_PATH, content=body, headers=dict(headers))
            return int(response.status_code)

        quickshops_server.emulator.add_webhook(deliver, "whsec_test")
        yield client


# --8<-- [end:fastapi]


@pytest.fixture(params=SHOPS)
def shop(request: pytest.FixtureRequest) -> ShopClient:
    """Each shop under its framework's test client (the fixtures above), as a `ShopClient`."""
    name: str = request.param
    shop: ShopClient = ADAPTERS[name](request.getfixturevalue(f"{name}_client"))
    return shop


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WebDriver]:
    """A headless Chromium with a fresh profile, quit after the test."""
    if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
        missing = (
            f"needs Chromium at {CHROMIUM} and chromedriver at {CHROMEDRIVER} (Debian: "
            "apt-get install chromium chromium-driver; or set CHROMIUM_BINARY and CHROMEDRIVER)"
        )
        if os.environ.get("CI"):  # CI installs both: missing there is a failure
            pytest.fail(missing)
        pytest.skip(missing)
    monkeypatch.setenv("SE_OFFLINE", "true")  # never let selenium fetch a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (*CHROMIUM_ARGUMENTS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(argument)
    service = Service(CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(options=options, service=service)
    try:
        driver.set_page_load_timeout(20)
        driver.set_script_timeout(10)
        yield driver
    finally:
        driver.quit()
