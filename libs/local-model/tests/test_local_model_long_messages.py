"""Long messages: a story told around one request. The sentence with the command is
understood without the story's long sentences, which would otherwise lend it another intent
or the wrong words; short sentences ("Not urgent tho.") and one that says how urgent it is
stay with it, and a request that refers back into the story ("can you mark it done?") is read
with it. An emoji between a story and a command ends the story's clause, like a full stop."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.request_sentence import request_sentence
from local_model.understanding import understand

TODAY = date(2026, 9, 7)


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        (
            "The garage rang and said they can't fit the car in until later in the week,"
            " something about a part from the supplier. Can you move the car service to"
            " Friday? Sorry, I know I keep changing it on you.",
            "update_task",
            {"target": "car service", "due": "2026-09-11"},
        ),
        (
            "Swimming club is off for the rest of the term because the pool is being"
            " retiled, which the kids are gutted about. No point keeping the reminder now."
            " Please delete the swimming kit task.",
            "delete_task",
            {"target": "swimming kit"},
        ),
        (
            "I have about a hundred things going on with the house move and I keep losing"
            " track of what I've already put on here. Search for anything about the removal"
            " van.",
            "list_tasks",
            {"query": "removal van"},
        ),
        (
            "Could you add 'renew the bike lock' for saturday? It's fairly important to me,"
            " thanks so much",
            "add_task",
            {"title": "renew the bike lock", "due": "2026-09-12", "priority": "high"},
        ),
    ],
)
def test_the_request_sentence_is_read_without_the_story(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, slots, False)


def test_a_request_that_refers_back_keeps_the_story() -> None:
    message = (
        "Spent the morning fixing the bathroom fan. I finally got it working an hour ago."
        " Can you mark it done?"
    )
    assert request_sentence(message, TODAY) is None


def test_two_requests_keep_the_whole_message() -> None:
    message = (
        "I've been meaning to sort the loft for months now. Add clear out the loft. Also"
        " delete the old garage sale task."
    )
    assert request_sentence(message, TODAY) is None


def test_an_abbreviation_does_not_end_a_sentence() -> None:
    assert request_sentence("Remind me to call Dr. Patel about the results tomorrow", TODAY) is None


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        (
            "landlord just emailed, they've rescheduled AGAIN 🙄 move the landlord inspection"
            " to Jan 20",
            "update_task",
            {"target": "landlord inspection", "due": "2027-01-20"},
        ),
        (
            "morning! coffee's brewing ☕ put renew the car rego on the list, due end of the month",
            "add_task",
            {"title": "renew the car rego", "due": "2026-09-30"},
        ),
    ],
)
def test_an_emoji_between_a_story_and_a_command_ends_the_story(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


def test_an_emoji_inside_a_request_is_dropped() -> None:
    assert understand([], "add 🎂 make a cake for saturday", TODAY).slots() == {
        "title": "make a cake",
        "due": "2026-09-12",
    }


def test_a_past_tense_verb_is_no_task_to_tick_off() -> None:
    result = understand([], "smashed out the tax return this morning 💪 tick that off", TODAY)
    assert result.slots() != {"target": "smashed"}
    assert result.ask
