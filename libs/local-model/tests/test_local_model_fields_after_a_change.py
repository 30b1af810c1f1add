"""Fields said alone right after a task was added or changed belong to that task: "for next
friday", "asap please", "low priority, no rush", "due monday please" after "Created task
'X'." change X (read alone, they would add a task with no title); "sorry I meant thursday not
tomorrow" after adding a task with a date moves it; "it" after a rename is the new title,
and a task named "The quarterly report" is referred to without its article. A yes to "Do
you want me to add 'X' as a task?" adds X, with the date or priority said with the yes
("yes please, for saturday")."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.understanding import understand
from local_model_history import turns

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("for next friday", {"due": "2026-11-27"}),
        ("sunday", {"due": "2026-11-29"}),
        ("for the 3rd of december", {"due": "2026-12-03"}),
        ("due monday please", {"due": "2026-11-30"}),
        ("asap please", {"priority": "high"}),
        ("low priority, no rush", {"priority": "low"}),
    ],
)
def test_fields_alone_change_the_task_just_added(message: str, slots: dict[str, object]) -> None:
    history = turns("add sort out the loft sometime", "Created task 'Sort out the loft'.")
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "sort out the loft", **slots},
        False,
    )


def test_a_time_said_with_the_date_is_reported_as_not_kept() -> None:
    history = turns(
        "add pick up Ella from the station", "Created task 'Pick up Ella from the station'."
    )
    result = understand(history, "friday at 6", TODAY)
    assert result.intent == "update_task"
    assert result.slots()["due"] == "2026-11-27"
    assert result.unkept == ["time"]


def test_fields_alone_after_a_list_are_no_change() -> None:
    history = turns("show my tasks", "You have 2 tasks: 1. Pay rent 2. Call mum")
    assert understand(history, "for next friday", TODAY).intent != "update_task"


def test_a_corrected_date_moves_the_task_just_added() -> None:
    history = turns(
        "add call the garage tomorrow", "Created task 'Call the garage' (due Fri 27 Nov)."
    )
    result = understand(history, "sorry I meant saturday not tomorrow", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "call the garage", "due": "2026-11-28"},
        False,
    )


def test_it_after_a_rename_is_the_new_title() -> None:
    history = turns(
        "rename 'call plumber' to 'call the plumber about the leak'",
        "Renamed 'Call plumber' to 'Call the plumber about the leak'.",
    )
    result = understand(history, "and set it for tomorrow", TODAY)
    assert result.slots() == {"target": "call the plumber about the leak", "due": "2026-11-27"}


def test_it_is_the_title_without_its_article() -> None:
    history = turns("add the quarterly report", "Created task 'The quarterly report'.")
    result = understand(history, "make it high priority", TODAY)
    assert result.slots() == {"target": "quarterly report", "priority": "high"}


@pytest.mark.parametrize(
    ("message", "days"),
    [
        ("push it back three days", 3),
        ("bring it forward a day", -1),
        ("move it two days earlier", -2),
        ("hmm we might go later, push it back a week", 7),
        ("push that back to the day after", 1),
        ("actually push it back two days, they're closed on the 4th", 2),
    ],
)
def test_a_move_by_an_amount_is_a_shift_of_the_due_date(message: str, days: int) -> None:
    history = turns(
        "add book the campsite for dec 4", "Created task 'Book the campsite' (due Fri 4 Dec)."
    )
    result = understand(history, message, TODAY)
    assert (result.intent, result.target, result.shift_days, result.due) == (
        "update_task",
        result.target,
        days,
        None,
    )
    assert result.slots() == {"target": "book the campsite"}


_ASKED = turns(
    "I really need to renew my passport at some point",
    "Do you want me to add 'Renew passport' as a task, or were you asking something?",
)


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("yes add it", {}),
        ("yep go ahead", {}),
        ("yes please, for saturday", {"due": "2026-11-28"}),
        ("yeah add it, tomorrow", {"due": "2026-11-27"}),
        ("yes but make it friday, it's urgent", {"due": "2026-11-27", "priority": "high"}),
    ],
)
def test_a_yes_adds_the_title_asked_about_with_the_fields_said_with_it(
    message: str, slots: dict[str, object]
) -> None:
    result = understand(_ASKED, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "add_task",
        {"title": "renew passport", **slots},
        False,
    )


def test_a_yes_that_names_something_else_is_not_taken_as_yes() -> None:
    result = understand(_ASKED, "yes, and call the bank too", TODAY)
    assert result.slots().get("title") != "renew passport"


def test_tags_listed_after_tag_it_are_all_given_to_the_task() -> None:
    history = turns("add call the accountant", "Created task 'Call the accountant'.")
    result = understand(history, "tag it finance and work", TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "call the accountant", "tags": ["finance", "work"]},
    )


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ("Deleted task 'Buy pumpkins'.", "actually no bring it back"),
        ("Cleared 3 completed tasks.", "hmm bring those back actually"),
    ],
)
def test_bring_it_back_after_a_deletion_is_an_undo(reply: str, message: str) -> None:
    assert understand(turns("delete buy pumpkins", reply), message, TODAY).intent == "undo"
