"""Changes of existing tasks said in everyday ways: "bump X up", "X are top priority now",
"accountant says it's due in 5 days now, change it", "make it the 7th instead, the guy can't
come monday", "isnt" and "thats" typed without an apostrophe,
"anything due in the next 5 days?", and "it" after a rename."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.understanding import understand
from local_model_history import turns

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("bump the insurance claim up pls", {"target": "insurance claim", "priority": "high"}),
        ("bump the dentist up to friday", {"target": "dentist", "due": "2026-11-27"}),
    ],
)
def test_bump_up_raises_the_priority_unless_a_date_follows(
    message: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("update_task", slots)


def test_a_named_task_said_to_be_top_priority_is_asked_about_with_the_right_reading() -> None:
    result = understand([], "Quarterly review slides are top priority now", TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "quarterly review slides", "priority": "high"},
    )


FOUND = turns(
    "have I got anything about the boiler",
    "You have 1 matching task:\n1. Boiler service (due Mon 30 Nov)",
)


def test_a_reason_with_its_own_day_sets_no_date() -> None:
    message = "ok make it the 7th of december instead, the guy can't come monday"
    result = understand(FOUND, message, TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "boiler service", "due": "2026-12-07"},
    )


def test_someone_saying_it_is_due_names_the_task_talked_about() -> None:
    message = "the engineer says it's due in 5 days now, change it"
    result = understand(FOUND, message, TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "boiler service", "due": "2026-12-01"},
    )


@pytest.mark.parametrize(
    ("message", "intent", "target"),
    [
        (
            "the conference booking isnt happening anymore, scrap it",
            "delete_task",
            "conference booking",
        ),
    ],
)
def test_a_task_named_in_a_story_before_the_command(message: str, intent: str, target: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, {"target": target})


def test_a_greeting_before_so_thats_done_is_no_task() -> None:
    result = understand([], "grand, I've sent off the passport forms so thats done", TODAY)
    assert result.intent == "complete_task"
    assert result.ask
    assert result.slots().get("target") != "grand"


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("anything due in the next 5 days?", {"due_before": "2026-12-01"}),
        ("what's due over the next three days", {"due_before": "2026-11-29"}),
    ],
)
def test_the_next_days_are_a_span_from_today(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", slots)


def test_it_after_a_rename_is_the_new_title() -> None:
    history = turns(
        "rename task 3 to 'call mum re xmas'",
        "Updated 'Call mum': title 'Call mum re xmas'.",
    )
    result = understand(history, "k and thats done now", TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "call mum re xmas"})


@pytest.mark.parametrize("message", ["hmm actually it isnt that urgent", "it isn't urgent"])
def test_it_isnt_urgent_lowers_the_priority(message: str) -> None:
    history = turns(
        "add paint the fence, high priority", "Created task 'Paint the fence' (high priority)."
    )
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "paint the fence", "priority": "low"},
    )


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("wipe the school trip money task", "delete_task", {"target": "school trip money"}),
        (
            "wipe down the counters tomorrow",
            "add_task",
            {"title": "wipe down the counters", "due": "2026-11-27"},
        ),
    ],
)
def test_wipe_deletes_a_task_named_as_one(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


def test_call_the_one_named_by_its_words_a_new_title() -> None:
    result = understand([], "call the plumber one 'fix kitchen tap leak' instead", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "plumber", "new_title": "fix kitchen tap leak"},
        False,
    )


def test_the_first_one_should_say_renames_it() -> None:
    history = turns(
        "show tasks tagged family", "You have 2 tasks:\n1. Gift for christening\n2. Call Nana"
    )
    result = understand(history, "the first one should say buy gift for Aoife's christening", TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "1", "new_title": "buy gift for aoife's christening"},
    )
