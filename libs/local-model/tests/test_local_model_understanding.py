"""Understanding of free-text task messages: intents and slots, on phrasings of our own."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.references import HistoryMessage
from local_model.understanding import understand

TODAY = date(2027, 3, 10)  # a Wednesday


def _say(message: str, *history: tuple[str, str]) -> tuple[str, dict[str, object]]:
    turns = [
        HistoryMessage("user" if role == "user" else "assistant", text) for role, text in history
    ]
    result = understand(turns, message, TODAY)
    return result.intent, result.slots()


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("add a task: delete the spam folder", {"title": "delete the spam folder"}),
        (
            "add call the bank tomorrow, it's pretty important",
            {"title": "call the bank", "due": "2027-03-11", "priority": "high"},
        ),
        ("new todo - show the flat to the agent", {"title": "show the flat to the agent"}),
        ("add task undo the knots in the rope", {"title": "undo the knots in the rope"}),
        ("create a reminder called 'mark exam papers'", {"title": "mark exam papers"}),
        (
            "could u add pay the gas bill on the 15th pls",
            {"title": "pay the gas bill", "due": "2027-03-15"},
        ),
        (
            "i need to ring the garage tmrw morning",
            {"title": "ring the garage", "due": "2027-03-11"},
        ),
        (
            "remnid me on friday to return the library books",
            {"title": "return the library books", "due": "2027-03-12"},
        ),
        ("dont forget to feed the cat tonight", {"title": "feed the cat", "due": "2027-03-10"}),
        (
            "Add a high priority task to sign the lease",
            {"title": "sign the lease", "priority": "high"},
        ),
        (
            "add renew parking permit, not important",
            {"title": "renew parking permit", "priority": "low"},
        ),
        ("add water the ferns #garden", {"title": "water the ferns", "tags": ["garden"]}),
        (
            "add book a haircut in two weeks, tags: me, errands",
            {"title": "book a haircut", "due": "2027-03-24", "tags": ["me", "errands"]},
        ),
        (
            "put 'sort the recycling' on my list for saturday",
            {"title": "sort the recycling", "due": "2027-03-13"},
        ),
        ("add 'call the urgent care clinic'", {"title": "call the urgent care clinic"}),
        (
            "hey, could you add 'plan the picnic' for next week? thx",
            {"title": "plan the picnic", "due": "2027-03-15"},
        ),
        (
            "add 'renew visa' by April 3 - details: bring two photos",
            {"title": "renew visa", "due": "2027-04-03", "description": "bring two photos"},
        ),
        ("todo fix the squeaky door", {"title": "fix the squeaky door"}),
        (
            "must send the quarterly numbers by end of the month, add it please",
            {"title": "send the quarterly numbers", "due": "2027-03-31"},
        ),
        ("bake a cake on sunday", {"title": "bake a cake", "due": "2027-03-14"}),
        (
            "i gotta finish the slides by friday!!",
            {"title": "finish the slides", "due": "2027-03-12"},
        ),
        ("remind me to prepare for next week's exam", {"title": "prepare for next week's exam"}),
        ("make sure i call mom on friday", {"title": "call mom", "due": "2027-03-12"}),
        ("make sure to renew the passport", {"title": "renew the passport"}),
        ("add this: mow the lawn", {"title": "mow the lawn"}),
    ],
)
def test_new_tasks_get_a_clean_title_and_their_modifiers(
    message: str, slots: dict[str, object]
) -> None:
    assert _say(message) == ("add_task", slots)


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("what's on my plate", {}),
        ("show me the stuff due tomorrow", {"due_on": "2027-03-11"}),
        ("which of my tasks are late?", {"overdue": True}),
        ("list the ones I already finished", {"status": "completed"}),
        ("what's still open", {"status": "pending"}),
        ("show everything incl. completed", {"status": "all"}),
        ("anything due before march 20?", {"due_before": "2027-03-20"}),
        ("what do I have this week", {"due_before": "2027-03-14"}),
        ("search for anything about the passport", {"query": "passport"}),
        ("show tasks tagged #garden", {"tag": "garden"}),
        ("whats on for tomorrow", {"due_on": "2027-03-11"}),
        ("show me what i need to do", {}),
        ("what haven't i done yet", {"status": "pending"}),
        ("show me everything, done or not", {"status": "all"}),
        ("pull up my work tasks", {"tag": "work"}),
        ("hi! so show my shopping tasks", {"tag": "shopping"}),
        ("what's in housing?", {"tag": "housing"}),
    ],
)
def test_list_requests_carry_their_filters(message: str, slots: dict[str, object]) -> None:
    assert _say(message) == ("list_tasks", slots)


@pytest.mark.parametrize(
    ("message", "intent", "target"),
    [
        ("mark 'wash the car' as finished", "complete_task", "wash the car"),
        ("the car wash is done!", "complete_task", "car wash"),
        ("tick off number 4", "complete_task", "4"),
        ("I'm done with the tax forms", "complete_task", "tax forms"),
        ("got the shopping done", "complete_task", "shopping"),
        ("finished the 2nd one 🎉", "complete_task", "2"),
        ("uncheck walk the dog", "reopen_task", "walk the dog"),
        ("mark #6 as not done", "reopen_task", "6"),
        ("hmm, the essay isn't finished after all", "reopen_task", "essay"),
        ("please get rid of the dentist task", "delete_task", "dentist"),
        ("delete the one called remove duplicates", "delete_task", "remove duplicates"),
        ("trash the last one", "delete_task", "-1"),
        ("erase 'order pizza' from my list", "delete_task", "order pizza"),
        ("scratch the dentist appointment", "delete_task", "dentist appointment"),
        ("nix the gym session please", "delete_task", "gym session"),
        ("delete the car wash entry", "delete_task", "car wash"),
        ("that's buy milk done", "complete_task", "buy milk"),
        ("g'day groceries done", "complete_task", "groceries"),
    ],
)
def test_existing_tasks_are_targeted_by_title_or_number(
    message: str, intent: str, target: str
) -> None:
    assert _say(message) == (intent, {"target": target})


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "rename walk the dog to walk the dogs",
            {"target": "walk the dog", "new_title": "walk the dogs"},
        ),
        ("change 'gym' to 'gym with Ana'", {"target": "gym", "new_title": "gym with ana"}),
        ("push gym out to friday", {"target": "gym", "due": "2027-03-12"}),
        (
            "move the school fair cake forward to friday",
            {"target": "school fair cake", "due": "2027-03-12"},
        ),
        (
            "give birthday gift a new name: pick up the kids from school",
            {"target": "birthday gift", "new_title": "pick up the kids from school"},
        ),
        ("postpone the report until monday", {"target": "report", "due": "2027-03-15"}),
        ("set task 2 to low priority", {"target": "2", "priority": "low"}),
        ("make the insurance call urgent", {"target": "insurance call", "priority": "high"}),
        ("remove the due date from task 3", {"target": "3", "clear_due_date": True}),
        ("tag #2 as home", {"target": "2", "tags": ["home"]}),
        (
            "add a note to the visa task: photos are in the drawer",
            {"target": "visa", "description": "photos are in the drawer"},
        ),
    ],
)
def test_changes_name_the_task_and_what_changes(message: str, slots: dict[str, object]) -> None:
    assert _say(message) == ("update_task", slots)


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("wipe all the completed stuff", "clear_completed"),
        ("remove everything I've finished", "clear_completed"),
        ("delete whatever is done", "clear_completed"),
        ("hmm no, revert that", "undo"),
        ("undo pls", "undo"),
        ("what are you able to do?", "help"),
        ("how do I rename a task", "help"),
        ("good morning :)", "none"),
        ("tell me about the weather in Paris", "none"),
        ("cheers mate", "none"),
    ],
)
def test_commands_without_slots_and_small_talk(message: str, intent: str) -> None:
    assert _say(message) == (intent, {})


def test_it_refers_to_the_task_named_in_the_previous_reply() -> None:
    assert _say(
        "actually push it to friday",
        ("user", "add call the notary"),
        ("assistant", "Created task 'Call the notary'."),
    ) == ("update_task", {"target": "call the notary", "due": "2027-03-12"})


def test_it_refers_to_the_task_widget_shown_last() -> None:
    shown = '[task shown]\n{"id": "t-9", "title": "Pay the nanny", "completed": false}'
    assert _say("ok that one is done", ("user", "show pay the nanny"), ("assistant", shown)) == (
        "complete_task",
        {"target": "pay the nanny"},
    )


def test_a_bare_reply_to_the_title_question_becomes_the_title() -> None:
    assert _say(
        "buy a birthday card friday",
        ("user", "new task"),
        ("assistant", "Sure — what should the task be?"),
    ) == ("add_task", {"title": "buy a birthday card", "due": "2027-03-12"})


def test_an_answer_to_a_clarifying_question_continues_the_request() -> None:
    question = (
        "I found 2 tasks matching 'milk': 1. 'Buy milk' 2. 'Buy oat milk'. "
        "Which one do you mean to complete?"
    )
    assert _say("the 2nd", ("user", "milk is done"), ("assistant", question)) == (
        "complete_task",
        {"target": "2"},
    )


def test_a_new_command_after_a_clarifying_question_is_a_new_request() -> None:
    question = (
        "I found 1 task matching 'walked the dog': 1. 'feed the dog'. "
        "Which one do you mean to complete?"
    )
    assert _say(
        "stick down renew the car insurance",
        ("user", "walked the dog already, mark it done"),
        ("assistant", question),
    ) == ("add_task", {"title": "renew the car insurance"})
    assert _say(
        "feed the dog", ("user", "walked the dog already, mark it done"), ("assistant", question)
    ) == ("complete_task", {"target": "feed the dog"})


def test_thanks_after_a_change_is_small_talk() -> None:
    assert _say(
        "great, thank you!", ("user", "add buy soap"), ("assistant", "Created task 'Buy soap'.")
    ) == (
        "none",
        {},
    )
