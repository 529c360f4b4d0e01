"""JSON from outside the process: strict, and bounded in depth."""

from __future__ import annotations

import pytest

from quickshops._json import MAX_DEPTH, JSONError, loads


def test_json_within_the_bounds_is_read() -> None:
    """Objects, arrays and scalars nested up to the limit decode as json.loads would."""
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH

    assert {"a": [1, 2.5, {"b": None}]} == loads(b'{"a": [1, 2.5, {"b": null}]}')
    assert "x" == loads('"x"')
    assert loads(nested) is not None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "nests deeper than 64 levels"),
        ('{"a": ' * 65 + "1" + "}" * 65, "nests deeper than 64 levels"),
        (b"[" * 100_000, "nests deeper than 64 levels"),
        ("NaN", "NaN is not a JSON value"),
        ('{"a": [-Infinity]}', "-Infinity is not a JSON value"),
        (b'{"a": 1', "Expecting ',' delimiter"),
        (b"\xff", "can't decode byte 0xff"),
        ("1" * 5000, "Exceeds the limit"),
    ],
)
def test_anything_else_is_one_error_saying_why(text: str | bytes, reason: str) -> None:
    """Too deep, NaN, infinities, broken or undecodable text, huge numbers: a JSONError."""
    with pytest.raises(JSONError, match=reason):
        loads(text)


def test_the_depth_limit_can_be_lowered() -> None:
    """A caller may allow less nesting than the default."""
    with pytest.raises(JSONError, match="deeper than 2"):
        loads('{"a": {"b": {}}}', max_depth=2)
    assert {"a": {"b": 1}} == loads('{"a": {"b": 1}}', max_depth=2)
