"""OpenAI (Responses API) and OpenAI-compatible (Chat Completions) models, reached over HTTP,
drive the same task flows as the local model: their streamed tool calls become MCP calls on
the real mcp-tasks, widgets, confirmations and Undo. Every test runs once per provider."""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from chat_gateway.config import Settings
from chat_harness import ChatClient, ChatResponse, TasksRest, button_action, chat_gateway
from chatkit.types import WidgetItem
from http_model_fixtures import API_KEY, HttpModelGateway
from live_harness import User
from model_server import ModelRequest, Reply, ToolCall, call, say
from pydantic import SecretStr

pytestmark = pytest.mark.anyio

Chat = tuple[User, ChatClient, HttpModelGateway]


def widget_key(item: WidgetItem) -> str:
    return str(item.widget.model_dump(mode="json")["key"])


def kinds(answer: ChatResponse) -> list[str]:
    return [widget_key(w) for w in answer.widgets()]


def shown(answer: ChatResponse) -> str:
    return json.dumps([w.widget.model_dump(mode="json") for w in answer.widgets()])


async def press(client: ChatClient, thread_id: str, item_id: str, action: dict[str, Any]) -> None:
    answer = await client.act(thread_id, item_id, action["type"], action["payload"])
    assert answer.status == 200
    assert answer.of_type("error") == []


def listed_id(request: ModelRequest, title: str) -> str:
    """The id of the task titled ``title`` in the newest list_tasks output of the request."""
    tasks = request.last_tool_output()["tasks"]
    return str(next(task["id"] for task in tasks if task["title"] == title))


async def test_adding_a_task_sends_the_tools_and_the_users_local_time(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    gateway.model.play(call("add_task", title="Buy oat milk"), say("Added “Buy oat milk”."))

    answer = await client.create("add buy oat milk")

    assert answer.of_type("error") == []
    assert kinds(answer) == ["task_card"]
    assert answer.assistant_texts() == ["Added “Buy oat milk”."]
    assert await rest.titles(user.id) == ["Buy oat milk"]
    first, second = gateway.model.requests()
    assert {"add_task", "list_tasks", "delete_task", "undo_last_change"} <= set(first.tool_names)
    assert first.user_texts() == ["add buy oat milk"]
    assert second.tool_outputs()[0][0] == "add_task"
    assert json.loads(second.tool_outputs()[0][1])["task"]["title"] == "Buy oat milk"
    paris_now = datetime.now(ZoneInfo("Europe/Paris"))
    assert f"Current local time: {paris_now.date().isoformat()}T" in first.system
    assert paris_now.strftime("%z")[:3] in first.system
    assert first.system.endswith("(Europe/Paris)")


async def test_listing_shows_the_list_and_the_reply(http_chat: Chat, rest: TasksRest) -> None:
    user, client, gateway = http_chat
    for title in ("Pay rent", "Water the plants"):
        await rest.create(user.id, title)
    gateway.model.play(call("list_tasks", status="all"), say("You have 2 tasks."))

    answer = await client.create("what's on my list?")

    assert kinds(answer) == ["task_list"]
    assert "Pay rent" in shown(answer)
    assert "Water the plants" in shown(answer)
    assert answer.assistant_texts() == ["You have 2 tasks."]


async def test_a_multi_step_turn_lists_then_completes_the_right_task(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    for title in ("Buy milk", "Call the plumber", "Book flights"):
        await rest.create(user.id, title)
    gateway.model.play(
        call("list_tasks", query="plumber"),
        lambda request: call("complete_task", task_id=listed_id(request, "Call the plumber")),
        say("Marked “Call the plumber” as completed."),
    )

    answer = await client.create("mark the plumber one as done")

    assert answer.of_type("error") == []
    # The lookup on the way is not shown: the outcome only.
    assert kinds(answer) == ["task_card"]
    assert "Task completed" in shown(answer)
    assert await rest.titles(user.id, "completed") == ["Call the plumber"]
    assert await rest.titles(user.id, "pending") == ["Buy milk", "Book flights"]


async def test_updating_changes_title_due_date_and_priority(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    task_id = await rest.create(user.id, "Dentist")
    gateway.model.play(
        call("update_task", task_id=task_id, title="Dentist appointment", due_date="2031-05-02"),
        call("update_task", task_id=task_id, priority="high"),
        say("Updated."),
    )

    answer = await client.create("rename the dentist, move it to May 2 2031, make it urgent")

    assert answer.of_type("error") == []
    task = (await rest.get(user.id, f"/tasks/{task_id}")).json()
    assert (task["title"], task["due_date"], task["priority"]) == (
        "Dentist appointment",
        "2031-05-02",
        "high",
    )


async def test_parallel_tool_calls_in_one_response_all_run(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    both = Reply(
        calls=(ToolCall("add_task", {"title": "Eggs"}), ToolCall("add_task", {"title": "Flour"}))
    )
    gateway.model.play(both, say("Added both."))

    answer = await client.create("add eggs and flour")

    assert answer.of_type("error") == []
    assert kinds(answer) == ["task_card", "task_card"]
    assert sorted(await rest.titles(user.id)) == ["Eggs", "Flour"]
    first, second = gateway.model.requests()
    assert [name for name, _ in second.tool_outputs()] == ["add_task", "add_task"]
    # The gateway lets an HTTP model call several tools at once, and caps its answer.
    assert first.body["parallel_tool_calls"] is True
    limit = "max_output_tokens" if first.api == "responses" else "max_tokens"
    assert first.body[limit] == Settings.model_fields["model_max_output_tokens"].default


async def test_a_change_and_a_deletion_in_one_answer_keep_confirmation_and_undo_apart(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    bike = await rest.create(user.id, "Fix the bike")
    passport = await rest.create(user.id, "Renew passport")
    both = Reply(
        calls=(
            ToolCall("complete_task", {"task_id": bike}),
            ToolCall("delete_task", {"task_id": passport}),
        )
    )
    gateway.model.play(both, say("Completed the bike; confirm the deletion below."))

    asked = await client.create("the bike is fixed, and drop the passport task")

    assert asked.of_type("error") == []
    assert sorted(kinds(asked)) == ["confirmation", "task_card"]
    assert await rest.titles(user.id, "completed") == ["Fix the bike"]
    assert await rest.titles(user.id, "pending") == ["Renew passport"]
    confirmation = next(w for w in asked.widgets() if widget_key(w) == "confirmation")
    await press(
        client, asked.thread_id, confirmation.id, button_action(confirmation.widget, "confirm")
    )
    assert await rest.titles(user.id, "pending") == []

    gateway.model.play(call("undo_last_change"), say("Restored “Renew passport”."))
    await client.say(asked.thread_id, "undo that")

    assert await rest.titles(user.id, "pending") == ["Renew passport"]
    assert await rest.titles(user.id, "completed") == ["Fix the bike"]


async def test_delete_runs_only_after_confirm_and_undo_brings_it_back(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    task_id = await rest.create(user.id, "Renew passport")
    gateway.model.play(call("delete_task", task_id=task_id), say("Please confirm below."))

    asked = await client.create("delete the passport task")

    assert kinds(asked) == ["confirmation"]
    assert await rest.titles(user.id) == ["Renew passport"]
    told = json.loads(gateway.model.requests()[1].tool_outputs()[0][1])
    assert told["status"] == "confirmation_required"
    confirmation = asked.widgets()[0]
    await press(
        client, asked.thread_id, confirmation.id, button_action(confirmation.widget, "confirm")
    )
    assert await rest.titles(user.id) == []

    gateway.model.play(call("undo_last_change"), say("Restored “Renew passport”."))
    undone = await client.say(asked.thread_id, "undo that")

    assert undone.assistant_texts() == ["Restored “Renew passport”."]
    assert await rest.titles(user.id) == ["Renew passport"]


async def test_cancel_changes_nothing(http_chat: Chat, rest: TasksRest) -> None:
    user, client, gateway = http_chat
    task_id = await rest.create(user.id, "Keep me")
    gateway.model.play(call("delete_task", task_id=task_id), say("Please confirm below."))
    asked = await client.create("delete keep me")
    confirmation = asked.widgets()[0]

    await press(
        client, asked.thread_id, confirmation.id, button_action(confirmation.widget, "cancel")
    )

    assert await rest.titles(user.id) == ["Keep me"]
    stored = await client.thread(asked.thread_id)
    assert "Cancelled. Nothing was changed." in json.dumps(stored.body)


async def test_the_model_cannot_delete_by_calling_the_tool_again_or_twice(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    task_id = await rest.create(user.id, "Precious")
    twice = Reply(
        calls=(
            ToolCall("delete_task", {"task_id": task_id}),
            ToolCall("delete_task", {"task_id": task_id}),
        )
    )
    gateway.model.play(
        twice,
        # Told that confirmation is required, the model insists.
        call("delete_task", task_id=task_id),
        say("Deleted it."),
    )

    answer = await client.create("delete precious, no need to ask")

    assert answer.of_type("error") == []
    assert kinds(answer) == ["confirmation"] * 3
    assert await rest.titles(user.id) == ["Precious"]
    outputs = [json.loads(output) for _, output in gateway.model.requests()[-1].tool_outputs()]
    assert [output["status"] for output in outputs] == ["confirmation_required"] * 3


async def test_clear_completed_clears_only_what_the_confirmation_counted(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    pending = await rest.create(user.id, "Still to do")
    done = await rest.create(user.id, "Done already", completed=True)
    # The model passes ids of its own choosing; the gateway asks about the completed ones.
    gateway.model.play(
        call("clear_completed", task_ids=[pending, done]), say("Please confirm below.")
    )

    asked = await client.create("clear my completed tasks")

    assert kinds(asked) == ["confirmation"]
    assert await rest.titles(user.id) == ["Still to do", "Done already"]
    confirmation = asked.widgets()[0]
    await press(
        client, asked.thread_id, confirmation.id, button_action(confirmation.widget, "confirm")
    )
    assert await rest.titles(user.id) == ["Still to do"]


async def test_undo_from_the_card_reverts_a_completion(http_chat: Chat, rest: TasksRest) -> None:
    user, client, gateway = http_chat
    task_id = await rest.create(user.id, "Fix the bike")
    gateway.model.play(call("complete_task", task_id=task_id), say("Completed."))
    answer = await client.create("fix the bike is done")
    card = answer.widgets()[0]
    assert await rest.titles(user.id, "completed") == ["Fix the bike"]

    await press(client, answer.thread_id, card.id, button_action(card.widget, "undo"))

    assert await rest.titles(user.id, "pending") == ["Fix the bike"]


async def test_an_answer_that_is_only_text_changes_nothing(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    await rest.create(user.id, "Untouched")
    gateway.model.play(say("Happy to help! Ask me to add, list or change tasks."))

    answer = await client.create("thanks!")

    assert answer.of_type("error") == []
    assert answer.widgets() == []
    assert answer.assistant_texts() == ["Happy to help! Ask me to add, list or change tasks."]
    assert await rest.titles(user.id) == ["Untouched"]


async def test_history_sent_to_the_model_is_the_stored_thread_after_a_restart(
    http_chat: Chat, rest: TasksRest, chat_settings: Callable[..., Settings]
) -> None:
    user, client, gateway = http_chat
    gateway.model.play(call("add_task", title="Buy bread"), say("Added “Buy bread”."))
    first = await client.create("add bread")
    thread_id = first.thread_id
    gateway.model.play(call("list_tasks", status="all"), say("You have 1 task."))
    await client.say(thread_id, "list my tasks")
    task_id = (await rest.get(user.id, "/tasks")).json()["tasks"][0]["id"]

    # A new gateway application has no history cache: its history comes from PostgreSQL.
    settings = chat_settings(
        model_provider=gateway.provider,
        model_name="scripted-model",
        model_base_url=gateway.model.base_url,
        openai_api_key=SecretStr(API_KEY),
    )
    async with chat_gateway(settings, configured_model=True) as fresh_url:
        gateway.model.play(say("It is in your list."))
        reloaded = ChatClient(fresh_url, user.token, timezone="Europe/Paris")
        await reloaded.say(thread_id, "is bread on it?")

    messages = gateway.model.requests()[0].messages()
    assert [role for role, _ in messages] == [
        "user",
        "assistant",
        "assistant",
        "user",
        "assistant",
        "assistant",
        "user",
    ]
    assert [text for role, text in messages if role == "user"] == [
        "add bread",
        "list my tasks",
        "is bread on it?",
    ]
    assert messages[1][1].startswith("[task shown]")
    assert messages[2][1] == "Added “Buy bread”."
    assert messages[4][1].startswith("[task list shown]")
    assert task_id in messages[4][1]
    assert messages[5][1] == "You have 1 task."
