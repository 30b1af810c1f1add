"""Which strings PostgreSQL can store."""

from typing import Any

import pytest
from servicekit.record_errors import InvalidInputError, storable_text
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


def test_storable_text_returns_storable_text_and_names_the_field_of_unstorable_text() -> None:
    assert storable_text("buy milk", "title") == "buy milk"
    with pytest.raises(InvalidInputError) as raised:
        storable_text("buy\x00milk", "title")
    assert raised.value.field == "title"
    assert str(raised.value) == (
        "The title contains a NUL character (U+0000), which cannot be stored. Remove it."
    )
