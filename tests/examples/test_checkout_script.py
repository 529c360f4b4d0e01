"""The checkout script, run as a user would: ``python examples/checkout_script.py``."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.examples.conftest import EXAMPLES, ROOT, example_environment

CHECKOUT_URL = re.compile(  # the checkout page of the emulator the script serves
    r"^Checkout URL: (http://127\.0\.0\.1:\d+/pages/checkout/cs_test_\w+)$", re.M
)


def run_script(**environment: str) -> subprocess.CompletedProcess[str]:
    """Run the script with no Quickshops variable but ``environment``, for 60 s at most."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / "checkout_script.py")],
        cwd=ROOT,
        env=example_environment(**environment),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_prints_a_checkout_url_from_the_emulator_without_a_key() -> None:
    """With no key set, the script says it uses the emulator and prints a checkout URL."""
    result = run_script()

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "using the emulator at http://127.0.0.1:" in result.stdout
    assert "Added: Field Guide (e-book), 19.99 USD" in result.stdout
    assert "total 32.49 USD" in result.stdout
    assert len(CHECKOUT_URL.findall(result.stdout)) == 1


def test_a_malformed_key_is_one_error_line_and_status_1() -> None:
    """A key from the environment selects the real API; a malformed one fails before any I/O."""
    result = run_script(QUICKSHOPS_API_KEY="not-a-quickshops-key")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert "not-a-quickshops-key" not in result.stderr
