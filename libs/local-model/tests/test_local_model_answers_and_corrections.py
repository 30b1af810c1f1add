"""Replies that continue the conversation: the answer to "what should I remind you about?",
a yes that names the title ("yeah but call it 'X'"), a correction said as "not X, Y", a list's
follow-on ("tomorrow then?", "what about the home ones"), and "oh and another one, …"."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.understanding import understand
from local_model_history import turns

TODAY = date(2026, 11, 26)  # a Thursday
REMIND_WHAT = turns("remind me", "Sure, what should I remind you about?")


@pytest.mark.parametrize(
    ("answer", "slots"),
    [
        (
            "to get the boys' football boots for the match on monday",
            {"title": "get the boys' football boots for the match", "due": "2026-11-30"},
        ),
        # The clause after it gives "it", the task just told, its date.
        (
            "to get the boys' football boots for the match. make it monday",
            {"title": "get the boys' football boots for the match", "due": "2026-11-30"},
        ),
        (
            "renew the car insurance, make it high priority",
            {"title": "renew the car insurance", "priority": "high"},
        ),
    ],
)
def test_the_answer_to_what_to_be_reminded_about_is_the_task(
    answer: str, slots: dict[str, object]
) -> None:
    result = understand(REMIND_WHAT, answer, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("add_task", slots, False)


def test_a_yes_that_names_the_title_adds_it_with_what_it_says() -> None:
    history = turns(
        "can you remind me about the thing with the landlord",
        "Do you want me to add 'The thing with the landlord' as a task, or were you asking "
        "something?",
    )
    result = understand(
        history, "yeah but call it 'email landlord about the leak', high priority", TODAY
    )
    assert (result.intent, result.slots(), result.ask) == (
        "add_task",
        {"title": "email landlord about the leak", "priority": "high"},
        False,
    )


ADDED = turns("add call gran tomorrow", "Created task 'Call gran' (due Fri 27 Nov).")


def test_not_one_day_but_another_moves_the_task_just_added() -> None:
    result = understand(ADDED, "no wait not tomorrow, thursday", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "call gran", "due": "2026-12-03"},
        False,
    )


@pytest.mark.parametrize("message", ["not tomorrow, i'm busy", "not today, i'm busy"])
def test_a_not_without_another_date_renames_nothing(message: str) -> None:
    result = understand(ADDED, message, TODAY)
    assert result.new_title is None
    assert result.ask or result.intent not in ("update_task", "add_task")


def test_a_day_then_after_the_tasks_due_today_lists_that_day() -> None:
    result = understand(turns("what's due today", "Nothing is due today."), "tomorrow then?", TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {"due_on": "2026-11-27"})


def test_what_about_the_other_ones_after_a_tag_lists_that_tag() -> None:
    shown = "You have 2 tasks tagged work:\n1. Send Q1 numbers\n2. Prep one-to-one notes"
    history = turns("show tasks tagged work", shown)
    result = understand(history, "what about the home ones", TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {"tag": "home"})


def test_another_one_after_an_add_is_a_new_task_asked_about() -> None:
    history = turns("add renew library books", "Created task 'Renew library books'.")
    result = understand(history, "oh and another one, return the drill to dave by sunday", TODAY)
    assert (result.intent, result.slots()) == (
        "add_task",
        {"title": "return the drill to dave", "due": "2026-11-29"},
    )


def test_what_else_is_on_there_lists_the_tasks() -> None:
    history = turns("add buy stamps", "Created task 'Buy stamps'.")
    result = understand(history, "ok what else is on there", TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {})


def test_a_search_says_where_after_its_words() -> None:
    result = understand([], "anything with 'car' in it on my list?", TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {"query": "car"})


MOVED = turns("move dentist to next tuesday", "Moved 'Dentist' to Tue 1 Dec.")


def test_i_meant_the_other_task_makes_the_same_change_to_it() -> None:
    message = "sorry I meant the vet appointment, that's the one that should go to tuesday"
    result = understand(MOVED, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "vet appointment", "due": "2026-12-01"},
        False,
    )


def test_i_mean_as_a_filler_names_no_task() -> None:
    result = understand(MOVED, "i mean it's fine", TODAY)
    assert result.ask or result.intent != "update_task"


OPTIONS = "Which task do you mean: 'Pay Ade back' or 'Pay electricity'?"


def test_an_answer_to_which_task_may_say_what_to_give_it() -> None:
    result = understand(
        turns("move pay to friday", OPTIONS), "the electricity one, to friday", TODAY
    )
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "electricity", "due": "2026-11-27"},
    )


def test_aye_is_no_word_of_the_task() -> None:
    shown = "You have 2 tasks:\n1. Put the bins out\n2. Phone the council"
    result = understand(turns("whit's on the list", shown), "aye the bins one's done", TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "bins"})


@pytest.mark.parametrize("answer", ["yeah go on add it", "go on", "perfect thanks"])
def test_go_on_accepts_the_task_asked_about(answer: str) -> None:
    asked = "Do you want me to add 'Dentist' as a task, or were you asking something?"
    result = understand(turns("dentist", asked), answer, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("add_task", {"title": "dentist"}, False)


def test_same_for_another_tag_after_a_tag_list() -> None:
    shown = "You have 2 tasks tagged 'work':\n1. Expense report\n2. Prep the Monday slides"
    result = understand(turns("show me #work", shown), "same for the home tag", TODAY)
    assert (result.intent, result.slots()) == ("list_tasks", {"tag": "home"})
