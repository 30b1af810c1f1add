"""Wording the frames read from data: dictated punctuation, wrappers before a title and
closers after it, "by sat", a story clause naming the task a pronoun points at, and a title
the tagger stops short of."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.cleaning import clean
from local_model.dates import find_dates
from local_model.span_tagger import load_span_model
from local_model.understanding import understand, understand_with_agreement

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("message", "cleaned"),
    [
        ("add milk comma eggs comma bread period", "add milk, eggs, bread."),
        ("add call the bank comma urgent", "add call the bank, urgent"),
        ("so um add walk the dog", "so add walk the dog"),
        ("add track my period", "add track my period"),
        ("add a comma to the essay intro", "add a comma to the essay intro"),
        ("add buy a new charger period", "add buy a new charger."),
        ("ask about the notice period", "ask about the notice period"),
        ("add read about the tudor period", "add read about the tudor period"),
        ("add the period drama to my watchlist", "add the period drama to my watchlist"),
    ],
)
def test_dictated_punctuation_is_written_only_where_it_is_dictation(
    message: str, cleaned: str
) -> None:
    assert clean(message).text == cleaned


@pytest.mark.parametrize(
    ("text", "found"),
    [("call grandma by sat", True), ("for sun", True), ("i sat down", False), ("the sun", False)],
)
def test_sat_and_sun_are_days_only_after_a_date_preposition(text: str, found: bool) -> None:
    assert bool(find_dates(text, TODAY)) is found


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("put down wash the car for saturday", {"title": "wash the car", "due": "2026-11-28"}),
        (
            "quick one: i should charge the drill on monday",
            {"title": "charge the drill", "due": "2026-11-30"},
        ),
        ("dont let me forget to back up my laptop", {"title": "back up my laptop"}),
        ("add renew car insurance to mi list", {"title": "renew car insurance"}),
        ("pop call the garage on my list innit", {"title": "call the garage"}),
        ("stick down renew the car tax", {"title": "renew the car tax"}),
        ("put on the list to call the vet", {"title": "call the vet"}),
    ],
)
def test_wrappers_and_closers_from_the_vocabulary_stay_out_of_the_title(
    message: str, slots: dict[str, str]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("add_task", slots)


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("got the groceries, tick it off", "complete_task", {"target": "groceries"}),
        ("i didn't finish the report, mark it not done", "reopen_task", {"target": "report"}),
        (
            "the car service can wait, make it low priority",
            "update_task",
            {"target": "car service", "priority": "low"},
        ),
    ],
)
def test_a_pronoun_points_at_the_task_the_clause_before_it_names(
    message: str, intent: str, slots: dict[str, str]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


def test_the_story_before_an_obligation_is_not_the_title() -> None:
    result = understand(
        [], "so my boss just told me i have to finish the slides by monday, add that", TODAY
    )
    assert result.slots() == {"title": "finish the slides", "due": "2026-11-30"}


def test_a_title_the_tagger_stops_short_of_is_measured_apart() -> None:
    reading, level = understand_with_agreement(
        [], "add buy milk and bread", TODAY, load_span_model()
    )
    assert reading.title == "buy milk and bread"
    assert level in ("agree", "kept_tail")


def test_putting_a_task_back_on_the_list_never_adds_one() -> None:
    result = understand([], "put call mom back on my list", TODAY)
    assert result.intent != "add_task"
    assert result.intent == "reopen_task" or result.ask


def test_a_title_that_says_it_goes_in_the_notes_is_asked_about() -> None:
    result = understand([], "add the garden plan to my ntoes", TODAY)
    assert result.intent != "add_task" or result.ask
