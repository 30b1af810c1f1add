"""Another user's threads behave exactly like missing ones, through every request type."""

from typing import Any

import pytest
from chat_harness import ChatClient, TasksRest, button_action, user_input
from live_harness import User

pytestmark = pytest.mark.anyio


async def test_a_user_cannot_read_continue_change_or_act_on_another_users_thread(
    alice: tuple[User, ChatClient], bob: tuple[User, ChatClient], rest: TasksRest
) -> None:
    alice_user, alice_client = alice
    bob_user, bob_client = bob
    created = await alice_client.create("add Alice's secret plan")
    thread_id = created.thread_id
    user_message = created.done_items()[0]
    card = created.widgets()[0]
    toggle = button_action(card.widget, "toggle")
    before = await alice_client.thread(thread_id)

    attempts: list[dict[str, Any]] = [
        {"type": "threads.get_by_id", "params": {"thread_id": thread_id}},
        {"type": "items.list", "params": {"thread_id": thread_id}},
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": user_input("list")},
        },
        {
            "type": "threads.retry_after_item",
            "params": {"thread_id": thread_id, "item_id": user_message.id},
        },
        {"type": "threads.update", "params": {"thread_id": thread_id, "title": "mine now"}},
        {"type": "threads.delete", "params": {"thread_id": thread_id}},
        {
            "type": "items.feedback",
            "params": {"thread_id": thread_id, "item_ids": [user_message.id], "kind": "negative"},
        },
        {
            "type": "threads.custom_action",
            "params": {
                "thread_id": thread_id,
                "item_id": card.id,
                "action": {"type": toggle["type"], "payload": toggle["payload"]},
            },
        },
    ]
    for attempt in attempts:
        answer = await bob_client.post(attempt)
        assert answer.status == 404, (attempt["type"], answer.status, answer.body)
        assert answer.body["title"] == "Not Found"
        assert answer.headers["content-type"].startswith("application/problem+json")

    listed = await bob_client.post({"type": "threads.list", "params": {}})
    assert listed.status == 200
    assert thread_id not in [thread["id"] for thread in listed.body["data"]]
    after = await alice_client.thread(thread_id)
    assert after.body == before.body
    assert await rest.titles(alice_user.id, "pending") == ["Alice's secret plan"]
    assert await rest.titles(bob_user.id) == []


async def test_a_missing_thread_answers_404_before_any_stream_starts(
    alice: tuple[User, ChatClient],
) -> None:
    _, client = alice

    answer = await client.say("thr_does_not_exist", "hello")

    assert answer.status == 404
    assert answer.body["detail"] == "The thread or item does not exist."
    assert answer.events == []
