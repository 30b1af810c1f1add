"""Short follow-ons to a change just carried out: "and 'X' too" and "same for task 4" repeat
it on another task; "call it 'X' instead" renames the task just created, even when its title
holds a possessive apostrophe ("'Get the kids' school photos ordered'"); and a task told as
done ("just paid the electricity bill"), asked about ("did i finish the report?") or dropped
("forget about the haircut"). "and #6", "and the dentist one" repeat the change just made;
"and home?" after a tagged list lists that tag, and "what about the finished ones?" filters
without searching for "finished ones"."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.asking import question
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


@pytest.mark.parametrize(
    ("message", "target"),
    [("and #6", "6"), ("and the third one", "3"), ("and the dentist one", "dentist")],
)
def test_and_a_task_by_number_or_words_repeats_the_change(message: str, target: str) -> None:
    history = [
        HistoryMessage("user", "mark #5 done"),
        HistoryMessage("assistant", "Marked 'Book hotel' as done."),
    ]
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "complete_task",
        {"target": target},
        False,
    )


def test_and_the_third_one_after_an_add_adds_no_task_called_that() -> None:
    history = [
        HistoryMessage("user", "add milk"),
        HistoryMessage("assistant", "Created task 'Milk'."),
    ]
    result = understand(history, "and the third one", TODAY)
    assert result.slots().get("title") is None


@pytest.mark.parametrize(
    ("request_", "reply", "message", "slots"),
    [
        (
            "show my tasks tagged work",
            "Tagged work: 1. Send the payroll file 2. Prep Monday slides",
            "and home?",
            {"tag": "home"},
        ),
        (
            "what's left to do",
            "You have 2 open tasks: 1. Email Priya 2. Book MOT",
            "what about the finished ones?",
            {"status": "completed"},
        ),
        (
            "what's on my list",
            "You have 2 tasks: 1. Buy a plant for Jo 2. Renew railcard",
            "what about overdue stuff?",
            {"overdue": True},
        ),
    ],
)
def test_a_list_follow_on_names_only_its_filter(
    request_: str, reply: str, message: str, slots: dict[str, object]
) -> None:
    history = [HistoryMessage("user", request_), HistoryMessage("assistant", reply)]
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", slots)


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


@pytest.mark.parametrize("message", ["oops", "not that one", "forget it", "whoops!"])
def test_a_mistake_noticed_right_after_a_change_is_asked_about_as_an_undo(message: str) -> None:
    history = [
        HistoryMessage("user", "add call the dentist friday"),
        HistoryMessage("assistant", "Created task 'Call the dentist' due Fri, Nov 27."),
    ]
    result = understand(history, message, TODAY)
    assert (result.intent, result.ask) == ("undo", True)
    assert question(result) == "Do you want me to undo my last change?"
