"""A turn shows its outcome only: lookups made on the way to a change are not shown as widgets."""

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from chat_gateway.config import Settings
from chat_harness import ChatClient, ChatResponse, TasksRest, chat_gateway
from live_harness import User

pytestmark = pytest.mark.anyio


@pytest.fixture
async def local_chat(
    chat_settings: Callable[..., Settings], new_user: Callable[[], Awaitable[User]]
) -> AsyncIterator[tuple[User, ChatClient]]:
    user = await new_user()
    async with chat_gateway(chat_settings(model_provider="local"), configured_model=True) as url:
        yield user, ChatClient(url, user.token, timezone="Europe/Paris")


def shown(answer: ChatResponse) -> list[str]:
    """The turn's stored items in order: widget keys and 'reply' for assistant messages."""
    return [
        item.widget.model_dump(mode="json")["key"] if item.type == "widget" else "reply"
        for item in answer.done_items()
        if item.type in ("widget", "assistant_message")
    ]


async def test_completing_by_name_shows_the_completed_card_and_not_the_list_looked_up(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = local_chat
    thread_id = (await client.create("add buy oat milk")).thread_id
    await client.say(thread_id, "add call the plumber")

    completed = await client.say(thread_id, "mark buy oat milk as done")

    assert completed.of_type("error") == []
    assert shown(completed) == ["task_card", "reply"]
    assert "completed" in completed.assistant_texts()[0].lower()
    assert [t.lower() for t in await rest.titles(user.id, "completed")] == ["buy oat milk"]


async def test_a_list_request_shows_one_list_before_a_one_sentence_reply(
    local_chat: tuple[User, ChatClient],
) -> None:
    _, client = local_chat
    thread_id = (await client.create("add buy oat milk")).thread_id
    await client.say(thread_id, "add call the plumber")

    listed = await client.say(thread_id, "show my tasks")

    assert shown(listed) == ["task_list", "reply"]
    reply = listed.assistant_texts()[0]
    assert reply == "You have 2 tasks."
    reloaded = await client.thread(thread_id)
    kinds = [item["type"] for item in reloaded.body["items"]["data"]][-3:]
    assert kinds == ["user_message", "widget", "assistant_message"]


async def test_an_empty_list_is_said_in_the_reply_without_a_no_tasks_card(
    local_chat: tuple[User, ChatClient],
) -> None:
    _, client = local_chat

    listed = await client.create("show my tasks")

    assert shown(listed) == ["reply"]
    assert listed.assistant_texts()[0].startswith("You have no")


async def regenerate(client: ChatClient, thread_id: str, message_id: str) -> ChatResponse:
    return await client.post(
        {
            "type": "threads.retry_after_item",
            "params": {"thread_id": thread_id, "item_id": message_id},
        }
    )


async def test_regenerating_an_answer_that_added_a_task_does_not_add_it_again(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = local_chat
    added = await client.create("add stretch for 10 minutes every morning")
    thread_id = added.thread_id
    message_id = added.done_items()[0].id
    card_id = added.widgets()[0].id
    old_reply_id = next(i.id for i in added.done_items() if i.type == "assistant_message")

    again = await regenerate(client, thread_id, message_id)

    assert again.status == 200
    assert again.of_type("error") == []
    assert [event.item_id for event in again.of_type("thread.item.removed")] == [old_reply_id]
    assert again.widgets() == []
    reply = again.assistant_texts()[0]
    assert reply.startswith("I already did this (task added:")
    assert "did not do it again" in reply
    assert [t.lower() for t in await rest.titles(user.id)] == [
        "stretch for 10 minutes every morning"
    ]
    stored = (await client.thread(thread_id)).body["items"]["data"]
    assert [item["id"] for item in stored][:2] == [message_id, card_id]
    assert [item["type"] for item in stored] == ["user_message", "widget", "assistant_message"]


async def test_regenerating_a_list_answer_runs_the_turn_again(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = local_chat
    thread_id = (await client.create("add buy oat milk")).thread_id
    listed = await client.say(thread_id, "show my tasks")
    message_id = listed.done_items()[0].id
    old_ids = [item.id for item in listed.done_items()[1:]]

    again = await regenerate(client, thread_id, message_id)

    assert [event.item_id for event in again.of_type("thread.item.removed")] == old_ids
    assert shown(again) == ["task_list", "reply"]
    assert again.assistant_texts()[0] == "You have 1 task."
    assert [t.lower() for t in await rest.titles(user.id)] == ["buy oat milk"]


async def test_a_resent_message_with_the_same_key_runs_once_and_answers_409(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = local_chat
    thread_id = (await client.create("add buy oat milk")).thread_id
    message = {
        "type": "threads.add_user_message",
        "metadata": {"message_key": "0b7e4c1e-5d0a-4c39-9d1e-3f1f2b8f6a11"},
        "params": {
            "thread_id": thread_id,
            "input": {
                "content": [{"type": "input_text", "text": "add water the plants"}],
                "attachments": [],
                "inference_options": {},
            },
        },
    }

    first = await client.post(message)
    resent = await client.post(message)

    assert first.status == 200
    assert resent.status == 409
    assert resent.body["detail"] == "This message was already received."
    titles = sorted(t.lower() for t in await rest.titles(user.id))
    assert titles == ["buy oat milk", "water the plants"]
    stored = (await client.thread(thread_id)).body["items"]["data"]
    assert [item["type"] for item in stored].count("user_message") == 2


async def test_a_malformed_message_key_is_refused_with_400_before_anything_is_stored(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = local_chat
    answer = await client.post(
        {
            "type": "threads.create",
            "metadata": {"message_key": "no spaces allowed"},
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": "add water the plants"}],
                    "attachments": [],
                    "inference_options": {},
                }
            },
        }
    )

    assert answer.status == 400
    assert "message_key" in answer.body["detail"]
    assert await rest.titles(user.id) == []
