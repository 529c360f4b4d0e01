"""The example shops' demo mode: the SDK's emulator served in place of the API.

`emulator_unless_configured` serves the emulator on loopback when the environment names
no key, and points the environment at it the way production's points at the API: a
shop builds its client, its site URL and its webhook secret from the environment, with
the same code either way. Nothing here is needed in production.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

from examples.orders import WEBHOOK_PATH, WEBHOOK_SECRET_ENV_VAR
from quickshops.testing import SECRET_KEY, EmulatorServer

if TYPE_CHECKING:
    from collections.abc import Iterator

DEMO_WEBHOOK_SECRET = "whsec_demo"  # noqa: S105  (the emulator's, not a real one)
"""The signing secret the emulator signs with in a demo, unless the environment names one."""


def api_key_in_environment() -> bool:
    """Whether the environment names a key, so the shop calls the real API."""
    return bool(os.environ.get("QUICKSHOPS_API_KEY") or os.environ.get("HEADLESS_API_KEY"))


@contextlib.contextmanager
def emulator_unless_configured(port: int | str) -> Iterator[None]:
    """Serve the emulator in place of the API, unless the environment names a key.

    With neither ``QUICKSHOPS_API_KEY`` nor ``HEADLESS_API_KEY`` set, the SDK's emulator
    is served on loopback for as long as this lasts: its checkout pages take the
    "payment", and its webhooks come to the shop on `port`. The environment is pointed
    at it: ``QUICKSHOPS_API_KEY`` and ``QUICKSHOPS_BASE_URL``, and, when unset,
    ``QUICKSHOPS_WEBHOOK_SECRET`` and ``SITE_URL`` (``http://127.0.0.1:<port>``).
    Processes started meanwhile inherit it (Django's autoreloader does). The
    environment is restored on exit.

    Args:
        port: The port the shop serves on, on 127.0.0.1.
    """
    if api_key_in_environment():
        yield
        return
    site_url = f"http://127.0.0.1:{port}"
    secret = os.environ.get(WEBHOOK_SECRET_ENV_VAR) or DEMO_WEBHOOK_SECRET
    with EmulatorServer() as server:
        server.emulator.add_webhook(site_url + WEBHOOK_PATH, secret)
        settings = {
            "QUICKSHOPS_API_KEY": SECRET_KEY,
            "QUICKSHOPS_BASE_URL": server.url,
            WEBHOOK_SECRET_ENV_VAR: secret,
            "SITE_URL": os.environ.get("SITE_URL") or site_url,
        }
        saved = {name: os.environ.get(name) for name in settings}
        os.environ.update(settings)
        print(
            "No QUICKSHOPS_API_KEY or HEADLESS_API_KEY set: the shop runs against the SDK's "
            f"emulator (quickshops.testing), served at {server.url}; open {site_url}",
            flush=True,
        )
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
