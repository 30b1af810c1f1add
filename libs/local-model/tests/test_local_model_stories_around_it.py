"""A story said around a command that says "it" or "that" leaves the task talked about last as
the task: an amount of it done ("just did an hour") names no other task, an exclamation before
the story ("omg finally finished ...") is no part of it, and "but" before the command ends the
story. A clause that gives a reason ("they charge on the 1st", "because they close early on
monday", "otherwise this happens again next week") sets no due date."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.understanding import understand
from local_model_history import turns

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("added", "message"),
    [
        ("Practice for the driving test", "just did an hour, mark that complete"),
        ("Practice for the driving test", "did 20 minutes, tick that off"),
        ("Pick up Jaya from cricket", "she got a lift home in the end but mark it done anyway"),
    ],
)
def test_a_story_about_the_task_just_added_completes_it(added: str, message: str) -> None:
    history = turns(f"add {added.lower()}", f"Created task '{added}'.")
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": added.lower()})


def test_an_exclamation_before_the_story_is_no_part_of_the_task() -> None:
    result = understand(
        [], "omg finally finished the dissertation draft!!! please mark it done", TODAY
    )
    assert (result.intent, result.slots()) == ("complete_task", {"target": "dissertation draft"})


def test_a_reason_with_a_date_sets_no_due_date() -> None:
    history = turns(
        "add cancel the gym direct debit", "Created task 'Cancel the gym direct debit'."
    )
    result = understand(history, "make it high priority, they charge on the 1st", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "cancel the gym direct debit", "priority": "high"},
        False,
    )


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "add call the bank friday because they close early on monday",
            {"title": "call the bank", "due": "2026-11-27"},
        ),
        (
            "add 'renew the parking permit' for tomorrow, otherwise this happens again next week",
            {"title": "renew the parking permit", "due": "2026-11-27"},
        ),
    ],
)
def test_the_due_date_is_the_requests_not_the_reasons(
    message: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("add_task", slots)


def test_a_plan_not_happening_this_week_sets_no_due_date() -> None:
    result = understand(
        [], "set the gym one to low priority, it's not happening this week anyway", TODAY
    )
    assert (result.intent, result.slots()) == ("update_task", {"target": "gym", "priority": "low"})


def test_i_said_x_not_y_renames_the_task_as_stored() -> None:
    history = turns("add call the accountant friday", "Created task 'Call Tom' (due Fri 27 Nov).")
    result = understand(history, "no, I said call the accountant, not call tom. rename it", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "call tom", "new_title": "call the accountant"},
        False,
    )


def test_just_the_pending_ones_keeps_the_filters_of_the_list_just_shown() -> None:
    history = turns(
        "what's due this week?", "Due by Sunday: 1. Dentist appointment 2. Send the invoice"
    )
    result = understand(history, "just the pending ones please", TODAY)
    assert (result.intent, result.slots()) == (
        "list_tasks",
        {"status": "pending", "due_before": "2026-11-29"},
    )


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("how do I get rid of fruit flies in the kitchen?", "none"),
        ("how do i add a task with a due date?", "help"),
    ],
)
def test_how_do_i_is_help_only_about_the_assistant(message: str, intent: str) -> None:
    assert understand([], message, TODAY).intent == intent


def test_so_just_mark_it_ends_the_story() -> None:
    history = turns(
        "move dentist appointment to friday", "Updated 'Dentist appointment': due 2026-11-27."
    )
    result = understand(history, "actually I went this morning so just mark it complete", TODAY)
    assert (result.intent, result.slots()) == (
        "complete_task",
        {"target": "dentist appointment"},
    )


@pytest.mark.parametrize(
    ("message", "query"),
    [
        ("did i already put something in about the boiler service?", "boiler service"),
        ("have i added anything about the passport", "passport"),
        ("did i add a task for the dentist yet?", "dentist"),
    ],
)
def test_asking_whether_a_task_was_added_searches_for_it(message: str, query: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {"query": query})


@pytest.mark.parametrize(
    ("history", "message", "intent", "target"),
    [
        (
            ("tick off pay the gas bill", "Marked 'Pay the gas bill' as completed."),
            "hmm the payment bounced mark it as not done",
            "reopen_task",
            "pay the gas bill",
        ),
        (
            ("anything due tomorrow?", "Due tomorrow: 1. Pick up parcel"),
            "oh i picked it up today actually mark it off",
            "complete_task",
            "pick up parcel",
        ),
    ],
)
def test_a_command_dictated_after_a_story_without_a_stop(
    history: tuple[str, str], message: str, intent: str, target: str
) -> None:
    result = understand(turns(*history), message, TODAY)
    assert (result.intent, result.slots()) == (intent, {"target": target})


@pytest.mark.parametrize(
    ("message", "title"),
    [
        (
            "anyway can you add defrost the freezer for next week, I'll deal with it then",
            "defrost the freezer",
        ),
        (
            "ok so tomorrow i have to remember to bring the signed forms to school add that",
            "bring the signed forms to school",
        ),
    ],
)
def test_asides_and_a_dictated_add_that_stay_out_of_the_title(message: str, title: str) -> None:
    assert understand([], message, TODAY).title == title


@pytest.mark.parametrize(
    "message",
    [
        "don't mark it done, just delete 'renew gym membership'",
        "don't mark it done just delete 'renew gym membership'",
    ],
)
def test_the_command_after_a_negated_one_is_the_request(message: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("delete_task", {"target": "renew gym membership"})
