"""The public surface is exactly what the contract names."""

from __future__ import annotations

import subprocess
import sys

import pytest

import quickshops

PUBLIC = {
    "AsyncQuickshops",
    "Quickshops",
    "Health",
    "Catalog",
    "Store",
    "StoreTheme",
    "Product",
    "Cart",
    "CartLine",
    "CartTotals",
    "CartLineInput",
    "CheckoutSession",
    "CheckoutLineItem",
    "CheckoutSessionDetails",
    "PortalSession",
    "APIResponse",
    "JSON",
    "QuickshopsError",
    "InvalidAPIKeyError",
    "InvalidRequestError",
    "InvalidWebhookError",
    "InsecureHTTPWarning",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "__version__",
}


def test_all_is_the_public_surface() -> None:
    """__all__ lists every public name, and the package exposes no other."""
    exposed = {name for name in dir(quickshops) if not name.startswith("_")} | {"__version__"}
    submodules = {"events", "storefront", "testing", "webhooks"}

    assert PUBLIC == set(quickshops.__all__)
    assert PUBLIC == exposed - submodules


def test_public_names_belong_to_the_package() -> None:
    """Public classes report the public module, not a private one."""
    for name in quickshops.__all__:
        obj = getattr(quickshops, name)
        if isinstance(obj, type):
            assert "quickshops" == obj.__module__, name


def test_every_public_name_has_a_docstring() -> None:
    """Every public class and every public method on it is documented."""
    for name in quickshops.__all__:
        obj = getattr(quickshops, name)
        if isinstance(obj, type):
            assert obj.__doc__, name
            for attr, value in vars(obj).items():
                if not attr.startswith("_") and callable(value):
                    assert value.__doc__, f"{name}.{attr}"


def test_get_type_hints_works_on_every_public_class() -> None:
    """typing.get_type_hints resolves every public class (FastAPI, cattrs and attrs need it)."""
    import typing

    import quickshops.events
    import quickshops.testing

    resolved = {}
    for module in (quickshops, quickshops.testing, quickshops.events):
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type):
                resolved[f"{module.__name__}.{name}"] = typing.get_type_hints(obj)

    assert typing.get_type_hints(quickshops.Store)["theme"] == quickshops.StoreTheme | None
    assert typing.get_type_hints(quickshops.AsyncQuickshops)["cart"].__name__ == (
        "AsyncCartResource"
    )
    assert "Mapping[str, str]" in str(resolved["quickshops.testing.Reply"]["headers"])
    assert resolved["quickshops.events.CallFinished"]["status"] == int | None


def test_each_client_is_imported_when_first_asked_for() -> None:
    """``import quickshops`` loads neither client; asking for one loads it alone."""
    code = (
        "import sys, quickshops\n"
        "loaded = lambda: sorted(m for m in ('quickshops._async._client', "
        "'quickshops._sync._client') if m in sys.modules)\n"
        "print(loaded())\n"
        "from quickshops import Quickshops\n"
        "print(loaded(), Quickshops.__module__)\n"
        "print(quickshops.AsyncQuickshops is quickshops.AsyncQuickshops, loaded())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert [
        "[]",
        "['quickshops._sync._client'] quickshops",
        "True ['quickshops._async._client', 'quickshops._sync._client']",
    ] == done.stdout.splitlines()
    with pytest.raises(AttributeError, match="has no attribute 'Quickshop'"):
        quickshops.Quickshop  # noqa: B018
