"""Confirmation before destructive changes and Undo, through threads.custom_action."""

import json
from typing import Any

import pytest
from chat_harness import ChatClient, ChatResponse, TasksRest, button_action
from live_harness import User

pytestmark = pytest.mark.anyio


def _kind(answer: ChatResponse, index: int = 0) -> str:
    return str(answer.widgets()[index].widget.model_dump(mode="json")["key"])


async def _press(
    client: ChatClient, thread_id: str, item_id: str, action: dict[str, Any]
) -> ChatResponse:
    answer = await client.act(thread_id, item_id, action["type"], action["payload"])
    assert answer.status == 200
    assert answer.of_type("error") == []
    return answer


async def test_delete_runs_only_after_confirm_and_undo_restores_the_task(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    thread_id = (await client.create("add Water the plants")).thread_id
    await client.say(thread_id, "list")

    asked = await client.say(thread_id, "delete 1")

    assert _kind(asked) == "confirmation"
    assert asked.assistant_texts() == ["Please confirm with the buttons."]
    assert await rest.titles(user.id) == ["Water the plants"]
    confirmation = asked.widgets()[0]

    confirmed = await _press(
        client, thread_id, confirmation.id, button_action(confirmation.widget, "confirm")
    )

    replaced = confirmed.of_type("thread.item.replaced")
    assert [event.item.id for event in replaced] == [confirmation.id]
    outcome = replaced[0].item.widget
    assert "Deleted task “Water the plants”." in json.dumps(
        outcome.model_dump(mode="json"), ensure_ascii=False
    )
    assert await rest.titles(user.id) == []

    undone = await _press(client, thread_id, confirmation.id, button_action(outcome, "undo"))

    assert "Undone: deleted task" in json.dumps(
        undone.of_type("thread.item.replaced")[0].item.widget.model_dump(mode="json"),
        ensure_ascii=False,
    )
    assert await rest.titles(user.id) == ["Water the plants"]
    stored = await client.thread(thread_id)
    stored_widget = next(i for i in stored.body["items"]["data"] if i["id"] == confirmation.id)
    assert "Undone: deleted task" in json.dumps(stored_widget, ensure_ascii=False)


async def test_cancel_changes_nothing_and_a_second_press_is_refused(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    thread_id = (await client.create("add Keep me")).thread_id
    await client.say(thread_id, "list")
    confirmation = (await client.say(thread_id, "delete 1")).widgets()[0]

    cancelled = await _press(
        client, thread_id, confirmation.id, button_action(confirmation.widget, "cancel")
    )
    again = await client.act(
        thread_id,
        confirmation.id,
        "confirmation.confirm",
        button_action(confirmation.widget, "confirm")["payload"],
    )

    assert "Cancelled. Nothing was changed." in json.dumps(
        cancelled.of_type("thread.item.replaced")[0].item.widget.model_dump(mode="json")
    )
    assert again.status == 200
    assert [event.message for event in again.of_type("error")] == [
        "This request was already handled."
    ]
    assert await rest.titles(user.id) == ["Keep me"]


async def test_clear_completed_asks_first_then_clears_and_can_be_undone(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    thread_id = (await client.create("add Done one")).thread_id
    await client.say(thread_id, "add Still open")
    await client.say(thread_id, "list")
    await client.say(thread_id, "complete 1")

    asked = await client.say(thread_id, "clear completed")

    confirmation = asked.widgets()[0]
    assert "Clear 1 completed task?" in json.dumps(confirmation.widget.model_dump(mode="json"))
    assert await rest.titles(user.id, "completed") == ["Done one"]
    confirmed = await _press(
        client, thread_id, confirmation.id, button_action(confirmation.widget, "confirm")
    )
    assert await rest.titles(user.id) == ["Still open"]

    outcome = confirmed.of_type("thread.item.replaced")[0].item.widget
    await _press(client, thread_id, confirmation.id, button_action(outcome, "undo"))

    assert sorted(await rest.titles(user.id)) == ["Done one", "Still open"]


async def test_clear_completed_clears_only_the_tasks_its_confirmation_showed(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    thread_id = (await client.create("add Done one")).thread_id
    await client.say(thread_id, "list")
    await client.say(thread_id, "complete 1")
    confirmation = (await client.say(thread_id, "clear completed")).widgets()[0]
    assert "Clear 1 completed task?" in json.dumps(confirmation.widget.model_dump(mode="json"))
    for n in range(3):
        await rest.create(user.id, f"Done later {n}", completed=True)

    confirmed = await _press(
        client, thread_id, confirmation.id, button_action(confirmation.widget, "confirm")
    )

    assert "Cleared 1 completed task" in json.dumps(
        confirmed.of_type("thread.item.replaced")[0].item.widget.model_dump(mode="json")
    )
    assert sorted(await rest.titles(user.id)) == [f"Done later {n}" for n in range(3)]


async def test_a_confirmation_id_works_only_on_the_widget_that_holds_it(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    thread_id = (await client.create("add Alpha")).thread_id
    await client.say(thread_id, "add Beta")
    await client.say(thread_id, "list")
    alpha_asked = (await client.say(thread_id, "delete 1")).widgets()[0]
    beta_asked = (await client.say(thread_id, "delete 2")).widgets()[0]
    alpha_payload = button_action(alpha_asked.widget, "confirm")["payload"]

    crossed = await client.act(thread_id, beta_asked.id, "confirmation.confirm", alpha_payload)

    assert crossed.status == 200
    assert [event.message for event in crossed.of_type("error")] == [
        "This confirmation belongs to another widget."
    ]
    assert sorted(await rest.titles(user.id)) == ["Alpha", "Beta"]
    confirmed = await _press(
        client, thread_id, alpha_asked.id, button_action(alpha_asked.widget, "confirm")
    )
    assert confirmed.of_type("thread.item.replaced")[0].item.id == alpha_asked.id
    assert await rest.titles(user.id) == ["Beta"]


async def test_list_buttons_complete_a_task_and_the_outcome_offers_undo(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    thread_id = (await client.create("add Call the bank")).thread_id
    task_list = (await client.say(thread_id, "list")).widgets()[0]

    pressed = await _press(
        client, thread_id, task_list.id, button_action(task_list.widget, "toggle")
    )

    assert await rest.titles(user.id, "completed") == ["Call the bank"]
    row = pressed.of_type("thread.item.replaced")[0].item.widget.model_dump(mode="json")
    assert (
        button_action(pressed.of_type("thread.item.replaced")[0].item.widget, "toggle")["type"]
        == "task.reopen"
    )
    assert row["key"] == "task_list"
    outcome = pressed.widgets()[0]
    await _press(client, thread_id, outcome.id, button_action(outcome.widget, "undo"))
    assert await rest.titles(user.id, "pending") == ["Call the bank"]


async def test_undo_last_change_tool_reverts_the_last_mutation_once(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    thread_id = (await client.create("add Keep")).thread_id
    await client.say(thread_id, "add Oops")

    undone = await client.say(thread_id, "undo")
    assert await rest.titles(user.id) == ["Keep"]
    assert '"undone": "added task \\u201cOops\\u201d"' in undone.assistant_texts()[0]

    await client.say(thread_id, "undo")
    nothing = await client.say(thread_id, "undo")

    assert await rest.titles(user.id) == []
    assert nothing.assistant_texts() == ["Tool result: There is nothing to undo."]


async def test_rename_is_undone_back_to_the_previous_title(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    thread_id = (await client.create("add Old title")).thread_id
    await client.say(thread_id, "list")
    await client.say(thread_id, "rename 1 to New title")
    assert await rest.titles(user.id) == ["New title"]

    await client.say(thread_id, "undo")

    assert await rest.titles(user.id) == ["Old title"]


async def test_completing_an_already_completed_task_leaves_nothing_to_undo(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    first_thread = (await client.create("add Already done")).thread_id
    await client.say(first_thread, "list")
    await client.say(first_thread, "complete 1")
    other_thread = (await client.create("list")).thread_id

    again = await client.say(other_thread, "complete 1")
    undone = await client.say(other_thread, "undo")

    assert again.of_type("error") == []
    card = again.widgets()[0].widget.model_dump(mode="json", exclude_none=True)
    assert card["key"] == "task_card"
    assert '"change.undo"' not in json.dumps(card)
    assert undone.assistant_texts() == ["Tool result: There is nothing to undo."]
    assert await rest.titles(user.id, "completed") == ["Already done"]
    assert await rest.titles(user.id, "pending") == []


def _texts(answer: ChatResponse) -> str:
    """Everything a user can read in a streamed answer: widgets and assistant messages."""
    widgets = [item.widget.model_dump(mode="json") for item in answer.widgets()]
    widgets += [
        event.item.widget.model_dump(mode="json")
        for event in answer.of_type("thread.item.replaced")
    ]
    return json.dumps([widgets, answer.assistant_texts()], ensure_ascii=False)


def _outcome_text(widget: Any) -> str:
    tree = widget.model_dump(mode="json", exclude_none=True)
    assert tree["key"] == "outcome"
    return str(tree["children"][0]["value"])


async def test_buttons_on_a_task_deleted_elsewhere_say_it_no_longer_exists_in_plain_words(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    thread_id = (await client.create("add Buy milk")).thread_id
    task_list = (await client.say(thread_id, "list")).widgets()[0]
    task_id = button_action(task_list.widget, "toggle")["payload"]["task_id"]
    assert (await rest.delete(user.id, task_id)).status_code == 200

    completed = await _press(
        client, thread_id, task_list.id, button_action(task_list.widget, "toggle")
    )
    deleted = await _press(
        client, thread_id, task_list.id, button_action(task_list.widget, "delete")
    )

    for answer in (completed, deleted):
        assert [_outcome_text(item.widget) for item in answer.widgets()] == [
            "This task no longer exists."
        ]
        assert "list_tasks" not in _texts(answer)
        assert "Error executing tool" not in _texts(answer)
    assert await rest.titles(user.id) == []


async def test_undo_of_a_change_to_a_task_deleted_since_says_so_in_plain_words(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    thread_id = (await client.create("add Water the plants")).thread_id
    task_list = (await client.say(thread_id, "list")).widgets()[0]
    pressed = await _press(
        client, thread_id, task_list.id, button_action(task_list.widget, "toggle")
    )
    task_id = button_action(task_list.widget, "toggle")["payload"]["task_id"]
    assert (await rest.delete(user.id, task_id)).status_code == 200
    outcome = pressed.widgets()[0]

    undone = await _press(client, thread_id, outcome.id, button_action(outcome.widget, "undo"))

    replaced = undone.of_type("thread.item.replaced")
    assert [_outcome_text(event.item.widget) for event in replaced] == [
        "Could not undo: completed task “Water the plants”. This task no longer exists."
    ]
    assert "list_tasks" not in _texts(undone)
