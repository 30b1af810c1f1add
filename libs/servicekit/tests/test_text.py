"""Which strings PostgreSQL can store."""

from typing import Any

import pytest
from servicekit.text import first_unstorable, unstorable_reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("plain, émoji 😀", None),
        ("NUL\x00", "a NUL character (U+0000)"),
        ("x\ud800y", "a lone UTF-16 surrogate (an invalid character)"),
        ("\udfff", "a lone UTF-16 surrogate (an invalid character)"),
    ],
)
def test_unstorable_reason_names_nul_and_lone_surrogates(value: str, reason: str | None) -> None:
    assert unstorable_reason(value) == reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"a": ["ok", {"b": 1}]}, None),
        ({"a": ["ok", {"b": "\ud800"}]}, "a lone UTF-16 surrogate (an invalid character)"),
        ({"\x00": 1}, "a NUL character (U+0000)"),
    ],
)
def test_first_unstorable_looks_into_keys_and_nested_values(value: Any, reason: str | None) -> None:
    assert first_unstorable(value) == reason
