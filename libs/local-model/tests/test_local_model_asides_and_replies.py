"""What is said beside a request stays out of its slots: a reason told as a clause of its own
("they close early on friday"), an aside about the task ("it's his 80th"), a short form's stop
("incl."). The task's own verb is no framing ("put the washing out"). Replies to the
assistant's question are read whole ("yes add it pls", "no no, just venting"), a request to be
shown is never traded for a change, and a task is reopened in other words ("open it back up",
"X should be open again"). Undo, clearing and tags said in other words; a favour asked of the
assistant is asked about."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.references import HistoryMessage
from local_model.understanding import understand
from local_model_history import turns

TODAY = date(2026, 11, 26)  # a Thursday
ASKED_TO_ADD = (
    "i need to email the school about the trip",
    "Do you want me to add 'Email the school about the trip' as a task, or were you asking"
    " something?",
)


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "call the bank tomorrow, they close early on friday",
            {"title": "call the bank", "due": "2026-11-27"},
        ),
        (
            "book the vet for rex tomorrow, he needs his jabs",
            {"title": "book the vet for rex", "due": "2026-11-27"},
        ),
        (
            "remind me to call grandad on dec 4th, it's his 80th",
            {"title": "call grandad", "due": "2026-12-04"},
        ),
        ("put the washing out tomorrow", {"title": "put the washing out", "due": "2026-11-27"}),
        # A reason said inside the clause may be the task's own words.
        (
            "add call the bank because of the fraud alert",
            {"title": "call the bank because of the fraud alert"},
        ),
    ],
)
def test_what_is_said_beside_a_new_task_is_no_part_of_it(
    message: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("add_task", slots, False)


def test_a_yes_with_thanks_adds_the_title_the_question_showed() -> None:
    result = understand(turns(*ASKED_TO_ADD), "yes add it pls", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "add_task",
        {"title": "email the school about the trip"},
        False,
    )


def test_a_no_that_goes_on_without_a_request_adds_nothing() -> None:
    result = understand(turns(*ASKED_TO_ADD), "no no, just venting, I'll sort it myself", TODAY)
    assert result.intent == "none"


def test_an_add_with_nothing_to_add_asks_what() -> None:
    result = understand([], "add it", TODAY)
    assert (result.intent, result.ask) == ("add_task", True)


def test_a_move_said_as_a_correction_renames_nothing() -> None:
    history = turns("add team lunch next wednesday", "Created task 'Team lunch' (due Wed, Dec 2).")
    result = understand(history, "hmm, make that a day earlier", TODAY)
    assert (result.intent, result.new_title, result.shift_days) == ("update_task", None, -1)


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("show me what's been ticked off", {"status": "completed"}),
        ("gimme the full list incl. completed ones", {"status": "all"}),
    ],
)
def test_a_request_to_be_shown_lists(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("list_tasks", slots, False)


def test_how_to_use_a_command_is_help() -> None:
    result = understand([], "can you explain how to mark something as finished?", TODAY)
    assert (result.intent, result.ask) == ("help", False)


@pytest.mark.parametrize(
    ("history", "message", "target"),
    [
        (
            turns("mark fix the fence done", "Marked 'Fix the fence' as done."),
            "hmm the fence blew over again last night, open it back up",
            "fix the fence",
        ),
        (
            turns("what have I finished?", "1. Buy paint\n2. Call the landlord"),
            "call the landlord should be open again, he never rang back",
            "call the landlord",
        ),
    ],
)
def test_a_task_reopened_in_other_words(
    history: list[HistoryMessage], message: str, target: str
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("reopen_task", {"target": target}, False)


@pytest.mark.parametrize(
    ("history", "message", "target"),
    [
        ([], "task seven complete", "7"),
        (
            turns("show my tasks", "1. Book dentist\n2. Email Tom the slides\n3. Buy bin bags"),
            "number 2 went out this morning, tick it off",
            "2",
        ),
    ],
)
def test_a_task_numbered_in_words_or_in_a_story(
    history: list[HistoryMessage], message: str, target: str
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "complete_task",
        {"target": target},
        False,
    )


def test_a_task_said_with_a_number_of_things_is_no_number() -> None:
    result = understand([], "picked up the 3 bags of compost, tick it off", TODAY)
    assert result.target is None or result.target.kind != "number"


def test_a_tag_joined_to_tagged_filters_the_list() -> None:
    result = understand([], "which of the work-tagged ones are still open?", TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {"status": "pending", "tag": "work"})


def test_a_note_for_a_quoted_task_keeps_all_its_words() -> None:
    message = "for 'car service', put in the details: ask them to check the brakes too"
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "car service", "description": "ask them to check the brakes too"},
    )


def test_the_ones_already_done_are_the_completed_ones() -> None:
    history = turns("show my tasks", "1. Call plumber (due Dec 2)\n2. Buy paint")
    result = understand(history, "what about the ones I already did?", TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {"status": "completed"})


def test_an_answer_to_a_question_that_quoted_the_options() -> None:
    history = turns(
        "delete the dentist task",
        "Which task do you mean: 'Dentist checkup' or 'Dentist bill'?",
    )
    result = understand(history, "the dentist bill one", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "delete_task",
        {"target": "dentist bill"},
        False,
    )


@pytest.mark.parametrize(
    "message", ["ah crap reverse that", "scratch that, put it back how it was"]
)
def test_undo_said_with_an_exclamation_or_after_scratch_that(message: str) -> None:
    history = turns("make task 1 low priority", "Set 'Prepare budget' to low priority.")
    result = understand(history, message, TODAY)
    assert (result.intent, result.ask) == ("undo", False)


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ([], "bulk delete my completed tasks"),
        ([], "tidy up my list by deleting everything that's already done"),
        (turns("show completed", "1. Pay rent\n2. Call mom"), "grand, clear all of those out"),
    ],
)
def test_the_completed_tasks_cleared_in_other_words(
    history: list[HistoryMessage], message: str
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.ask) == ("clear_completed", False)


def test_clearing_the_tasks_a_pending_list_showed_is_asked_about() -> None:
    history = turns("show my tasks", "1. Pay rent\n2. Call mom")
    result = understand(history, "clear all of those out", TODAY)
    assert (result.intent, result.ask) == ("clear_completed", True)


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("tag it with travel and admin", {"target": "renew passport", "tags": ["travel", "admin"]}),
        ("label it as urgent-stuff", {"target": "renew passport", "tags": ["urgent-stuff"]}),
    ],
)
def test_a_tag_command_needs_no_classifier_support(message: str, slots: dict[str, object]) -> None:
    history = turns("add renew passport", "Created task 'Renew passport'.")
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("update_task", slots, False)


def test_labelling_things_that_are_no_task_is_asked_about() -> None:
    result = understand([], "label the jam jars with dates", TODAY)
    assert result.ask


@pytest.mark.parametrize(
    "message", ["can you book me a taxi to the airport", "order us a pizza for tonight"]
)
def test_a_favour_asked_of_the_assistant_is_asked_about(message: str) -> None:
    result = understand([], message, TODAY)
    assert result.intent == "none" or result.ask
