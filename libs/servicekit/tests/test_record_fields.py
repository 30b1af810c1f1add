"""The text-field checks every record tool service shares."""

import pytest
from servicekit.record_errors import InvalidInputError
from servicekit.record_fields import bounded_text, tag_list, tag_text, title_text


def test_title_text_is_trimmed_and_refused_when_empty_or_too_long() -> None:
    assert title_text("  buy milk \n", entity="task", limit=10, rest_field="description") == (
        "buy milk"
    )
    with pytest.raises(InvalidInputError, match="Give the note a short title") as empty:
        title_text("   ", entity="note", limit=10, rest_field="body")
    assert empty.value.field == "title"
    with pytest.raises(InvalidInputError, match="11 characters long; the limit is 10") as long:
        title_text("x" * 11, entity="task", limit=10, rest_field="description")
    assert "put the rest in the description" in str(long.value)


def test_title_text_refuses_what_postgresql_cannot_store() -> None:
    with pytest.raises(InvalidInputError, match="cannot be stored"):
        title_text("buy\x00milk", entity="task", limit=200, rest_field="description")


def test_bounded_text_keeps_the_text_as_given_and_names_its_field() -> None:
    assert bounded_text("  keep  spaces ", "body", 20) == "  keep  spaces "
    with pytest.raises(InvalidInputError, match="The body is 21 characters long") as long:
        bounded_text("y" * 21, "body", 20)
    assert long.value.field == "body"


def test_tag_text_lowercases_and_quotes_at_most_64_characters_of_a_refused_tag() -> None:
    assert tag_text("  Home ", 10) == "home"
    with pytest.raises(InvalidInputError) as long:
        tag_text("z" * 500, 10, "tag")
    assert long.value.field == "tag"
    assert "z" * 65 not in str(long.value)
    with pytest.raises(InvalidInputError, match="must be 1 to 10 characters"):
        tag_text("  ", 10)


def test_tag_list_keeps_the_first_of_each_tag_and_counts_after_merging() -> None:
    assert tag_list(["Home", "home ", "work"], entity="task", tag_limit=10, count_limit=2) == [
        "home",
        "work",
    ]
    with pytest.raises(InvalidInputError, match="Each note can have at most 2 tags; 3 were given"):
        tag_list(["a", "b", "c"], entity="note", tag_limit=10, count_limit=2)
