"""Messages that lean on the turns before them: "it" when the words around it are about the
task just talked about, corrections ("sorry, I meant monday not friday"), follow-ons to a
list ("and tomorrow?"), a priority told about the task ("that's urgent actually", "no rush on
that one"), a rename of "the name", a bare "done" after a task named with a verb, and a
reopening told as a need."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.references import HistoryMessage
from local_model.understanding import understand
from local_model_history import turns

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("history", "message", "target"),
    [
        (
            turns("add pay gas bill", "Created task 'Pay gas bill'."),
            "paid it just now, mark as done pls",
            "pay gas bill",
        ),
        (
            turns("add feed the cat", "Created task 'Feed the cat'."),
            "already done that one ✅",
            "feed the cat",
        ),
        (
            turns("add get the groceries", "Created task 'get the groceries'."),
            "got the groceries, mark that as done",
            "get the groceries",
        ),
    ],
)
def test_it_is_the_task_talked_about_when_the_words_around_it_are_about_it(
    history: list[HistoryMessage], message: str, target: str
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "complete_task",
        {"target": target},
        False,
    )


def test_words_about_another_task_are_kept() -> None:
    history = turns("add buy milk", "Created task 'Buy milk'.")
    result = understand(history, "the plumber's been, so the electrician one is done", TODAY)
    assert result.slots() != {"target": "buy milk"}


def test_a_corrected_date_moves_the_task_changed_just_before() -> None:
    history = turns(
        "move pay rent to friday",
        "Updated 'Pay rent': due 2026-11-27.",
        "and make it high priority",
        "Updated 'Pay rent': priority high.",
    )
    result = understand(history, "sorry, I meant monday not friday", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "pay rent", "due": "2026-11-30"},
        False,
    )


def test_and_tomorrow_after_a_list_lists_tomorrow() -> None:
    history = turns("what's due today?", "Due today: 1. Send invoice to Acme")
    result = understand(history, "and tomorow?", TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {"due_on": "2026-11-27"})


@pytest.mark.parametrize(
    ("history", "message", "slots"),
    [
        (
            turns("add fix the leaking tap", "Created task 'Fix the leaking tap'."),
            "that's urgent actually, the kitchen is flooding",
            {"target": "fix the leaking tap", "priority": "high"},
        ),
        (
            turns("remind me to book the car service", "Created task 'Book the car service'."),
            "no rush on that one btw",
            {"target": "book the car service", "priority": "low"},
        ),
        (
            turns(
                "set the priority of 'water the plants' to high",
                "Updated 'Water the plants': priority high.",
            ),
            "eh on second thought normal priority is fine",
            {"target": "water the plants", "priority": "normal"},
        ),
    ],
)
def test_a_priority_told_about_the_task(
    history: list[HistoryMessage], message: str, slots: dict[str, object]
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == ("update_task", slots)


def test_a_priority_after_a_new_task_is_its_own() -> None:
    result = understand([], "hoover the stairs wednesday, it's urgent", TODAY)
    assert (result.intent, result.slots()) == (
        "add_task",
        {"title": "hoover the stairs", "due": "2026-12-02", "priority": "high"},
    )


@pytest.mark.parametrize(
    ("history", "message", "intent", "slots"),
    [
        (
            turns("add call grandma", "Created task 'Call grandma'."),
            "can you change the name to 'call grandma about sunday lunch'",
            "update_task",
            {"target": "call grandma", "new_title": "call grandma about sunday lunch"},
        ),
        (
            turns("what's due today", "Due today: 1. Water plants 2. Send invoice to Acme"),
            "send invoice to acme - done",
            "complete_task",
            {"target": "send invoice to acme"},
        ),
        (
            turns(
                "show all my tasks",
                "1. Pay rent (completed) 2. Call mum 3. Fix the fence (completed)",
            ),
            "fix the fence needs reopening, the gate fell off again",
            "reopen_task",
            {"target": "fix the fence"},
        ),
        (
            turns(
                "add 'prepare slides' tagged work", "Created task 'Prepare slides' (tags: work)."
            ),
            "which tasks have the work tag now?",
            "list_tasks",
            {"tag": "work"},
        ),
        ([], "search tasks for passport", "list_tasks", {"query": "passport"}),
        ([], "can I add tags to tasks? how?", "help", {}),
    ],
)
def test_follow_ups_in_a_conversation(
    history: list[HistoryMessage], message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, slots, False)


def test_and_x_too_after_a_task_was_added_adds_x() -> None:
    history = turns("add call the bank", "Created task 'Call the bank' (high priority).")
    result = understand(history, "and 'buy toner' too", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "add_task",
        {"title": "buy toner"},
        False,
    )


def test_the_request_answered_is_found_past_the_tool_output_and_the_card_shown() -> None:
    history = [
        HistoryMessage("user", "mark buy toner as done"),
        HistoryMessage("tool", '{"task": {"id": 3, "title": "buy toner", "status": "completed"}}'),
        HistoryMessage(
            "assistant", '[task shown]\n{"id": 3, "title": "buy toner", "completed": true}'
        ),
        HistoryMessage("assistant", "Marked 'buy toner' as completed."),
    ]
    result = understand(history, "and 'call the bank about the fraud alert' too", TODAY)
    assert (result.intent, result.slots()) == (
        "complete_task",
        {"target": "call the bank about the fraud alert"},
    )


def test_an_example_in_a_help_reply_is_no_task_to_point_at() -> None:
    history = turns(
        "what can you do?",
        'I can manage your tasks: add them ("add pay rent on Friday, high priority"), list them'
        ' ("what\'s due this week?").',
    )
    result = understand(history, "oops, i didn't pay the window cleaner yet, reopen it", TODAY)
    assert (result.intent, result.slots()) == ("reopen_task", {"target": "pay the window cleaner"})


@pytest.mark.parametrize(
    ("history", "message", "slots"),
    [
        (
            turns("remind me to renew my passport", "Created task 'Renew my passport'."),
            "and tag it #travel pls",
            {"target": "renew my passport", "tags": ["travel"]},
        ),
        (
            turns("add pick up prescription", "Created task 'Pick up prescription'."),
            "ugh i meant pick up mum's prescription, fix the name",
            {"target": "pick up prescription", "new_title": "pick up mum's prescription"},
        ),
        (
            turns("list my tasks", "1. Email Sarah 2. Fix bike brakes 3. Book flights to Cork"),
            "the third one's top priority now",
            {"target": "3", "priority": "high"},
        ),
        (
            turns("add book the airport parking", "Created task 'Book the airport parking'."),
            "note: the booking ref is in the email from sarah",
            {
                "target": "book the airport parking",
                "description": "the booking ref is in the email from sarah",
            },
        ),
        (
            turns("add call the landlord", "Created task 'Call the landlord'."),
            "oh and put details: ask about the boiler",
            {"target": "call the landlord", "description": "ask about the boiler"},
        ),
        (
            turns("add book flights to Perth", "Created task 'Book flights to Perth'."),
            "can ya chuck a note on that: check the qantas sale first",
            {"target": "book flights to perth", "description": "check the qantas sale first"},
        ),
        (
            turns("add clean the oven, urgent", "Created task 'Clean the oven' (high priority)."),
            "hmm not urgent actually",
            {"target": "clean the oven", "priority": "low"},
        ),
        (
            turns("add call the vet tomorrow", "Created task 'Call the vet' (due 2026-11-27)."),
            "in 3 days instead",
            {"target": "call the vet", "due": "2026-11-29"},
        ),
        (
            [],
            "details for task 5: gate code is 4471",
            {"target": "5", "description": "gate code is 4471"},
        ),
        ([], "task 8 shd be tagged #garden", {"target": "8", "tags": ["garden"]}),
    ],
)
def test_changes_said_in_passing(
    history: list[HistoryMessage], message: str, slots: dict[str, object]
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == ("update_task", slots)


def test_a_note_after_a_new_task_stays_its_note() -> None:
    result = understand(
        [], "add clean out the gutters for saturday. note: borrow the ladder", TODAY
    )
    assert (result.intent, result.slots()) == (
        "add_task",
        {"title": "clean out the gutters", "due": "2026-11-28", "description": "borrow the ladder"},
    )


def test_add_x_to_that_after_a_list_adds_x() -> None:
    history = turns("what's on my list", "1. Buy milk 2. Call mom 3. Pay rent")
    result = understand(history, "add fix the leaky tap to that, saturday", TODAY)
    assert (result.intent, result.slots()) == (
        "add_task",
        {"title": "fix the leaky tap", "due": "2026-11-28"},
    )
