"""Everyday forms of a request: a lead-in before the frame, a frame after the task it adds, a
completion in the passive, a list number said as a word, a rename of "that" to a quoted
title, search words with a tail, a title ending in a phrasal verb's particle, "a week from
today", Indian English "prepone" and "today itself"."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.message_text import clauses, prepare
from local_model.references import HistoryMessage
from local_model.understanding import understand

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        (
            "quick one: add 'defrost the freezer', low priority",
            "add_task",
            {"title": "defrost the freezer", "priority": "low"},
        ),
        (
            "tonight i have to water the tomatoes, remind me pls",
            "add_task",
            {"title": "water the tomatoes", "due": "2026-11-26"},
        ),
        (
            "need to buy a present for jess, add it for next week pls",
            "add_task",
            {"title": "buy a present for jess", "due": "2026-11-30"},
        ),
        (
            "so my boss just asked me to prepare the quarterly report by friday, add it please",
            "add_task",
            {"title": "prepare the quarterly report", "due": "2026-11-27"},
        ),
        (
            "the dentist appointment can be marked complete",
            "complete_task",
            {"target": "dentist appointment"},
        ),
        (
            "add confirm the dinner reservation for 8pm friday",
            "add_task",
            {"title": "confirm the dinner reservation", "due": "2026-11-27"},
        ),
        ("remind me what i've got going on", "list_tasks", {}),
        ("what kind of stuff can i ask you to do?", "help", {}),
        ("show me some examples", "help", {}),
        (
            "hiya, could you be a star and add water the tomatoes",
            "add_task",
            {"title": "water the tomatoes"},
        ),
        ("can you set reminders?", "help", {}),
        ("what did i already finish", "list_tasks", {"status": "completed"}),
        ("put 'call the bank' back to pending", "reopen_task", {"target": "call the bank"}),
        # The tagger tends to stop before a phrasal verb's particle; the title is still sure.
        ("add a task to get the bins out", "add_task", {"title": "get the bins out"}),
        (
            "remind me to take the tree down tomorrow",
            "add_task",
            {"title": "take the tree down", "due": "2026-11-27"},
        ),
        (
            "add call mum 3 days from now please",
            "add_task",
            {"title": "call mum", "due": "2026-11-29"},
        ),
        (
            "reschedule renew visa to a week from today",
            "update_task",
            {"target": "renew visa", "due": "2026-12-03"},
        ),
        (
            "i need to remember to email the landlord about the leaking tap, can you add that",
            "add_task",
            {"title": "email the landlord about the leaking tap"},
        ),
        ("dude, show my tasks", "list_tasks", {}),
        # A time of day before "to" is not part of the title (and is not kept).
        ("remind me at 8 to phone the gp", "add_task", {"title": "phone the gp"}),
        (
            "remind me on monday at 8 sharp to phone the gp",
            "add_task",
            {"title": "phone the gp", "due": "2026-11-30"},
        ),
        # A date said against is not the one meant.
        (
            "move the dentist to friday not thursday",
            "update_task",
            {"target": "dentist", "due": "2026-11-27"},
        ),
        ("remind me what today's date is?", "none", {}),
        ("don't add anything, i'm just testing", "none", {}),
        ("nah don't add anything", "none", {}),
        ("don't add anything, just show my tasks", "list_tasks", {}),
        ("what day is it", "none", {}),
        ("done: pay the plumber", "complete_task", {"target": "pay the plumber"}),
        (
            "what do i have due between now and the end of the month",
            "list_tasks",
            {"due_before": "2026-11-30"},
        ),
        ("anything due between today and friday?", "list_tasks", {"due_before": "2026-11-27"}),
        (
            "i ticked off 'send the rsvp' by mistake, put it back on",
            "reopen_task",
            {"target": "send the rsvp"},
        ),
        ("i marked call mum done by mistake, undo that", "reopen_task", {"target": "call mum"}),
        # A priority word alone after the task is its new priority.
        ("set pay rent to low", "update_task", {"target": "pay rent", "priority": "low"}),
        ("make the report high", "update_task", {"target": "report", "priority": "high"}),
        ("do i have anything with passport in it", "list_tasks", {"query": "passport"}),
        (
            "list tasks with a due date up to the end of the month",
            "list_tasks",
            {"due_before": "2026-11-30"},
        ),
        ("delete task number three", "delete_task", {"target": "3"}),
        ("mark no. 4 as done", "complete_task", {"target": "4"}),
        (
            "rename 'call jo' to 'call jo about the flat' and make it urgent",
            "update_task",
            {"target": "call jo", "new_title": "call jo about the flat", "priority": "high"},
        ),
    ],
)
def test_everyday_forms_are_read(message: str, intent: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)
    assert not result.ask


def test_that_renamed_to_a_quoted_title_keeps_the_tags_said_after_it() -> None:
    history = [
        HistoryMessage("user", "add call jo"),
        HistoryMessage("assistant", "Created task 'Call Jo'."),
    ]
    result = understand(
        history, "actually make that 'call jo about the flat', and tag it housing", TODAY
    )
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "call jo", "new_title": "call jo about the flat", "tags": ["housing"]},
    )


def test_a_list_number_said_as_a_word_names_the_task() -> None:
    history = [
        HistoryMessage("user", "what's on my list"),
        HistoryMessage("assistant", "1. Book MOT 2. Call the bank 3. Buy printer paper"),
    ]
    result = understand(history, "number two's sorted, cheers", TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "2"})


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("prepone the team lunch to tomorrow", {"target": "team lunch", "due": "2026-11-27"}),
        (
            "add submit the kyc documents today itself",
            {"title": "submit the kyc documents", "due": "2026-11-26"},
        ),
    ],
)
def test_indian_english_dates_and_moves_are_read(message: str, slots: dict[str, object]) -> None:
    assert understand([], message, TODAY).slots() == slots


@pytest.mark.parametrize(
    ("message", "count"), [("mark no. 4 as done", 1), ("no. i said friday", 2)]
)
def test_no_before_a_number_is_an_abbreviation_not_a_sentence(message: str, count: int) -> None:
    assert len(clauses(prepare(message).masked)) == count


def test_you_can_before_a_command_is_a_request() -> None:
    history = [
        HistoryMessage("user", "add renew the car insurance"),
        HistoryMessage("assistant", "Created task 'renew the car insurance'."),
    ]
    result = understand(history, "finally sorted that, you can tick it off", TODAY)
    assert (result.intent, result.slots()) == (
        "complete_task",
        {"target": "renew the car insurance"},
    )


def test_a_story_before_add_that_leaves_only_the_task_in_the_title() -> None:
    message = (
        "the spare room is a mess, i really need to clear out the spare room by friday so add that"
    )
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (
        "add_task",
        {"title": "clear out the spare room", "due": "2026-11-27"},
    )


def test_a_cancelled_plan_before_so_bin_names_the_task() -> None:
    result = understand([], "the party got cancelled so bin the buy balloons task", TODAY)
    assert (result.intent, result.slots()) == ("delete_task", {"target": "buy balloons"})


def test_at_some_point_stays_out_of_the_title() -> None:
    message = "i need to get new tyres for the car at some point, put it down as low priority"
    assert understand([], message, TODAY).slots() == {
        "title": "get new tyres for the car",
        "priority": "low",
    }


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("done and dusted: pay the plumber", "complete_task", {"target": "pay the plumber"}),
        (
            "the car needs its mot on friday, add it as 'car mot'",
            "add_task",
            {"title": "car mot", "due": "2026-11-27"},
        ),
        # A title quoted before "make it ..." or "put it at ..." is the task changed.
        (
            "'call sue' needs renaming - make it 'call sue about the party'",
            "update_task",
            {"target": "call sue", "new_title": "call sue about the party"},
        ),
        (
            "'prep the presentation' doesn't need to be high anymore, just put it at normal",
            "update_task",
            {"target": "prep the presentation", "priority": "normal"},
        ),
        # A hyphenated word stays whole in the title asked about.
        (
            "add write thank-you notes for the presents, no rush",
            "add_task",
            {"title": "write thank-you notes for the presents", "priority": "low"},
        ),
    ],
)
def test_everyday_forms_are_read_asked_about_or_not(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


def test_make_it_high_after_a_new_task_raises_that_task() -> None:
    history = [
        HistoryMessage("user", "add call bob"),
        HistoryMessage("assistant", "Created task 'call bob'."),
    ]
    result = understand(history, "make it high", TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "call bob", "priority": "high"},
    )


def test_clear_those_after_the_completed_tasks_clears_them() -> None:
    history = [
        HistoryMessage("user", "what have i finished?"),
        HistoryMessage("assistant", "Completed tasks:\n1. Buy stamps\n2. Call the vet"),
    ]
    assert understand(history, "great, clear those out", TODAY).intent == "clear_completed"


def test_the_wrong_one_ticked_by_mistake_is_asked_about() -> None:
    result = understand([], "oops, ticked off the wrong one by mistake", TODAY)
    assert result.ask
