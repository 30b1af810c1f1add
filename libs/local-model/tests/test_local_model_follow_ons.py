"""Short follow-ons to a change just carried out: "and 'X' too" and "same for task 4" repeat
it on another task; "call it 'X' instead" renames the task just created, even when its title
holds a possessive apostrophe ("'Get the kids' school photos ordered'"); and a task told as
done ("just paid the electricity bill"), asked about ("did i finish the report?") or dropped
("forget about the haircut")."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.references import HistoryMessage
from local_model.understanding import understand

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("request_", "reply", "message", "intent", "target"),
    [
        (
            "mark 'pay the window cleaner' done",
            "Marked 'Pay the window cleaner' as completed.",
            "and 'cancel the milk delivery' too",
            "complete_task",
            "cancel the milk delivery",
        ),
        (
            "mark the gas bill done",
            "Marked 'Pay the gas bill' as completed.",
            "the water bill as well",
            "complete_task",
            "water bill",
        ),
        ("delete task 3", "Deleted 'Buy stamps'.", "same for task 4", "delete_task", "4"),
    ],
)
def test_the_same_change_again_on_another_task(
    request_: str, reply: str, message: str, intent: str, target: str
) -> None:
    history = [HistoryMessage("user", request_), HistoryMessage("assistant", reply)]
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, {"target": target}, False)


def test_too_after_a_question_or_a_new_task_is_not_a_repeat() -> None:
    asked = [
        HistoryMessage("user", "delete the call task"),
        HistoryMessage("assistant", "Which one should I delete: 1. Call mom 2. Call the bank?"),
    ]
    assert understand(asked, "and buy milk too", TODAY).intent != "delete_task"
    created = [
        HistoryMessage("user", "add buy milk"),
        HistoryMessage("assistant", "Created task 'Buy milk'."),
    ]
    result = understand(created, "and eggs too", TODAY)
    assert result.intent not in ("complete_task", "delete_task", "reopen_task", "update_task")


def test_call_it_renames_a_title_with_a_possessive() -> None:
    history = [
        HistoryMessage("user", "remind me to get the kids' school photos ordered"),
        HistoryMessage("assistant", "Created task 'Get the kids' school photos ordered'."),
    ]
    result = understand(history, "can you call it 'order school photos' instead, shorter", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "get the kids' school photos ordered", "new_title": "order school photos"},
        False,
    )


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("did i finish the report?", "list_tasks", {"query": "report"}),
        ("i handed in the essay", "complete_task", {"target": "essay"}),
        ("just paid the electricity bill", "complete_task", {"target": "electricity bill"}),
        ("forget about the haircut", "delete_task", {"target": "haircut"}),
        # "paid" names a task only with its article: "20 quid" is no task.
        ("i just paid 20 quid for lunch", "none", {}),
    ],
)
def test_a_task_told_as_done_or_asked_about(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


def test_dont_forget_about_still_adds() -> None:
    assert understand([], "don't forget about the haircut", TODAY).intent == "add_task"
