"""Tasks named and changes told in other words: "the vet appointment for Max to next Monday",
"the dentist got moved to next tuesday", "take the gym one off", "the last one can go", "i need
dog food"; several numbered tasks at once; phone typing and everyday Englishes ("ja add it",
"grand, put it down for dec 23 so", "wat do i hav 2day"); news, wishes and exclamations that ask
for nothing; a date or a task said at the end of a clause ("by Tuesday.", "clean the gutters
sat")."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.asking import question
from local_model.references import HistoryMessage
from local_model.understanding import understand
from local_model_history import turns

TODAY = date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "reschedule the vet appointment for Max to next Monday",
            {"target": "vet appointment for max", "due": "2026-11-30"},
        ),
        (
            "the report for Sinead isn't urgent anymore, set it to low",
            {"target": "report for sinead", "priority": "low"},
        ),
        # A "for" right before the date says when, not which task.
        ("move the dentist for friday", {"target": "dentist", "due": "2026-11-27"}),
    ],
)
def test_a_task_named_with_who_it_is_for(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("update_task", slots, False)


def test_a_fact_said_after_the_task_sets_no_date() -> None:
    message = "remind me to take the bins out tonight, collection is early tomorrow"
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (
        "add_task",
        {"title": "take the bins out", "due": "2026-11-26"},
    )


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("the dentist got moved to next tuesday", {"target": "dentist", "due": "2026-12-01"}),
        ("my haircut was rescheduled to the 3rd", {"target": "haircut", "due": "2026-12-03"}),
    ],
)
def test_a_move_told_as_news(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("update_task", slots, False)


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("mark milk as bought", "complete_task", {"target": "milk"}),
        ("i don't need the dog food anymore", "delete_task", {"target": "dog food"}),
    ],
)
def test_a_change_told_in_other_words_is_asked_about_with_its_task(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


@pytest.mark.parametrize("message", ["put milk on my list", "stick eggs on the list"])
def test_a_task_put_on_the_list_is_added(message: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.ask) == ("add_task", False)


@pytest.mark.parametrize("message", ["have i got milk on my list?", "did i put milk on my list?"])
def test_asking_what_is_on_the_list_adds_nothing(message: str) -> None:
    assert understand([], message, TODAY).intent == "list_tasks"


def test_a_reminder_asked_for_as_a_need_is_added() -> None:
    result = understand([], "i need a reminder to update my cv", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "add_task",
        {"title": "update my cv"},
        False,
    )


@pytest.mark.parametrize(
    ("message", "title"),
    [("i need dog food", "dog food"), ("we're out of coffee", "coffee")],
)
def test_a_thing_needed_is_asked_about_as_a_task(message: str, title: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("add_task", {"title": title}, True)


@pytest.mark.parametrize("message", ["i need a break", "i'm out of ideas"])
def test_a_need_of_ones_own_is_no_task(message: str) -> None:
    assert understand([], message, TODAY).intent == "none"


def test_a_repetition_said_first_ends_the_title() -> None:
    result = understand([], "remind me every monday to put the bins out", TODAY)
    assert (result.intent, result.slots(), result.unkept) == (
        "add_task",
        {"title": "put the bins out every monday"},
        ["recurrence"],
    )


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("tag the report work", {"target": "report", "tags": ["work"]}),
        ("tag task 3 home", {"target": "3", "tags": ["home"]}),
    ],
)
def test_a_tag_said_after_the_task_is_its_last_word(message: str, slots: dict[str, object]) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == ("update_task", slots)


def test_a_task_no_longer_needed_is_asked_about_as_a_deletion() -> None:
    result = understand([], "the report isn't needed anymore", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "delete_task",
        {"target": "report"},
        True,
    )


SHOWN = turns("show my tasks", "1. Mow the lawn\n2. Fix the shed door\n3. Plant the tomatoes")


def test_a_story_told_by_someone_before_a_bare_command_names_no_task() -> None:
    history = turns("mark call the bank done", "Marked 'Call the bank' as done.")
    result = understand(history, "oh wait no they didn't pick up, reopen", TODAY)
    assert (result.intent, result.slots()) == ("reopen_task", {"target": "call the bank"})


@pytest.mark.parametrize(
    "message", ["the last one can go", "the third one can go, too late in the season"]
)
def test_a_task_that_can_go_is_asked_about_as_a_deletion(message: str) -> None:
    result = understand(SHOWN, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("delete_task", {"target": "3"}, True)
    # The question names the task by its title, not by its place in the list.
    assert question(result, SHOWN) == "Do you want me to delete 'Plant the tomatoes'?"


def test_another_one_after_an_add_is_a_new_task() -> None:
    history = turns("add call the bank", "Created task 'Call the bank'.")
    result = understand(history, "and another one to email the accountant", TODAY)
    assert (result.intent, result.slots()) == ("add_task", {"title": "email the accountant"})


@pytest.mark.parametrize(
    "message", ["done with 1 and 3", "delete 2, 3 and 4", "tick off task 1 and 2"]
)
def test_several_numbered_tasks_are_asked_about_one_at_a_time(message: str) -> None:
    result = understand(SHOWN, message, TODAY)
    assert result.ask
    assert "one at a time" in question(result)


def test_an_adverb_after_should_is_no_part_of_the_title() -> None:
    result = understand([], "i should really clean the oven at some point", TODAY)
    assert (result.intent, result.slots()) == ("add_task", {"title": "clean the oven"})


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("wat do i hav 2day", "list_tasks", {"due_on": "2026-11-26"}),
        ("mark teh report as done", "complete_task", {"target": "report"}),
        ("cancle the gym task", "delete_task", {"target": "gym"}),
    ],
)
def test_chat_spellings_of_everyday_words(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


@pytest.mark.parametrize(
    "message",
    [
        "lol my cat just knocked my coffee all over the keyboard",
        "my sister finished her exams today",
        "I wish I had time to learn the guitar",
        "ugh what a week",
    ],
)
def test_news_a_wish_or_an_exclamation_is_small_talk(message: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.ask) == ("none", False)


@pytest.mark.parametrize(
    "message",
    [
        "my mum called, she wants me to pick up her prescription",
        "my boss moved the deadline to friday",
        "my sister finished her exams, tick off 'buy her a card'",
        "i wish i could remember to call mum, remind me tomorrow",
        "what a long week, show my tasks",
    ],
)
def test_news_beside_a_request_or_a_change_is_not_small_talk(message: str) -> None:
    assert understand([], message, TODAY).intent != "none"


def test_a_task_that_needs_to_go_back_on_the_list_is_reopened() -> None:
    history = turns("show completed tasks", "You have 1 completed task: 1. Fix bike")
    message = "that needs to go back on my to-do list, the brakes still squeak. mark it incomplete"
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == ("reopen_task", {"target": "fix bike"})


def test_a_thing_to_get_done_keeps_its_done_word() -> None:
    result = understand([], "add get the car smog checked by 12/15", TODAY)
    assert (result.intent, result.slots()) == (
        "add_task",
        {"title": "get the car smog checked", "due": "2026-12-15"},
    )


@pytest.mark.parametrize(
    ("history", "message", "intent", "slots"),
    [
        (
            turns(
                "i need to fetch the kids from the party now now",
                "Do you want me to add 'Fetch the kids from the party' as a task, or were you"
                " asking something?",
            ),
            "ja add it",
            "add_task",
            {"title": "fetch the kids from the party"},
        ),
        ([], "what've i got on today", "list_tasks", {"due_on": "2026-11-26"}),
        (
            [],
            "sorted the licence renewal just now, tick it off",
            "complete_task",
            {"target": "licence renewal"},
        ),
        (
            turns("what's on my list", "1. Email Priya\n2. Book car service\n3. Buy printer paper"),
            "3rd ones finished",
            "complete_task",
            {"target": "3"},
        ),
        (
            turns("add renew the rego", "Created task 'Renew the rego'."),
            "actually my partner's doing that one, remove it from mine",
            "delete_task",
            {"target": "renew the rego"},
        ),
        ([], "clear away whatever's been completed", "clear_completed", {}),
        (
            turns("add buy milk", "Created task 'Buy milk'."),
            "can you also set reminders at a specific time?",
            "help",
            {},
        ),
        (
            turns("add collect the turkey", "Created task 'Collect the turkey'."),
            "grand, put it down for dec 23 so",
            "update_task",
            {"target": "collect the turkey", "due": "2026-12-23"},
        ),
        (
            turns(
                "add sort out the car insurance monday",
                "Created task 'Sort out the car insurance' (due Mon 30 Nov).",
            ),
            "nah friday is better",
            "update_task",
            {"target": "sort out the car insurance", "due": "2026-11-27"},
        ),
        (
            [],
            "we're not doing the car wash any more, take it off",
            "delete_task",
            {"target": "car wash"},
        ),
        (
            turns("what's on my list", "1. Pick up parcel\n2. Water the ferns\n3. Gym session"),
            "take the gym one off, my knee's wrecked",
            "delete_task",
            {"target": "gym"},
        ),
    ],
)
def test_phone_typing_and_everyday_englishes(
    history: list[HistoryMessage], message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, slots, False)


@pytest.mark.parametrize(
    ("history", "message", "slots"),
    [
        (
            turns(
                "list everything due tmrw",
                "You have 2 tasks due Fri 27 Nov:\n1. Buy milk\n2. Call gran",
            ),
            "and the day after?",
            {"due_on": "2026-11-28"},
        ),
        (
            turns("show my tasks tagged work", "1. Send report (due Tue 1 Dec)\n2. Prep Q1 plan"),
            "ok now the home ones",
            {"tag": "home"},
        ),
        ([], "gimme what's due up to the end of the month", {"due_before": "2026-11-30"}),
    ],
)
def test_a_list_asked_for_in_other_words(
    history: list[HistoryMessage], message: str, slots: dict[str, object]
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("list_tasks", slots, False)


def test_this_week_said_on_a_sunday_is_up_to_that_day() -> None:
    sunday = date(2026, 11, 29)
    result = understand([], "got anything due this week or am i free", sunday)
    assert (result.intent, result.slots()) == ("list_tasks", {"due_before": "2026-11-29"})


@pytest.mark.parametrize(
    ("history", "message", "intent", "slots"),
    [
        (
            [],
            "Kindly add a task to revert to Mr Sharma regarding the quotation by Tuesday.",
            "add_task",
            {"title": "revert to mr sharma regarding the quotation", "due": "2026-12-01"},
        ),
        (
            [],
            "todo clean the gutters sat, tags home and weekend",
            "add_task",
            {"title": "clean the gutters", "due": "2026-11-28", "tags": ["home", "weekend"]},
        ),
        (
            turns("remind me to book the turkey", "Created task 'Book the turkey'."),
            "oh actually i already did that today lol mark it off",
            "complete_task",
            {"target": "book the turkey"},
        ),
        (
            turns("what's on my list", "1. Boiler service\n2. Get the messages\n3. Phone the bank"),
            "had the boiler service done this morning, mark it off",
            "complete_task",
            {"target": "boiler service"},
        ),
    ],
)
def test_a_date_or_a_task_said_at_a_clause_end(
    history: list[HistoryMessage], message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


@pytest.mark.parametrize("message", ["we sat down and talked", "lying in the sun, bliss"])
def test_sat_and_sun_as_words_are_no_days(message: str) -> None:
    assert understand([], message, TODAY).due is None
