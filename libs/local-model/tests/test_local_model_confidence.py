"""Confidence and clarification: unsure changes are asked about, questions never add tasks,
negations never act, and context, shifts, focus and languages are understood. How the user is
("I'm done for today") is small talk, and a question about what the assistant can do is help."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.asking import question
from local_model.references import HistoryMessage
from local_model.understanding import understand

TODAY = date(2027, 3, 10)  # a Wednesday


def _history(*turns: tuple[str, str]) -> list[HistoryMessage]:
    return [HistoryMessage("user" if r == "user" else "assistant", t) for r, t in turns]


@pytest.mark.parametrize(
    "message",
    [
        "is it going to rain tomorrow?",
        "will it be sunny on saturday?",
        "what's the weather like in Paris?",
        "tell me about the weather in Paris",
    ],
)
def test_a_question_about_the_world_never_adds_a_task(message: str) -> None:
    result = understand([], message, TODAY)
    assert result.intent != "add_task" or result.ask


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        (
            "hey can you remind me to call the dentist tomorrow about the appointment",
            "add_task",
            {"title": "call the dentist about the appointment", "due": "2027-03-11"},
        ),
        (
            "ad gorceries tmrw, milk egs bred, prioraty hihg",
            "add_task",
            {"title": "gorceries, milk egs bred", "due": "2027-03-11", "priority": "high"},
        ),
        (
            "can we push the dry cleaning to saturday instead",
            "update_task",
            {"target": "dry cleaning", "due": "2027-03-13"},
        ),
        (
            "would you be able to add renew the parking permit",
            "add_task",
            {"title": "renew the parking permit"},
        ),
        ("is it possible to show my tasks", "list_tasks", {}),
        ("show me work stuff", "list_tasks", {"tag": "work"}),
        ("show high priority tasks", "list_tasks", {"priority": "high"}),
        ("put them back", "undo", {}),
        (
            "the visa form isn't actually finished, put it back",
            "reopen_task",
            {"target": "visa form"},
        ),
        ("I finished the report last night", "complete_task", {"target": "report"}),
        ("add yoga every monday", "add_task", {"title": "yoga every monday"}),
        ("take the recycling off my list", "delete_task", {"target": "recycling"}),
        ("cancel the school trip form task", "delete_task", {"target": "school trip form"}),
        ("note to self: renew the bus pass", "add_task", {"title": "renew the bus pass"}),
        ("ticked off the water bill", "complete_task", {"target": "water bill"}),
        (
            "hi! when you get a second could you add book the mot",
            "add_task",
            {"title": "book the mot"},
        ),
    ],
)
def test_phrasings_from_real_use_are_understood_and_acted_on(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == (intent, slots, False)
    assert 0.5 <= result.confidence <= 1.0


@pytest.mark.parametrize(
    "message",
    [
        # Only the classifier reads a deletion; the rules read a task to add.
        "cancel the dentist appointment",
        # Two changes fit: adding "cancel the call mom" or deleting "call mom".
        "i want you to cancel the call mom!",
        # Questions that look like commands.
        "is buy milk still open?",
        "did I already delete the gym task?",
        "is the report done?",
        # Narrative that is not about a task.
        "my sister finished her exams today",
    ],
)
def test_a_change_both_readers_do_not_agree_on_is_asked_about(message: str) -> None:
    result = understand([], message, TODAY)
    assert result.intent == "none" or result.ask


def test_a_negated_command_is_not_carried_out_and_the_task_it_names_is_the_target() -> None:
    result = understand(
        [], "don't mark water the plants done, just rename it to water the ferns", TODAY
    )
    assert (result.intent, result.slots()) == (
        "update_task",
        {"target": "water the plants", "new_title": "water the ferns"},
    )


def test_a_bare_negation_changes_nothing() -> None:
    result = understand([], "no, don't delete it", TODAY)
    assert result.intent not in ("delete_task",) or result.ask


def test_an_unsure_change_is_asked_about_and_yes_carries_it_out() -> None:
    unsure = understand([], "kettle tomorrow?", TODAY)
    assert (unsure.intent, unsure.ask) == ("add_task", True)
    assert unsure.confidence < 0.5
    assert question(unsure) == (
        "Do you want me to add 'kettle' as a task, or were you asking something?"
    )
    history = _history(("user", "kettle tomorrow?"), ("assistant", question(unsure)))
    confirmed = understand(history, "yes please", TODAY)
    assert (confirmed.intent, confirmed.slots(), confirmed.ask) == (
        "add_task",
        {"title": "kettle", "due": "2027-03-11"},
        False,
    )
    declined = understand(history, "no", TODAY)
    assert (declined.intent, declined.ask) == ("none", False)


def test_relative_changes_carry_the_number_of_days() -> None:
    by_days = understand([], "postpone the report by two days", TODAY)
    by_week = understand([], "push pay rent back a week", TODAY)
    assert (by_days.intent, by_days.slots(), by_days.shift_days) == (
        "update_task",
        {"target": "report"},
        2,
    )
    assert (by_week.intent, by_week.slots(), by_week.shift_days) == (
        "update_task",
        {"target": "pay rent"},
        7,
    )


def test_what_to_focus_on_is_a_list_request_for_the_focus_answer() -> None:
    result = understand([], "what should I focus on today?", TODAY)
    assert (result.intent, result.focus, result.slots()) == ("list_tasks", True, {})


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("¿puedes añadir una tarea para mañana?", "Spanish"),
        ("ajoute une tâche pour demain s'il te plaît", "French"),
        ("rappelle-moi d'appeler maman demain", "French"),
        ("kannst du mir bitte helfen?", "German"),
        ("明日のタスクを追加して", "a language other than English"),
    ],
)
def test_a_message_in_another_language_is_recognised_as_such(message: str, language: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.language) == ("none", language)


@pytest.mark.parametrize(
    ("message", "language"),
    [("ayuda", "Spanish"), ("que peux-tu faire ?", "French"), ("Hilfe!", "German")],
)
def test_help_asked_in_another_language_is_help(message: str, language: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.language) == ("help", language)


@pytest.mark.parametrize(
    "message", ["add pain au chocolat for the party", "remind me to call la tienda tomorrow"]
)
def test_a_foreign_word_in_an_english_request_stays_english(message: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.language) == ("add_task", None)


def test_times_of_day_and_repetition_are_noted_as_not_kept() -> None:
    timed = understand([], "remind me to call grandma friday at 6pm", TODAY)
    repeating = understand([], "add water the plants every sunday", TODAY)
    assert (timed.slots(), timed.unkept) == (
        {"title": "call grandma", "due": "2027-03-12"},
        ["time"],
    )
    assert repeating.unkept == ["recurrence"]


def test_the_plumber_came_so_cross_it_off_completes_the_task_named_before() -> None:
    history = _history(
        ("user", "add call the plumber"), ("assistant", "Created task 'Call the plumber'.")
    )
    result = understand(history, "the plumber came so cross it off", TODAY)
    assert (result.intent, result.slots()) == ("complete_task", {"target": "call the plumber"})


@pytest.mark.parametrize(
    ("message", "intent", "title", "target"),
    [
        (
            "i have to remember to make a doctor's appointment tomorow, mark it urgent",
            "add_task",
            "make a doctor's appointment",
            None,
        ),
        ("pay the maid this saturday, mark it urgent", "add_task", "pay the maid", None),
        ("ticked off the dentist checkup today, mark it", "complete_task", None, "dentist checkup"),
    ],
)
def test_a_frame_the_classifier_all_but_rules_out_is_outvoted_and_asked_about(
    message: str, intent: str, title: str | None, target: str | None
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.title) == (intent, title)
    assert (result.target.text if result.target else None) == target
    assert result.ask


@pytest.mark.parametrize(
    "message", ["give me some examples of what i can say", "give me a rundown of my tasks"]
)
def test_a_request_to_read_outvotes_a_change_frame_matched_on_its_words(message: str) -> None:
    result = understand([], message, TODAY)
    assert result.intent in ("help", "list_tasks")
    assert not result.ask


def test_a_frame_that_names_the_field_it_changes_is_never_outvoted() -> None:
    result = understand([], "remove the due date from task 3", TODAY)
    assert result.intent == "update_task"
    assert result.clear_due


@pytest.mark.parametrize(
    ("message", "slots"),
    [
        ("do I have a task to call mum?", {"query": "call mum"}),
        (
            "How many things have I actually completed? feeling unproductive lol",
            {"status": "completed"},
        ),
    ],
)
def test_a_framed_question_to_read_is_answered_not_asked_about_as_a_change(
    message: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots(), result.ask) == ("list_tasks", slots, False)


def test_a_sentence_is_not_a_search() -> None:
    message = "I'm so stressed about work, my manager keeps piling stuff on and I can't say no"
    assert understand([], message, TODAY).intent == "none"


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (
            _history(
                ("user", "brb, just gonna refill my coffee"), ("assistant", "Sure, I'll be here.")
            ),
            "ok mark it done",
        ),
        ([], "make it high priority"),
    ],
)
def test_a_change_of_it_with_no_task_talked_about_asks_which_task(
    history: list[HistoryMessage], message: str
) -> None:
    result = understand(history, message, TODAY)
    assert result.ask
    assert (
        question(result)
        == "Which task do you mean? You can say its name or its number in the list."
    )


@pytest.mark.parametrize(
    "message",
    [
        "I'm done for today 😴 logging off",
        "not much, just bored tbh",
        "done for the day!",
        "ugh i'm so tired, i have way too much to do",
        "perfect, that's all",
        "nothing else, thanks",
        "off to bed",
        "gotta go",
    ],
)
def test_how_the_user_is_is_small_talk_not_a_task_done(message: str) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.ask) == ("none", False)


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("I'm done with the report", "complete_task", {"target": "report"}),
        ("I'm back, add call mum", "add_task", {"title": "call mum"}),
    ],
)
def test_a_request_beside_how_the_user_is_is_still_read(
    message: str, intent: str, slots: dict[str, object]
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.slots()) == (intent, slots)


@pytest.mark.parametrize(
    "message",
    [
        "is there a way to search my tasks?",
        "can I also give tasks tags?",
        "can you remind me what commands you understand? I keep forgetting",
        "do you guys sync with google calendar?",
    ],
)
def test_a_question_about_what_the_assistant_can_do_is_help(message: str) -> None:
    assert understand([], message, TODAY).intent == "help"


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("add a note to the dentist task: bring the insurance card", "update_task"),
        ("remove the due date from the passport task", "update_task"),
    ],
)
def test_a_frame_that_names_the_field_it_changes_acts_without_the_classifier(
    message: str, intent: str
) -> None:
    result = understand([], message, TODAY)
    assert (result.intent, result.ask) == (intent, False)


def test_a_story_before_the_command_does_not_turn_it_into_another_change() -> None:
    result = understand(
        [], "the plumber can't come till thursday, change call the plumber to thursday", TODAY
    )
    # Asked about, as the classifier still prefers another change for the whole message.
    assert (result.intent, result.slots(), result.ask) == (
        "update_task",
        {"target": "call the plumber", "due": "2027-03-11"},
        True,
    )


@pytest.mark.parametrize(
    ("message", "answer"),
    [
        (
            "delete all my tasks",
            "I can only delete tasks one at a time — which one? To remove the finished ones,"
            ' say "clear completed".',
        ),
        ("mark all as done", "I can only mark tasks done one at a time — which one?"),
        ("move everything to tomorrow", "I can only change tasks one at a time — which one?"),
    ],
)
def test_a_change_of_every_task_is_answered_one_at_a_time(message: str, answer: str) -> None:
    result = understand([], message, TODAY)
    assert result.ask
    assert question(result) == answer


def test_a_title_that_starts_with_all_is_a_task() -> None:
    result = understand([], "delete the all-hands prep task", TODAY)
    assert result.slots() == {"target": "all-hands prep"}
