"""Greetings, feelings and days told that ask for nothing ("happy friday", "ugh i hate
tuesdays", "had a brilliant day at the beach"); a task done told in slang ("smashed out the tax
return"); a note for a task named first ("for book venue add a note: …"), which is the task's
description and no note of its own; tags and field labels the tagger keeps in a title."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.note_requests import read_note
from local_model.references import HistoryMessage
from local_model.understanding import understand

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    "message",
    [
        "happy friday",
        "happy new year in advance",
        "merry christmas everyone!",
        "have a good weekend",
        "ugh i hate tuesdays",
        "i love fridays",
        "i'm exhausted today",
        "ugh mondays 😩",
    ],
)
def test_a_greeting_or_a_feeling_is_small_talk(message: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("none", {}, False)


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("remind me to say happy birthday to mum", "say happy birthday to mum"),
        ("happy hour drinks friday", "happy hour drinks"),
    ],
)
def test_a_task_that_holds_a_greeting_stays_a_task(message: str, title: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.title) == ("add_task", title)


@pytest.mark.parametrize(
    ("message", "target"),
    [
        ("nailed the presentation today", "presentation"),
        ("smashed out the tax return this morning, tick it off", "tax return"),
        ("knocked out my expense report", "expense report"),
    ],
)
def test_a_task_done_told_in_slang(message: str, target: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": target})


def test_slang_about_someone_else_marks_nothing_done() -> None:
    result = understand([], "my cat knocked out the lamp", TODAY)
    assert result.intent == "none"


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "for book venue add a note: ask about parking for 40 cars",
            {"target": "book venue", "description": "ask about parking for 40 cars"},
        ),
        (
            "on the dentist task add a note: bring the referral",
            {"target": "dentist", "description": "bring the referral"},
        ),
    ],
)
def test_a_note_for_a_task_named_first_is_its_description(
    message: str, slots: dict[str, object]
) -> None:
    assert read_note(message) is None
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("update_task", slots)


def test_for_the_record_names_no_task() -> None:
    note = read_note("for the record, add a note: wifi password is hunter2")
    assert note is not None
    assert (note.intent, note.slots()) == ("create_note", {"title": "wifi password is hunter2"})


@pytest.mark.parametrize(
    "message",
    [
        "had a brilliant day at the beach with the kids today",
        "i had a great time at the concert",
        "just got engaged!!! 💍",
        "I had the worst day at work today",
        "lovely weather for a bank holiday monday innit",
    ],
)
def test_a_day_told_is_small_talk(message: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.ask) == ("none", False)


def test_a_day_told_before_a_request_keeps_the_request() -> None:
    result = understand([], "had a long day so move the dentist to friday", TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "dentist", "due": "2026-11-27"},
    )


def test_a_note_labelled_again_keeps_only_its_words() -> None:
    history = [
        HistoryMessage("user", "add prep for interview"),
        HistoryMessage("assistant", "Created task 'Prep for interview'."),
    ]
    result = understand(history, "put a note on it - details: research their series b", TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "prep for interview", "description": "research their series b"},
    )


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "add task book flights to Goa #travel #family",
            {"title": "book flights to goa", "tags": ["travel", "family"]},
        ),
        (
            "Todo: fix the squeaky door hinge. details: the one on the back door",
            {"title": "fix the squeaky door hinge", "description": "the one on the back door"},
        ),
    ],
)
def test_tags_or_a_label_the_tagger_keeps_in_the_title_are_no_disagreement(
    message: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("add_task", slots, False)


def test_typed_short_mark_and_done() -> None:
    result = understand([], "mrk pick up prescription as dne", TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "pick up prescription"})
