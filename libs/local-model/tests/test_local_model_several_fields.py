"""Several fields said at once: tags, dates and priority in clauses of their own, a note with
fields said after it, tag and search filters said in other words, and "tag it X" after the
task just told."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.references import HistoryMessage
from local_model.understanding import understand

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        (
            "Add 'Research summer camps for the twins' tagged kids and summer,"
            " due end of the month",
            "add_task",
            {
                "title": "research summer camps for the twins",
                "due": "2026-11-30",
                "tags": ["kids", "summer"],
            },
        ),
        (
            "Add 'send birthday card to Aunt Meera' for Dec 2, label family, not urgent",
            "add_task",
            {
                "title": "send birthday card to aunt meera",
                "due": "2026-12-02",
                "priority": "low",
                "tags": ["family"],
            },
        ),
        # "in" followed by a word is not the "in" of "tag it in X".
        (
            "add 'renew home insurance' due 1/15, tag insurance",
            "add_task",
            {"title": "renew home insurance", "due": "2027-01-15", "tags": ["insurance"]},
        ),
        (
            "add task: Get flu jab. Note: walk-in clinic open till 6. Tag health",
            "add_task",
            {
                "title": "get flu jab",
                "description": "walk-in clinic open till 6",
                "tags": ["health"],
            },
        ),
        (
            "new todo: reconcile the card statement - details: the amazon charge looks wrong"
            " - by Friday",
            "add_task",
            {
                "title": "reconcile the card statement",
                "description": "the amazon charge looks wrong",
                "due": "2026-11-27",
            },
        ),
        (
            "Just add this quickly: follow up with HR about the visa letter. It's important."
            " Tag it work. Due tomorrow.",
            "add_task",
            {
                "title": "follow up with hr about the visa letter",
                "due": "2026-11-27",
                "priority": "high",
                "tags": ["work"],
            },
        ),
        (
            "change the tags on task 6 to work and q4",
            "update_task",
            {"target": "6", "tags": ["work", "q4"]},
        ),
        (
            "move 'buy toner' to friday and tag it office",
            "update_task",
            {"target": "buy toner", "due": "2026-11-27", "tags": ["office"]},
        ),
        ("cross of task 12 and thanks", "complete_task", {"target": "12"}),
        (
            "What do I have due this week with the home tag?",
            "list_tasks",
            {"due_before": "2026-11-29", "tag": "home"},
        ),
        (
            "pull up the tasks with the tag 'taxes' that are still pending",
            "list_tasks",
            {"status": "pending", "tag": "taxes"},
        ),
        ("anything overdue in the kids tag?", "list_tasks", {"overdue": True, "tag": "kids"}),
        ("list all tasks (finished and unfinished)", "list_tasks", {"status": "all"}),
        ("find the open ones abt the car", "list_tasks", {"status": "pending", "query": "car"}),
        (
            "search my completed tasks for 'invoice'",
            "list_tasks",
            {"status": "completed", "query": "invoice"},
        ),
        ("do you support recurring tasks?", "help", {}),
    ],
)
def test_several_fields_are_read(message: str, intent: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


def test_tag_it_after_the_task_asked_for_tags_the_new_task() -> None:
    history = [
        HistoryMessage("user", "add a task"),
        HistoryMessage("assistant", "Sure — what should the task be?"),
    ]
    result = understand(history, "defrost the freezer on friday, tag it kitchen", TODAY)
    assert (result.intent, result.slots()) == (
        "add_task",
        {"title": "defrost the freezer", "due": "2026-11-27", "tags": ["kitchen"]},
    )


def test_tag_it_after_an_obligation_is_never_a_change_carried_out() -> None:
    message = (
        "I've got to transfer money to savings by end of the month. High priority pls,"
        " and label it finance."
    )
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (
        "add_task",
        {
            "title": "transfer money to savings",
            "due": "2026-11-30",
            "priority": "high",
            "tags": ["finance"],
        },
    )


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "#work add review the Henderson contract by Thursday",
            {"title": "review the henderson contract", "due": "2026-12-03", "tags": ["work"]},
        ),
        (
            "add #work #q4 review the contract friday #legal",
            {"title": "review the contract", "due": "2026-11-27", "tags": ["work", "q4", "legal"]},
        ),
        # A time after "the" names a thing ("the 7:15 train"), it is not when to do it.
        (
            "pls add book the 7:15 train to Leeds for Friday",
            {"title": "book the 7:15 train to leeds", "due": "2026-11-27"},
        ),
    ],
)
def test_tags_before_the_title_and_a_time_inside_it(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("add_task", slots)
