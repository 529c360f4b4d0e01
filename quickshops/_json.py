"""JSON that comes from outside the process, read within bounds. No I/O here.

A webhook's body and a request to the emulator are written by someone else: they may
be nested deep enough to exhaust the interpreter's stack, or carry ``NaN`` and
``Infinity``, which Python's `json` accepts and JSON does not. `loads` refuses both with
one exception, `JSONError`, whatever went wrong.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_DEPTH", "JSONError", "loads"]

MAX_DEPTH = 64
"""How deep objects and arrays may nest; real payloads of the API nest four levels."""


class JSONError(ValueError):
    """The text is not JSON, or not JSON within the bounds; the message says which."""


def _no_constant(name: str) -> Any:
    raise JSONError(f"{name} is not a JSON value")


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Decode `data` as strict JSON nested at most `max_depth` levels deep.

    Raises:
        JSONError: `data` is not UTF-8 JSON, holds ``NaN`` or an infinity, nests
            deeper than `max_depth`, or holds a number too long to read.

    """
    try:
        value = json.loads(data, parse_constant=_no_constant)
    except RecursionError:
        raise JSONError(f"it nests deeper than {max_depth} levels") from None
    except JSONError:
        raise
    except ValueError as exc:  # not JSON, not UTF-8, or an integer past Python's digit limit
        raise JSONError(str(exc)) from None
    if _deeper_than(value, max_depth):
        raise JSONError(f"it nests deeper than {max_depth} levels")
    return value


def _deeper_than(value: Any, max_depth: int) -> bool:
    """Whether the objects and arrays of `value` nest deeper than `max_depth`."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
