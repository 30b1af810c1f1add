"""Words read as people type them: a possessive in a task's name ("Kemi's farewell lunch"), a
tag named before the word "tag" ("with the work tag"), "isn't done", Indian English "what
all", a request dictated without a stop ("… you can tick it off"), "finaly", Singlish "lah"."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.understanding import understand

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "reschedule Kemi's farewell lunch for in 2 days",
            {"target": "kemi's farewell lunch", "due": "2026-11-28"},
        ),
        # The possession of a field still ends the task's name.
        ("change the report's due date to friday", {"target": "report", "due": "2026-11-27"}),
    ],
)
def test_a_possessive_is_part_of_the_task_named(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("update_task", slots)


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("what's left that isn't done?", {"status": "pending"}),
        ("Please show me what all is due on 1st December", {"due_on": "2026-12-01"}),
        ("show me all tasks", {"status": "all"}),
    ],
)
def test_list_status_said_in_other_words(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", slots)


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "add 'review Emeka's pull request' with the work tag, high priority",
            {"title": "review emeka's pull request", "tags": ["work"], "priority": "high"},
        ),
        ("add call the bank with the finance tag", {"title": "call the bank", "tags": ["finance"]}),
    ],
)
def test_a_tag_named_before_the_word_tag(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("add_task", slots)


def test_the_same_tag_is_no_tag_called_same() -> None:
    result = understand([], "add bin bags with the same tag", TODAY)
    assert "same" not in result.tags


@pytest.mark.parametrize(
    ("message", "target"),
    [
        ("i finished the expense claim you can tick it off", "expense claim"),
        ("finaly did the tax return!!! mark it compelte pls", "tax return"),
    ],
)
def test_a_task_done_told_as_typed(message: str, target: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": target})


def test_a_closing_particle_is_no_word_of_the_title() -> None:
    result = understand(
        [], "add task collect parcel from the POPStation at Tampines tmr lah", TODAY
    )
    assert (result.intent, result.slots()) == (
        "add_task",
        {"title": "collect parcel from the popstation at tampines", "due": "2026-11-27"},
    )


def test_the_request_said_while_i_remember_in_a_long_message() -> None:
    message = (
        "ugh what a week, the boiler's been making that clunking noise again and the landlord "
        "is ignoring me as usual. anyway while I remember could you add email the letting "
        "agent about the boiler, high priority. I swear if they don't reply this time I'm "
        "moving out lol"
    )
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "add_task",
        {"title": "email the letting agent about the boiler", "priority": "high"},
        False,
    )


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("would you mind marking task 2 as complete", "complete_task", {"target": "2"}),
        ("would you mind deleting the gym one", "delete_task", {"target": "gym"}),
        ("would you mind reopening the fence task", "reopen_task", {"target": "fence"}),
        (
            "would you mind moving the dentist to friday",
            "update_task",
            {"target": "dentist", "due": "2026-11-27"},
        ),
    ],
)
def test_would_you_mind_and_the_command_said_as_ing(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)
