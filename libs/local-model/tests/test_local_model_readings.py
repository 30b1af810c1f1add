"""Readings the deterministic readers settle: holidays and "within" as dates, tags before a
priority, "the last one" of a list shown, a task told in its finished state, a question about
one task, and a story clause that names the task a pronoun points at."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.dates import find_dates
from local_model.references import HistoryMessage
from local_model.understanding import understand

TODAY = date(2026, 11, 26)  # a Thursday
SHOWN = [
    HistoryMessage("user", "show my tasks"),
    HistoryMessage("assistant", "1. buy milk 2. pay rent 3. call mom"),
]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("wrap the presents before christmas", date(2026, 12, 25)),
        ("decorate by christmas eve", date(2026, 12, 24)),
        ("apply within a fortnight", date(2026, 12, 10)),
        ("reply within 3 days", date(2026, 11, 29)),
        ("party on new year's eve", date(2026, 12, 31)),
    ],
)
def test_holidays_after_a_preposition_and_within_are_dates(text: str, day: date) -> None:
    assert [d.value for d in find_dates(text, TODAY)] == [day]


def test_a_holiday_naming_a_thing_is_no_date() -> None:
    assert find_dates("buy the christmas tree", TODAY) == []


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("add buy stamps tags errands", {"title": "buy stamps", "tags": ["errands"]}),
        (
            "add pay the gas bill, label it bills, high priority",
            {"title": "pay the gas bill", "tags": ["bills"], "priority": "high"},
        ),
    ],
)
def test_tags_are_read_whole_and_stop_before_a_priority(
    message: str, slots: dict[str, object]
) -> None:
    assert understand([], message, TODAY).slots() == slots


@pytest.mark.parametrize("message", ["the last one is done", "tick off the last one"])
def test_the_last_one_is_the_last_task_of_the_list_shown(message: str) -> None:
    result = understand(SHOWN, message, TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "3"})


def test_the_last_one_with_no_list_shown_stays_the_last_position() -> None:
    assert understand([], "delete the last one", TODAY).slots() == {"target": "-1"}


@pytest.mark.parametrize(
    ("message", "target"),
    [
        ("the car is washed", "car"),
        ("the rent's paid", "rent"),
        ("the boiler's been serviced", "boiler"),
    ],
)
def test_a_task_told_in_its_finished_state_is_completed(message: str, target: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": target})


def test_a_state_that_is_not_finishing_completes_nothing() -> None:
    result = understand([], "the shop is closed today", TODAY)
    assert result.intent != "complete_task" or result.ask


@pytest.mark.parametrize(
    ("message", "query"),
    [("is buy milk still on my list?", "buy milk"), ("do i still have the vet on my list?", "vet")],
)
def test_a_question_about_one_task_searches_for_it(message: str, query: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {"query": query})


def test_a_listing_question_with_still_open_is_no_search() -> None:
    result = understand([], "tasks due this week that are still open?", TODAY)
    assert "query" not in result.slots()


def test_a_story_of_not_doing_a_task_names_the_one_to_delete() -> None:
    result = understand([], "i won't be doing the marathon training, delete it", TODAY)
    assert (result.intent, result.slots()) == ("delete_task", {"target": "marathon training"})
