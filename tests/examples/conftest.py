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
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from examples.storefront.app import WEBHOOK_PATH, create_app
from quickshops import AsyncQuickshops
from quickshops.testing import SECRET_KEY, Emulator, EmulatorServer

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from selenium.webdriver.chrome.webdriver import WebDriver


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
def running_example(script: Path, log: Path) -> Iterator[str]:
    """Run an example web server as ``python script`` with a free ``PORT``.

    Yields its base URL once ``/`` answers 200; its output goes to ``log``. The
    process is stopped on exit (terminated, then killed if it lingers).
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(script)],
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


@contextlib.contextmanager
def serving_storefront(
    make_client: Callable[[], AsyncQuickshops], *, webhook_secret: str | None = None
) -> Iterator[str]:
    """Serve the storefront with uvicorn on a free loopback port; yield its base URL.

    uvicorn trusts ``X-Forwarded-Proto`` from 127.0.0.1 (its default), so a test can
    pose as a TLS-terminating proxy to see the app as served over https.
    """
    config = uvicorn.Config(
        create_app(make_client, webhook_secret=webhook_secret),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="on",
        http="h11",
        ws="none",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="storefront", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                pytest.fail("uvicorn did not start the storefront")
            time.sleep(0.02)
        port: int = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_SECONDS)
    assert not thread.is_alive(), "uvicorn did not stop"


STOREFRONT_WEBHOOK_SECRET = "whsec_browser_test"


@pytest.fixture
def storefront_url(quickshops_emulator: Emulator) -> Iterator[str]:
    """The storefront and the test's emulator, both served on loopback.

    The emulator serves its checkout pages and sends its webhooks to the storefront,
    as Quickshops would: the whole purchase can be made in a browser.
    """
    with (
        EmulatorServer(quickshops_emulator) as api,
        serving_storefront(
            lambda: AsyncQuickshops(api_key=SECRET_KEY, base_url=api.url),
            webhook_secret=STOREFRONT_WEBHOOK_SECRET,
        ) as url,
    ):
        quickshops_emulator.add_webhook(url + WEBHOOK_PATH, STOREFRONT_WEBHOOK_SECRET)
        yield url


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
