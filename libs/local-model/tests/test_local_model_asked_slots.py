"""Slots of a change the assistant asks about: the tagger's words stand in for a rule reading
that holds words no title is made of, and the question is still asked."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.intents import Target, Understanding
from local_model.slot_resolution import named_in_message, tagger_words_when_asked
from local_model.span_tagger import load_span_model
from local_model.understanding import understand

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("laundry handled", "complete_task", {"target": "laundry"}),
        ("nailed walk the dog today", "complete_task", {"target": "walk the dog"}),
        ("i've taken care of the council tax", "complete_task", {"target": "council tax"}),
    ],
)
def test_an_asked_change_carries_the_taggers_words_and_is_still_asked(
    message: str, intent: str, slots: dict[str, str]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, slots, True)


def test_a_plausible_rule_reading_is_kept() -> None:
    reading = Understanding("add_task", title="water the tomatoes")
    message = "could you be a star and add water the tomatoes"
    assert not tagger_words_when_asked(reading, message, TODAY, load_span_model())
    assert reading.title == "water the tomatoes"


def test_a_date_the_rules_held_is_no_part_of_the_target() -> None:
    reading = Understanding("complete_task", target=Target("title", "gym today"))
    assert tagger_words_when_asked(reading, "nailed gym today", TODAY, load_span_model())
    assert reading.target == Target("title", "gym")


def test_numbers_and_pronouns_are_left_to_their_exact_readers() -> None:
    reading = Understanding("delete_task", target=Target("number", "3"))
    assert not tagger_words_when_asked(reading, "delete task 3 today", TODAY, load_span_model())
    assert reading.target == Target("number", "3")


@pytest.mark.parametrize(
    ("message", "target"),
    [
        ("sorted the recycling this morning, tick it off", "recycling"),
        ("the electrician came, cross it off", "electrician"),
    ],
)
def test_a_pronoun_nothing_earlier_names_points_at_the_task_the_message_names(
    message: str, target: str
) -> None:
    result = understand([], message, TODAY)
    assert result.intent == "complete_task"
    assert result.slots() == {"target": target}


def test_a_bare_pronoun_stays_a_pronoun() -> None:
    reading = Understanding("complete_task", target=Target("pronoun", "it"))
    assert not named_in_message(reading, "mark it done", TODAY, load_span_model())
    assert reading.target == Target("pronoun", "it")
