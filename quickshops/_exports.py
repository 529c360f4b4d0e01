"""How public names are published from ``quickshops`` and ``quickshops.testing``."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from typing import Any


def publish(namespace: Mapping[str, Any], module: str, names: Iterable[str]) -> None:
    """Report each public class of `names` as living in `module`, as httpx's do.

    A class's annotations written as strings are evaluated first, in the module that
    defines them, so that `typing.get_type_hints` (which FastAPI, cattrs and
    `attrs.resolve_types` use) still finds every name once the class reports the public
    module. (The models' are not strings: their module evaluates them as it defines them.)
    """
    for name in names:
        obj = namespace[name]
        if not isinstance(obj, type) or obj.__module__ == module:
            continue
        own = vars(obj).get("__annotations__", {})
        if any(isinstance(hint, str) for hint in own.values()):
            hints = typing.get_type_hints(obj)
            obj.__annotations__ = {key: hints[key] for key in own}
        obj.__module__ = module
