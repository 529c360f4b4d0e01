"""Django's command line for the shop: ``python examples/django_shop/manage.py runserver``.

Without ``QUICKSHOPS_API_KEY`` (or ``HEADLESS_API_KEY``) the SDK's emulator is served in
place of the API (`examples.demo`), for as long as the command runs; ``PORT`` (8000)
is the port the shop serves on, as ``runserver 127.0.0.1:<PORT>`` gives it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    """Run a Django command with the shop's settings."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: `examples`
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_shop.settings")
    from django.core.management import execute_from_command_line

    from examples.demo import emulator_unless_configured

    with emulator_unless_configured(os.environ.get("PORT", "8000")):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
