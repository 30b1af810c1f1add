"""Titles corrected as they are said ("buy dog food - scratch that - buy cat food"), chat
shorthand ("need 2 get petrol 2moro", "mrak ... as dnoe"), a priority said in a clause of its
own before the request, a reference followed by a story ("finished the third one on the way
home"), a list written with its details ("1. Renew the TV licence (due 2026-01-09)") and a
few more everyday forms."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.references import HistoryMessage
from local_model.understanding import understand

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "add buy dog food - scratch that - buy cat food, tonight",
            {"title": "buy cat food", "due": "2026-11-26"},
        ),
        (
            "add call dad - no wait, call mum - for saturday",
            {"title": "call mum", "due": "2026-11-28"},
        ),
        ("need 2 get petrol 2moro, add it", {"title": "get petrol", "due": "2026-11-27"}),
        (
            "remidn me 2 submit the timesheet on fri",
            {"title": "submit the timesheet", "due": "2026-11-27"},
        ),
        ("add buy 2 pints of milk", {"title": "buy 2 pints of milk"}),
        (
            "URGENT!!! ADD CALL THE BANK ABOUT THE FRAUD ALERT",
            {"title": "call the bank about the fraud alert", "priority": "high"},
        ),
        (
            "whenever really, no rush at all - add reorganise the bookshelf",
            {"title": "reorganise the bookshelf", "priority": "low"},
        ),
        # The "a" that ends "corsa" is no connector before "asap".
        (
            "ADD BOOK MOT FOR THE CORSA ASAP",
            {"title": "book mot for the corsa", "priority": "high"},
        ),
        (
            "I wonder if you might be able to help me remember to send the thank-you cards from"
            " the wedding - perhaps by Sunday? Many thanks.",
            {"title": "send the thank-you cards from the wedding", "due": "2026-11-29"},
        ),
        (
            "ok so long story but my sister's coming down next month, she's been on at me for"
            " weeks lol. anyway can you remind me to clear out the spare room on sunday",
            {"title": "clear out the spare room", "due": "2026-11-29"},
        ),
    ],
)
def test_the_new_task_is_what_the_user_settled_on(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("add_task", slots)


def test_swapped_letters_in_mark_and_done() -> None:
    result = understand([], "mrak buy stamps as dnoe", TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "buy stamps"})


@pytest.mark.parametrize(
    ("shown", "message", "intent", "slots"),
    [
        (
            "1. Clean the barbie 2. Restring my guitar 3. Get petrol (due 2026-07-28)",
            "finished the third one on the way home",
            "complete_task",
            {"target": "3"},
        ),
        (
            "You have 1 overdue task: 1. Renew the TV licence (due 2026-01-09)",
            "oh I did that one on saturday, mark it complete",
            "complete_task",
            {"target": "renew the tv licence"},
        ),
        (
            "1. Fix the tap 2. Pay rent 3. Book MOT 4. Call mum 5. Fix the boiler",
            "reopne #5 turns out it wasnt fixed",
            "reopen_task",
            {"target": "5"},
        ),
    ],
)
def test_a_reference_followed_by_a_story(
    shown: str, message: str, intent: str, slots: dict[str, object]
) -> None:
    history = [HistoryMessage("user", "show me my tasks"), HistoryMessage("assistant", shown)]
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, slots, False)


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("bump #5 down to low priority", "update_task", {"target": "5", "priority": "low"}),
        (
            "move the dentist up to friday",
            "update_task",
            {"target": "dentist", "due": "2026-11-27"},
        ),
        (
            "have I let anything slide? like stuff that's past its due date",
            "list_tasks",
            {"overdue": True},
        ),
    ],
)
def test_more_everyday_forms(message: str, intent: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, slots, False)


@pytest.mark.parametrize(
    ("history", "message", "intent", "slots"),
    [
        (
            [
                HistoryMessage("user", "remind me to renew the parking permit"),
                HistoryMessage("assistant", "Created task 'Renew the parking permit'."),
            ],
            "oh and it's due end of the month",
            "update_task",
            {"target": "renew the parking permit", "due": "2026-11-30"},
        ),
        (
            [],
            "chuck a tick next to mow the lawn, all done",
            "complete_task",
            {"target": "mow the lawn"},
        ),
    ],
)
def test_changes_told_rather_than_commanded_are_read_right(
    history: list[HistoryMessage], message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("✔️ task 4", "complete_task", {"target": "4"}),
        ("✅ call the plumber", "complete_task", {"target": "call the plumber"}),
        (
            "un-tick pay the gas bill, the payment didn't go through",
            "reopen_task",
            {"target": "pay the gas bill"},
        ),
        (
            "i'm gonna forget this otherwise - renew passport in 10 days. add it pls",
            "add_task",
            {"title": "renew passport", "due": "2026-12-06"},
        ),
        (
            "great. now add send the mortgage forms back, they want them by friday",
            "add_task",
            {"title": "send the mortgage forms back", "due": "2026-11-27"},
        ),
        ("can you tag tasks? how would I do that", "help", {}),
    ],
)
def test_marks_explicit_verbs_and_asides(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)
