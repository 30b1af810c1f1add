"""Requests told around the task rather than commanded: the task said before "stick it on the
list", a date before the frame, "i mustn't forget to", questions whether a task exists, a
rename told as "should be called", "mark as complete" after the task was named, "it" left
once a tail is gone, a one-task list written out, and questions about the assistant that
name its commands."""

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


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        (
            "book the car in for its MOT, stick it on the list for 14 December please",
            "add_task",
            {"title": "book the car in for its mot", "due": "2026-12-14"},
        ),
        (
            "ok add one more, buy a present for Leo's party on friday",
            "add_task",
            {"title": "buy a present for leo's party", "due": "2026-11-27"},
        ),
        ("i mustn't forget to call the vet", "add_task", {"title": "call the vet"}),
        (
            "next week add a task to renew the car tax",
            "add_task",
            {"title": "renew the car tax", "due": "2026-11-30"},
        ),
        ("is 'renew passport' already on my list?", "list_tasks", {"query": "renew passport"}),
        ("is there a task for the dentist?", "list_tasks", {"query": "dentist"}),
        ("do i have a task about mom?, cheers mate", "list_tasks", {"query": "mom"}),
        # "me" is who asks, not a tag.
        ("show me tasks", "list_tasks", {}),
        # A weekday's plural is a word of the title, not a misspelt "tuesday".
        (
            "rename gym to 'yoga class on tuesdays'",
            "update_task",
            {"target": "gym", "new_title": "yoga class on tuesdays"},
        ),
        (
            "I have finished the grocery shopping, please mark as complete",
            "complete_task",
            {"target": "grocery shopping"},
        ),
        (
            "don't delete the gym one, just change its name to 'yoga class on tuesdays'",
            "update_task",
            {"target": "gym", "new_title": "yoga class on tuesdays"},
        ),
        ("what's the difference between deleting a task and clearing completed?", "help", {}),
        ("can you set recurring tasks?", "help", {}),
    ],
)
def test_told_forms_are_read_and_not_asked_about(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)
    assert not result.ask


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        (
            "need to get the kids' flu jabs booked, stick it down for next week",
            "add_task",
            {"title": "get the kids' flu jabs booked", "due": "2026-11-30"},
        ),
        (
            "todo - schedule annual physical with Dr Patel #health",
            "add_task",
            {"title": "schedule annual physical with dr patel", "tags": ["health"]},
        ),
        (
            "okay so add er fix the tap in the bathroom",
            "add_task",
            {"title": "fix the tap in the bathroom"},
        ),
        (
            "in a week remind me to check if the refund came through",
            "add_task",
            {"title": "check if the refund came through", "due": "2026-12-03"},
        ),
    ],
)
def test_told_forms_carry_the_right_words_even_when_asked_about(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


def test_it_in_a_one_task_list_written_out_is_that_task() -> None:
    history = [
        HistoryMessage("user", "what's due today?"),
        HistoryMessage("assistant", "1 task due today: 1. Post the birthday card to Gran"),
    ]
    result = understand(history, "posted it this morning, tick it off", TODAY)
    assert (result.intent, result.slots()) == (
        "complete_task",
        {"target": "post the birthday card to gran"},
    )
    assert not result.ask


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        (
            "tag it finance please, and it's not urgent",
            {"target": "pay the accountant", "tags": ["finance"], "priority": "low"},
        ),
        (
            "set it for saturday and tag it family",
            {"target": "pay the accountant", "tags": ["family"], "due": "2026-11-28"},
        ),
    ],
)
def test_tag_it_with_other_changes_around_it(message: str, slots: dict[str, object]) -> None:
    result = understand(_created("Pay the accountant"), message, TODAY)
    assert (result.intent, result.slots()) == ("update_task", slots)


def test_it_before_completely_is_the_task_just_created() -> None:
    message = "on second thoughts remove it completely, we're selling the shed"
    result = understand(_created("Buy paint for the shed"), message, TODAY)
    assert (result.intent, result.slots()) == (
        "delete_task",
        {"target": "buy paint for the shed"},
    )


def test_a_rename_told_as_should_be_called_is_asked_about_with_its_words() -> None:
    history = [
        HistoryMessage("user", "show my tasks"),
        HistoryMessage("assistant", "1. Book restaurant 2. Buy oat milk 3. Wrap present"),
    ]
    result = understand(
        history, "the second one should be called 'buy oat milk and bananas'", TODAY
    )
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "2", "new_title": "buy oat milk and bananas"},
    )


def test_again_is_a_word_of_the_new_title() -> None:
    message = "don't mark it done, just rename it to call the bank again"
    result = understand(_created("Call the bank"), message, TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "call the bank", "new_title": "call the bank again"},
    )


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        # The title ends with its sentence; the sentences after it only tell why.
        (
            "remind me to transfer money to mum on December 1st. she's covering the council tax"
            " for us this month",
            "add_task",
            {"title": "transfer money to mum", "due": "2026-12-01"},
        ),
        (
            "add 'call the insurance company' for friday. details: claim number is in the folder",
            "add_task",
            {
                "title": "call the insurance company",
                "due": "2026-11-27",
                "description": "claim number is in the folder",
            },
        ),
        (
            "pls ad a taks to cancel the netflix subscription b4 end of the month",
            "add_task",
            {"title": "cancel the netflix subscription", "due": "2026-11-30"},
        ),
        (
            "can you push the dentist checkup so it's due in 5 days instead",
            "update_task",
            {"target": "dentist checkup", "due": "2026-12-01"},
        ),
        (
            "complete task the one called book train tickets to leeds",
            "complete_task",
            {"target": "book train tickets to leeds"},
        ),
        ("can you mark the gas bill as paid", "complete_task", {"target": "gas bill"}),
    ],
)
def test_more_told_forms_carry_the_right_words(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


def test_delete_it_altogether_is_the_task_discussed() -> None:
    history = [
        HistoryMessage("user", "mark 'return the drill to dave' as done"),
        HistoryMessage("assistant", "Marked 'Return the drill to Dave' as completed."),
    ]
    message = "actually no, just delete it altogether, he said I can keep it"
    result = understand(history, message, TODAY)
    assert (result.intent, result.slots()) == (
        "delete_task",
        {"target": "return the drill to dave"},
    )


def test_clear_those_after_completed_colon_clears_them() -> None:
    history = [
        HistoryMessage("user", "what have I done so far?"),
        HistoryMessage("assistant", "Completed: 1. Pay rent 2. Book vet 3. Send invoice"),
    ]
    assert understand(history, "great, clear those out", TODAY).intent == "clear_completed"


def test_it_after_a_one_match_search_is_that_task_whatever_its_number() -> None:
    history = [
        HistoryMessage("user", "find tasks about the electrician"),
        HistoryMessage("assistant", "1 match: 5. Call the electrician"),
    ]
    result = understand(history, "that's sorted another way, please erase it", TODAY)
    assert (result.intent, result.slots()) == ("delete_task", {"target": "call the electrician"})


def test_retag_names_the_task_and_its_new_tags() -> None:
    result = understand([], "retag 'pay water bill' with bills and home", TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "pay water bill", "tags": ["bills", "home"]},
    )


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        # Only fields after the hashtags: the title ends before them.
        (
            "add book dentist checkup #health #family next tuesday",
            "add_task",
            {"title": "book dentist checkup", "due": "2026-12-01", "tags": ["health", "family"]},
        ),
        # What happens otherwise is a comment, not part of the title.
        (
            "remind me to cancel the free trial in 6 days, it'll charge me otherwise",
            "add_task",
            {"title": "cancel the free trial", "due": "2026-12-02"},
        ),
        (
            "long story short, add renew the car insurance by friday",
            "add_task",
            {"title": "renew the car insurance", "due": "2026-11-27"},
        ),
    ],
)
def test_fields_and_comments_around_a_new_task(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)
    assert not result.ask


def test_the_done_pile_is_completion_not_a_new_task() -> None:
    result = understand(_created("Pay the plumber"), "that one can go in the done pile", TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "pay the plumber"})
    assert not result.ask
    named = understand([], "car insurance can go in the done pile", TODAY)
    assert (named.intent, named.slots(), named.ask) == (
        "complete_task",
        {"target": "car insurance"},
        False,
    )


def test_a_note_put_on_it_updates_the_task_just_created() -> None:
    result = understand(_created("Renew the car insurance"), "put a note on it: policy 4411", TODAY)
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "renew the car insurance", "description": "policy 4411"},
    )


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("nah ditch task 9, not happening", "delete_task", {"target": "9"}),
        ("what does clearing completed tasks actually do? are they gone forever?", "help", {}),
        ("is there a way to make a task repeat every week?", "help", {}),
        (
            "Could you make a new task for me - Order Halloween costumes for the twins - high"
            " priority, by Tuesday",
            "add_task",
            {
                "title": "order halloween costumes for the twins",
                "priority": "high",
                "due": "2026-12-01",
            },
        ),
        (
            "add renew my railcard by friday since it runs out",
            "add_task",
            {"title": "renew my railcard", "due": "2026-11-27"},
        ),
        # A reason is part of the title when no field ends before it.
        (
            "add call the bank because of the fraud alert",
            "add_task",
            {"title": "call the bank because of the fraud alert"},
        ),
        # "what do i have to do" asks for the list, not how the assistant works.
        ("what do i have to do", "list_tasks", {}),
    ],
)
def test_everyday_wrappers_and_questions(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, slots, False)


def test_lose_the_x_one_deletes_it_but_lose_weight_is_a_title() -> None:
    history = [
        HistoryMessage("user", "show my tasks"),
        HistoryMessage("assistant", "1. Renew car tax 2. Book haircut 3. Clean the oven"),
    ]
    result = understand(history, "lose the haircut one, I'm growing it out", TODAY)
    assert (result.intent, result.slots(), result.ask) == (
        "delete_task",
        {"target": "haircut"},
        False,
    )
    assert understand([], "add lose 5 kg by summer", TODAY).intent == "add_task"


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        # The user's quotes and a title's own command word are kept in the question.
        (
            "chuck 'finish slides for monday standup' in the done pile",
            "complete_task",
            {"target": "finish slides for monday standup"},
        ),
        (
            "add a task to delete my old facebook account",
            "add_task",
            {"title": "delete my old facebook account"},
        ),
    ],
)
def test_asked_readings_keep_the_users_words(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)
