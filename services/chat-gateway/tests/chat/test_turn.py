"""A full chat turn: the scripted model calls add_task over MCP; events, rows and reload agree."""

import pytest
from chat_harness import ChatClient, TasksRest
from chatkit.types import ThreadItemDoneEvent
from live_harness import User

pytestmark = pytest.mark.anyio


async def test_a_turn_adds_the_task_over_mcp_and_streams_a_task_card(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice

    answer = await client.create("add Buy oat milk")

    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/event-stream")
    kinds = [event.type for event in answer.events]
    assert kinds[0] == "thread.created"
    assert "error" not in kinds
    items = answer.done_items()
    assert [item.type for item in items] == ["user_message", "widget", "assistant_message"]
    card = items[1].widget.model_dump(mode="json", exclude_none=True)
    assert card["key"] == "task_card"
    assert "Buy oat milk" in str(card)
    assert answer.assistant_texts()[0].startswith("Tool result:")
    assert await rest.titles(user.id) == ["Buy oat milk"]


async def test_the_thread_reloads_with_the_same_items_and_an_automatic_title(
    alice: tuple[User, ChatClient],
) -> None:
    _, client = alice
    answer = await client.create("add Renew passport before the summer trip to Lisbon please")

    reloaded = await client.thread(answer.thread_id)

    assert reloaded.status == 200
    streamed = [item.model_dump(mode="json") for item in answer.done_items()]
    stored = reloaded.body["items"]["data"]
    assert [item["id"] for item in stored] == [item["id"] for item in streamed]
    assert [item["type"] for item in stored] == [item["type"] for item in streamed]
    assert stored[1]["widget"] == streamed[1]["widget"] | {}
    assert reloaded.body["title"] == "Renew passport before the summer trip to Lisbon please"
    updates = [e for e in answer.events if e.type == "thread.updated"]
    assert updates
    assert updates[-1].thread.title == reloaded.body["title"]


async def test_the_first_turn_that_changes_tasks_names_the_thread(
    alice: tuple[User, ChatClient],
) -> None:
    _, client = alice
    first = await client.create("list")
    assert (await client.thread(first.thread_id)).body["title"] == "list"

    await client.say(first.thread_id, "add Renew passport")
    await client.say(first.thread_id, "add Water the plants")

    assert (await client.thread(first.thread_id)).body["title"] == "Renew passport"


async def test_a_title_the_user_chose_stays(alice: tuple[User, ChatClient]) -> None:
    _, client = alice
    first = await client.create("list")
    renamed = await client.post(
        {"type": "threads.update", "params": {"thread_id": first.thread_id, "title": "Errands"}}
    )
    assert renamed.status == 200

    await client.say(first.thread_id, "add Renew passport")

    assert (await client.thread(first.thread_id)).body["title"] == "Errands"


async def test_a_second_turn_sees_the_list_and_acts_on_the_second_task(
    alice: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = alice
    first = await client.create("add First task")
    thread_id = first.thread_id
    await client.say(thread_id, "add Second task")
    listed = await client.say(thread_id, "list")
    assert listed.widgets()[0].widget.model_dump(mode="json")["key"] == "task_list"

    completed = await client.say(thread_id, "complete 2")

    assert completed.status == 200
    assert completed.widgets()[0].widget.model_dump(mode="json")["key"] == "task_card"
    assert await rest.titles(user.id, "completed") == ["Second task"]
    assert await rest.titles(user.id, "pending") == ["First task"]


async def test_placeholder_ids_of_chat_completions_models_never_collide(
    alice: tuple[User, ChatClient],
) -> None:
    _, client = alice
    first = await client.create("fake id")
    second = await client.say(first.thread_id, "fake id")

    reloaded = await client.thread(first.thread_id)

    ids = [item["id"] for item in reloaded.body["items"]["data"]]
    assert len(ids) == 4
    assert len(set(ids)) == 4
    assert "__fake_id__" not in ids
    done = [e for e in second.events if isinstance(e, ThreadItemDoneEvent)]
    assert done[-1].item.id != "__fake_id__"
