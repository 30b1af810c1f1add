"""Freely phrased requests: swapped letters in short command words, "mark off", searches of
"my tasks", repetitions, comments after a title, the quick-add shorthands in chat, and a
rename whose new title restates the old one."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.cleaning import clean
from local_model.span_tagger import load_span_model
from local_model.understanding import understand

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("message", "cleaned"),
    [
        ("cna you add buy dog food", "can you add buy dog food"),
        ("mkae a task to fix the fence", "make a task to fix the fence"),
        ("shwo me my taks", "show me my task"),
        ("my dad can drive", "my dad can drive"),
    ],
)
def test_short_command_words_with_swapped_letters_are_corrected(message: str, cleaned: str) -> None:
    assert clean(message).text == cleaned


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("cna you add buy dog food", "add_task", {"title": "buy dog food"}),
        ("mark off water the plants", "complete_task", {"target": "water the plants"}),
        ("mark off task 2", "complete_task", {"target": "2"}),
        ("mark the dentist off", "complete_task", {"target": "dentist"}),
        ("serach my tasks for passport", "list_tasks", {"query": "passport"}),
        ("is there anything about the car on my list", "list_tasks", {"query": "car"}),
        (
            "change buy milk to buy oat milk",
            "update_task",
            {"target": "buy milk", "new_title": "buy oat milk"},
        ),
        ("change buy milk to friday", "update_task", {"target": "buy milk", "due": "2026-11-27"}),
    ],
)
def test_freely_phrased_requests_are_carried_out(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, slots, False)


def test_a_repeating_weekday_is_no_due_date_and_is_said_not_kept() -> None:
    result = understand([], "remind me to water the plants every sunday", TODAY)
    assert result.slots() == {"title": "water the plants every sunday"}
    assert result.unkept == ["recurrence"]


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "add renew the library books, they're overdue already",
            {"title": "renew the library books"},
        ),
        (
            "add pay the council tax by friday, i keep forgetting",
            {"title": "pay the council tax", "due": "2026-11-27"},
        ),
        (
            "add replace the smoke alarm battery, it keeps beeping",
            {"title": "replace the smoke alarm battery"},
        ),
        (
            "remind me to email the school tomorrow, thanks so much",
            {"title": "email the school", "due": "2026-11-27"},
        ),
        ("add tidy the shed, not urgent at all", {"title": "tidy the shed", "priority": "low"}),
        ("add get a haircut, whenever really", {"title": "get a haircut", "priority": "low"}),
    ],
)
def test_a_comment_after_the_title_stays_out_of_it(message: str, slots: dict[str, str]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("add_task", slots)


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "add buy stamps #errands !high",
            {"title": "buy stamps", "priority": "high", "tags": ["errands"]},
        ),
        (
            "add pay rent friday #home !high",
            {"title": "pay rent", "due": "2026-11-27", "priority": "high", "tags": ["home"]},
        ),
        ("add clean the oven !low", {"title": "clean the oven", "priority": "low"}),
    ],
)
def test_the_quick_add_shorthands_are_read_in_chat(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("add_task", slots, False)


def test_a_number_after_a_hash_stays_a_task_number() -> None:
    result = understand([], "mark #3 done", TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "3"})


@pytest.mark.parametrize(
    ("message", "title"),
    [
        ("remind me to have tea with gran on sunday", "have tea with gran"),
        ("add swap the tyres and check the oil tomorrow", "swap the tyres and check the oil"),
    ],
)
def test_the_tagger_reads_a_title_past_its_linking_words(message: str, title: str) -> None:
    assert load_span_model().spans(message, "add_task") == {"title": title}


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "ok so basically my mum called and i need you to add ring the gas company tomorrow",
            {"title": "ring the gas company", "due": "2026-11-27"},
        ),
        (
            "sorry if this is a silly question but can you put order new glasses on my list",
            {"title": "order new glasses"},
        ),
    ],
)
def test_a_preamble_before_a_request_stays_out_of_the_title(
    message: str, slots: dict[str, str]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("add_task", slots)


def test_a_task_sent_off_before_a_pronoun_is_the_target() -> None:
    result = understand([], "i've sent off the invoice, tick it off", TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "invoice"})
