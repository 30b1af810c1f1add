"""parse_quick_add: one quick-add line becomes the fields of a new task."""

from datetime import date

import pytest
from local_model.quick_add import parse_quick_add

MONDAY = date(2026, 11, 23)


def test_the_issue_example_becomes_title_due_tag_and_priority() -> None:
    parsed = parse_quick_add("pay rent friday #home !high", MONDAY)
    assert parsed.title == "pay rent"
    assert parsed.due_date == date(2026, 11, 27)
    assert parsed.tags == ["home"]
    assert parsed.priority == "high"
    assert parsed.notes == []


def test_a_plain_title_stays_whole() -> None:
    parsed = parse_quick_add("buy milk", MONDAY)
    assert (parsed.title, parsed.due_date, parsed.priority, parsed.tags) == (
        "buy milk",
        None,
        "normal",
        [],
    )


@pytest.mark.parametrize(
    "text", ["show my tasks", "what is due today", "remember to call bob", "high five the team"]
)
def test_words_that_name_no_field_stay_in_the_title(text: str) -> None:
    parsed = parse_quick_add(text, MONDAY)
    assert parsed.title == text
    assert parsed.due_date is None


@pytest.mark.parametrize(
    "text", ["#errands buy milk", "buy milk #errands", "buy milk #errands tomorrow !high"]
)
def test_a_hashtag_at_either_end_is_taken_out_of_the_title(text: str) -> None:
    parsed = parse_quick_add(text, MONDAY)
    assert parsed.title == "buy milk"
    assert parsed.tags == ["errands"]


def test_hashtags_become_lowercase_tags_once_each() -> None:
    parsed = parse_quick_add("finish report #Work #q4 #work", MONDAY)
    assert parsed.title == "finish report"
    assert parsed.tags == ["work", "q4"]


def test_a_hashtag_inside_the_line_is_a_tag_and_keeps_its_word_in_the_title() -> None:
    parsed = parse_quick_add("renew the #Car insurance friday #admin", MONDAY)
    assert parsed.title == "renew the Car insurance"
    assert parsed.tags == ["car", "admin"]
    assert parsed.due_date == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("call bob !high", "high"),
        ("call bob !!", "high"),
        ("call bob !low", "low"),
        ("call bob !normal", "normal"),
        ("call bob urgent", "high"),
    ],
)
def test_priority_shorthands_and_words_set_the_priority(text: str, priority: str) -> None:
    parsed = parse_quick_add(text, MONDAY)
    assert parsed.title == "call bob"
    assert parsed.priority == priority


def test_an_unknown_bang_word_stays_in_the_title() -> None:
    parsed = parse_quick_add("call bob !soon", MONDAY)
    assert parsed.title == "call bob !soon"
    assert parsed.priority == "normal"


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("pay rent tomorrow", date(2026, 11, 24)),
        ("friday pay rent", date(2026, 11, 27)),
        ("pick up kids by friday", date(2026, 11, 27)),
        ("call bob !low next monday", date(2026, 11, 30)),
    ],
)
def test_dates_resolve_against_today(text: str, due: date) -> None:
    parsed = parse_quick_add(text, MONDAY)
    assert parsed.due_date == due
    assert "!" not in parsed.title


def test_a_time_of_day_is_noted_as_not_kept() -> None:
    parsed = parse_quick_add("call mom tomorrow at 3pm", MONDAY)
    assert parsed.title == "call mom"
    assert parsed.due_date == date(2026, 11, 24)
    assert parsed.notes == ["The time of day was not kept: tasks have a due date only."]


def test_more_than_ten_tags_keeps_ten_and_says_so() -> None:
    parsed = parse_quick_add("plan trip " + " ".join(f"#t{i}" for i in range(12)), MONDAY)
    assert parsed.tags == [f"t{i}" for i in range(10)]
    assert parsed.notes == ["Only the first 10 tags were kept."]


def test_a_line_of_only_shorthands_has_no_title() -> None:
    with pytest.raises(ValueError, match="no title"):
        parse_quick_add("#home !high", MONDAY)
