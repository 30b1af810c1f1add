"""A task named by its place on the list is not a date ("the 3rd one"), and a new text for it
is a new title ("change task 3 to 'call the surgery'"), unless that text is a date, a
priority or a state. "give X a deadline of friday" names X and its date; "a higher priority"
raises it. Chat shorthand is read as the words it stands for ("nxt", "incl", "w/"). A question
about what was ticked off lists the completed tasks; "list the commands you know" and "can you
set priorities on tasks?" ask about the assistant."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.understanding import understand
from local_model_history import turns

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        (
            "change task 3 to 'call the dentist about the crown'",
            "update_task",
            {"target": "3", "new_title": "call the dentist about the crown"},
        ),
        (
            "change the dentist one to 'call the surgery'",
            "update_task",
            {"target": "dentist", "new_title": "call the surgery"},
        ),
        ("change #2 to high", "update_task", {"target": "2", "priority": "high"}),
        ("change task 3 to friday", "update_task", {"target": "3", "due": "2026-11-27"}),
        ("move the 2nd task to the 5th", "update_task", {"target": "2", "due": "2026-12-05"}),
        ("bump task 5 to nxt week", "update_task", {"target": "5", "due": "2026-11-30"}),
        ("done w/ laundry", "complete_task", {"target": "laundry"}),
        ("give me the full list incl completed ones pls", "list_tasks", {"status": "all"}),
        (
            "give the tax return a deadline of friday",
            "update_task",
            {"target": "tax return", "due": "2026-11-27"},
        ),
        (
            "give the report a higher priority",
            "update_task",
            {"target": "report", "priority": "high"},
        ),
        (
            "give the report a lower priority",
            "update_task",
            {"target": "report", "priority": "low"},
        ),
        ("list the commands you know", "help", {}),
        ("can you set priorities on tasks?", "help", {}),
        ("what did I tick off", "list_tasks", {"status": "completed"}),
        (
            "what have i knocked off today",
            "list_tasks",
            {"status": "completed", "due_on": "2026-11-26"},
        ),
        ("did i tick off the dentist?", "list_tasks", {"query": "dentist"}),
    ],
)
def test_places_shorthand_and_questions_are_read(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, slots, False)


def test_the_third_one_after_a_list_is_renamed_not_moved_to_the_third() -> None:
    history = turns(
        "list my tasks",
        "You have 3 tasks: 1. Drop the keys at the estate agent's 2. Buy new work boots "
        "3. Call the dentist to reschedule",
    )
    result = understand(history, "change the 3rd one to 'call the dentist about the crown'", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "3", "new_title": "call the dentist about the crown"},
        False,
    )


def test_a_state_is_no_new_title() -> None:
    assert understand([], "change task 3 to done", TODAY).new_title is None


def test_a_date_with_its_article_leaves_no_search_words() -> None:
    history = turns("what's due tomorrow", "Nothing due tomorrow.")
    result = understand(history, "ok what about the 24th of december?", TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {"due_on": "2026-12-24"})


def test_give_it_a_deadline_names_the_task_just_added() -> None:
    history = turns("add call the electrician", "Created task 'Call the electrician'.")
    result = understand(history, "give it a deadline of end of the month pls", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "call the electrician", "due": "2026-11-30"},
        False,
    )


def test_the_other_one_is_the_task_left_of_two_shown() -> None:
    history = turns(
        "show my tasks",
        "You have 2 tasks: 1. Submit report 2. Book hotel",
        "mark submit report done",
        "Marked 'Submit report' as done.",
    )
    result = understand(history, "same for the other one", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "complete_task",
        {"target": "book hotel"},
        False,
    )


def test_an_answer_to_which_one_in_other_words_continues_the_request() -> None:
    history = turns(
        "mark call done",
        "I found 2 matching tasks: 1. Call dentist 2. Call landlord. Which one?",
    )
    result = understand(history, "the dentist one", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "complete_task",
        {"target": "dentist"},
        False,
    )


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        (
            "the OSCE prep is due 22 April now",
            "update_task",
            {"target": "osce prep", "due": "2027-04-22"},
        ),
        (
            "task 2: add note - bring photo id",
            "update_task",
            {"target": "2", "description": "bring photo id"},
        ),
        (
            "Could you add a task for me please? I need to write the reference letter for "
            "Anjali by the 10th of February. Thank you so much!",
            "add_task",
            {"title": "write the reference letter for anjali", "due": "2027-02-10"},
        ),
        (
            "could you add something for me? i need to call the bank tomorrow",
            "add_task",
            {"title": "call the bank", "due": "2026-11-27"},
        ),
    ],
)
def test_told_changes_notes_and_tasks_said_after_the_request(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


def test_the_words_one_of_the_list_just_shown_is_changed_not_added() -> None:
    history = turns(
        "show tasks tagged garden", "Tasks tagged garden: 1. Mow the lawn 2. Trim the hedge"
    )
    result = understand(history, "put the hedge one on sunday", TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "hedge", "due": "2026-11-29"},
    )
