"""The span tagger and the check of the slots: alignment of corpus labels, the committed
weights, how the tagger's reading is compared with the rules', and asking when they differ."""

from __future__ import annotations

from datetime import date
from typing import get_args

import pytest
from local_model.cleaning import clean
from local_model.intents import Target, Understanding
from local_model.slot_agreement import Agreement, slot_agreement
from local_model.slot_resolution import resolve_slots
from local_model.span_tagger import load_span_model, span_key, tokens
from local_model.training.__main__ import DEFAULT_CORPUS, tagger_digest
from local_model.training.tagger_trainer import align, train_tagger
from local_model.understanding import understand, understand_with_agreement

TODAY = date(2026, 11, 26)


def test_a_title_is_aligned_to_its_tokens_and_the_rest_is_outside() -> None:
    example = align("add buy milk tomorrow", "add_task", {"title": "buy milk", "due": "x"})
    assert example is not None
    assert example.labels == ("O", "B-title", "I-title", "O")


def test_an_ordinal_target_is_the_ordinal_word() -> None:
    example = align("mark the third one done", "complete_task", {"target": "3"})
    assert example is not None
    assert example.labels[2] == "B-target"
    assert span_key("third") == ("3",)


def test_a_target_from_history_is_no_span_and_a_misspelt_one_is_left_out() -> None:
    resolved = align("delete it", "delete_task", {"target": "buy milk"})
    assert resolved is not None
    assert set(resolved.labels) == {"O"}
    assert align("delete buy mlik", "delete_task", {"target": "buy milk"}) is None


def test_the_committed_tagger_was_trained_on_the_corpus_as_it_is_now() -> None:
    model = load_span_model()
    assert model.meta["corpus_sha256"] == tagger_digest(DEFAULT_CORPUS)
    assert set(model.slot_reliability) == set(get_args(Agreement))
    assert model.slot_reliability["agree"] > 2 / 3 > model.slot_reliability["suspect"]


@pytest.mark.parametrize(
    ("message", "intent", "slot", "value"),
    [
        ("could you add renew the gym pass for friday", "add_task", "title", "renew the gym pass"),
        ("remind me to water the garden tomorrow", "add_task", "title", "water the garden"),
        ("please delete the dentist appointment", "delete_task", "target", "dentist appointment"),
        ("search for passport", "list_tasks", "query", "passport"),
    ],
)
def test_the_tagger_reads_slots_of_phrasings_it_was_not_shown(
    message: str, intent: str, slot: str, value: str
) -> None:
    assert load_span_model().spans(message, intent).get(slot) == value


def test_training_twice_with_the_same_seed_gives_the_same_weights() -> None:
    lines = [
        ("add buy milk", "add_task", {"title": "buy milk"}),
        ("add call mom tomorrow", "add_task", {"title": "call mom"}),
        ("delete call mom", "delete_task", {"target": "call mom"}),
    ] * 3
    examples = [e for text, i, s in lines if (e := align(text, i, s)) is not None]
    assert train_tagger(examples, seed=5) == train_tagger(examples, seed=5)


def test_agreeing_readers_act_and_quoted_numbered_or_resolved_values_are_not_compared() -> None:
    reading = Understanding("add_task", title="buy milk")
    assert slot_agreement(reading, "add buy milk tomorrow") == "agree"
    assert slot_agreement(reading, "add 'buy milk' tomorrow") == "exact_rule"
    numbered = Understanding("delete_task", target=Target("number", "3"))
    assert slot_agreement(numbered, "delete task 3") == "exact_rule"
    pronoun = Understanding("delete_task", target=Target("pronoun", "it"))
    assert slot_agreement(pronoun, "delete it") == "exact_rule"


def test_a_title_the_tagger_reads_differently_is_asked_about() -> None:
    longer = Understanding("add_task", title="buy milk tomorrow")
    assert slot_agreement(longer, "add buy milk tomorrow") == "overlap"
    other = Understanding("add_task", title="tomorrow")
    assert slot_agreement(other, "add buy milk tomorrow") == "differ"
    result = understand([], "hey can you remind me to book flights for next week's trip", TODAY)
    assert (result.intent, result.ask) == ("add_task", True)
    assert result.confidence < 0.5


def test_a_misspelt_leading_command_is_corrected_but_a_real_word_is_kept() -> None:
    assert clean("ad milk tmrw").text == "add milk tomorrow"
    assert clean("mrak task 3 done").text == "mark task 3 done"
    assert clean("and add bread").text == "and add bread"
    assert tokens("Add 'Buy bread'") == ["add", "'", "buy", "bread", "'"]


def test_a_title_continues_past_a_date_said_inside_it() -> None:
    message = "remind me to call the dentist tomorrow about the appointment"
    spans = load_span_model().spans(message, "add_task")
    assert spans["title"] == "call the dentist about the appointment"


def test_the_taggers_title_replaces_one_holding_a_wrapper_and_keeps_its_date() -> None:
    message = "can you remind me to check the tyre pressure tomorrow at 9am"
    reading = Understanding("add_task", title="remind me to check the tyre pressure tomorrow")
    assert resolve_slots(reading, message, TODAY, load_span_model()) == "resolved"
    assert (reading.title, reading.due) == ("check the tyre pressure", date(2026, 11, 27))


def test_the_tagger_never_drops_words_it_cannot_account_for() -> None:
    message = "put the meeting notes from monday in my ntoes"
    reading = Understanding("add_task", title="the meeting notes from monday in my ntoes")
    assert resolve_slots(reading, message, TODAY, load_span_model()) is None
    assert reading.title == "the meeting notes from monday in my ntoes"


@pytest.mark.parametrize(
    ("message", "title"),
    [
        # The tagger stops on a linking word, or inside a word joined by a hyphen or an
        # apostrophe: it read nothing else, so the rules' title is not in doubt.
        ("add call the landlord about the boiler, asap", "call the landlord about the boiler"),
        ("can you remind me tonight to send the thank-you cards", "send the thank-you cards"),
        ("can you add get the kids' flu jabs booked", "get the kids' flu jabs booked"),
    ],
)
def test_a_tagger_reading_cut_short_is_no_disagreement(message: str, title: str) -> None:
    reading, level = understand_with_agreement([], message, TODAY, load_span_model())
    # "agree" when the tagger reads the whole title after all.
    assert reading.title == title
    assert level in ("exact_rule", "agree")


def test_a_tagger_title_that_is_the_rules_with_its_time_and_date_is_trimmed() -> None:
    message = "add pick up kids from school at 3pm today"
    reading, level = understand_with_agreement([], message, TODAY, load_span_model())
    assert (reading.title, level) == ("pick up kids from school", "trimmed")
    assert not understand([], message, TODAY).ask


def test_a_date_word_cut_from_the_title_leaves_it_ending_on_a_linking_word() -> None:
    # The tagger reads "text jake about saturday"; the rules' "text jake about" ends where
    # no title ends, so the date is not taken as only trimmed off.
    _, level = understand_with_agreement(
        [], "add text jake about saturday", TODAY, load_span_model()
    )
    assert level != "trimmed"
    assert understand([], "add text jake about saturday", TODAY).ask
