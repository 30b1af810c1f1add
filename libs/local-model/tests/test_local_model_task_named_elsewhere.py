"""The task a change is about, named somewhere other than after its command: a quoted title in
the clause before, a list place said as if adding ("put the third one on wednesday"), the
task named after its new date or in a clause of its own, the subject after "so"; and a new
task told with labels ("title: ..."), "a separate one to", "which is" before its date and "at
the latest" after it."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.references import HistoryMessage
from local_model.understanding import understand

TODAY = date(2026, 11, 26)  # a Thursday


def _created(title: str) -> list[HistoryMessage]:
    return [
        HistoryMessage("user", f"add {title.lower()}"),
        HistoryMessage("assistant", f"Created task '{title}'."),
    ]


_SHOWN = [
    HistoryMessage("user", "whats on my list"),
    HistoryMessage("assistant", "1. Service the AC 2. Order new contact lenses 3. Pay school fees"),
]


def test_a_quoted_title_in_the_clause_before_is_the_task_it_means() -> None:
    message = "not urgent anymore: 'pay council tax' - make it low prio and move it to jan 10"
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "pay council tax", "priority": "low", "due": "2027-01-10"},
        False,
    )


def test_a_shown_task_given_a_date_and_a_tag_is_changed_not_added() -> None:
    result = understand(_SHOWN, "put the third one on wednesday and tag it kids", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "3", "due": "2026-12-02", "tags": ["kids"]},
        False,
    )


def test_without_a_shown_list_the_same_words_are_not_a_change_of_task_3() -> None:
    result = understand([], "put the third one on wednesday and tag it kids", TODAY)
    assert result.intent != "update_task" or result.ask


@pytest.mark.parametrize(
    ("history", "message", "intent", "slots"),
    [
        (
            _created("Buy christmas tree"),
            "actually can we do sunday for that one instead",
            "update_task",
            {"target": "buy christmas tree", "due": "2026-11-29"},
        ),
        (
            [],
            "for task 5 add details: take the blue folder with the receipts",
            "update_task",
            {"target": "5", "description": "take the blue folder with the receipts"},
        ),
    ],
)
def test_the_task_named_after_the_change_is_asked_about_with_the_right_words(
    history: list[HistoryMessage], message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


@pytest.mark.parametrize(
    ("history", "message", "target"),
    [
        (
            _created("Ring the GP surgery"),
            "oh they just called me back actually so that one's done",
            "ring the gp surgery",
        ),
        ([], "we finished early so the report is done", "report"),
    ],
)
def test_the_task_done_is_the_one_named_not_the_story(
    history: list[HistoryMessage], message: str, target: str
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "complete_task",
        {"target": target},
        False,
    )


def test_the_task_named_in_a_clause_of_its_own_is_the_one_meant() -> None:
    message = (
        "i paid the electrician so u can mark that task complete - the one called pay electrician"
    )
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "pay electrician"})


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "add a task - title: Order school uniform for Priya, due: 6/15, priority: normal,"
            " tags: kids, shopping",
            {
                "title": "order school uniform for priya",
                "due": "2027-06-15",
                "priority": "normal",
                "tags": ["kids", "shopping"],
            },
        ),
        (
            "i need to book the kids' dental checkups sometime this month, end of the month at"
            " the latest, add it w/ tag kids",
            {"title": "book the kids' dental checkups", "due": "2026-11-30", "tags": ["kids"]},
        ),
    ],
)
def test_a_new_task_told_with_labels_or_a_latest_date(
    message: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("add_task", slots, False)


@pytest.mark.parametrize(
    ("history", "message", "slots"),
    [
        (
            _created("Buy printer paper"),
            "add another one to buy toner",
            {"title": "buy toner"},
        ),
        (
            [],
            "can you add call grandma on her birthday which is the 2nd of july",
            {"title": "call grandma on her birthday", "due": "2027-07-02"},
        ),
    ],
)
def test_a_new_task_keeps_only_its_own_words(
    history: list[HistoryMessage], message: str, slots: dict[str, object]
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == ("add_task", slots)


def test_a_shown_task_that_can_wait_till_a_date_moves_to_that_date() -> None:
    history = [
        HistoryMessage("user", "what's on my list"),
        HistoryMessage("assistant", "1. book the vet 2. renew the car tax 3. email the landlord"),
    ]
    result = understand(history, "the third one can wait till next week", TODAY)
    assert (result.intent, result.slots()) == ("update_task", {"target": "3", "due": "2026-11-30"})


def test_the_task_not_done_yet_keeps_its_verb() -> None:
    result = understand([], "oops, i didn't pay the window cleaner yet, reopen it", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "reopen_task",
        {"target": "pay the window cleaner"},
        False,
    )


def test_no_rush_after_a_tag_is_a_priority_not_two_tags() -> None:
    result = understand([], "add replace the extractor fan, tag home, no rush", TODAY)
    assert (result.intent, result.slots()) == (
        "add_task",
        {"title": "replace the extractor fan", "tags": ["home"], "priority": "low"},
    )
