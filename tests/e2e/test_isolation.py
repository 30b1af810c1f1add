"""Two fresh users never see or touch each other's threads, items, tasks or events."""

import uuid

import httpx
import pytest

from . import chatkit_wire as chat
from .accounts import Account
from .live_events import listen
from .task_api import all_tasks, create_task, get_task

pytestmark = pytest.mark.anyio


def _same_as_missing(theirs: httpx.Response, missing: httpx.Response) -> None:
    assert theirs.status_code == 404, theirs.text
    assert missing.status_code == 404, missing.text
    assert theirs.json()["title"] == missing.json()["title"]


async def test_another_users_task_ids_answer_exactly_like_missing_ones(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    task = await create_task(client, alice, title="alice's secret", description="private")
    missing = str(uuid.uuid4())

    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"title": "pwned", "completed": True}),
        ("DELETE", "", None),
        ("POST", "/restore", None),
    ]:
        theirs = await client.request(
            method, f"/api/v1/tasks/{task['id']}{suffix}", json=body, headers=bob.headers
        )
        unknown = await client.request(
            method, f"/api/v1/tasks/{missing}{suffix}", json=body, headers=bob.headers
        )
        _same_as_missing(theirs, unknown)
        assert "alice" not in theirs.text

    assert await all_tasks(client, bob) == []
    unchanged = await get_task(client, alice, task["id"])
    assert unchanged.status_code == 200
    assert unchanged.json() == task


async def test_another_users_thread_and_items_answer_exactly_like_missing_ones(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    await create_task(client, alice, title="buy milk")
    turn = await chat.send_message(client, alice, "delete buy milk")
    thread_id = turn.thread_id
    assert thread_id is not None
    item_id, action = chat.find_button([turn], "confirm", "delete")
    before = await chat.call(client, alice, "items.list", {"thread_id": thread_id})
    missing_thread = "thr_" + uuid.uuid4().hex[:8]

    requests: list[tuple[str, chat.JSON]] = [
        ("threads.get_by_id", {"thread_id": thread_id}),
        ("items.list", {"thread_id": thread_id}),
        ("threads.update", {"thread_id": thread_id, "title": "pwned"}),
        ("items.feedback", {"thread_id": thread_id, "item_ids": [item_id], "kind": "negative"}),
        ("threads.delete", {"thread_id": thread_id}),
    ]
    for request_type, params in requests:
        theirs = await chat.call(client, bob, request_type, params)
        unknown = await chat.call(
            client, bob, request_type, {**params, "thread_id": missing_thread}
        )
        _same_as_missing(theirs, unknown)

    bodies: list[chat.JSON] = [
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": chat.user_input("show my tasks")},
        },
        {
            "type": "threads.custom_action",
            "params": {"thread_id": thread_id, "item_id": item_id, "action": action},
        },
        {
            "type": "threads.retry_after_item",
            "params": {"thread_id": thread_id, "item_id": before.json()["data"][-1]["id"]},
        },
    ]
    for body in bodies:
        streamed = await chat.stream(client, bob, body)
        assert streamed.status_code == 404, (body["type"], streamed.raw)
        assert streamed.events == []

    after = await chat.call(client, alice, "items.list", {"thread_id": thread_id})
    assert after.json() == before.json()
    assert (await chat.call(client, alice, "threads.get_by_id", {"thread_id": thread_id})).json()[
        "title"
    ] != "pwned"
    assert len(await all_tasks(client, alice)) == 1
    assert (await chat.call(client, bob, "threads.list", {})).json()["data"] == []


async def test_chat_cannot_reach_another_users_tasks_by_title(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    task = await create_task(client, alice, title="water the plants")

    await chat.send_message(client, bob, "mark water the plants as done")
    await chat.send_message(client, bob, "rename 'water the plants' to 'pwned'")

    assert (await get_task(client, alice, task["id"])).json() == task
    assert await all_tasks(client, bob) == []


async def test_a_users_event_stream_carries_only_their_own_changes(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    async with listen(client, bob) as bobs_stream:
        for n in range(3):
            await create_task(client, alice, title=f"alice {n}")
        mine = await create_task(client, bob, title="bob's own")
        frames = await bobs_stream.task_events(1)
        extra = await bobs_stream.quiet_for(1.0)

    assert frames[0].payload["task_id"] == mine["id"]
    assert frames[0].payload["version"] == 1
    assert extra == []


async def test_a_replay_never_includes_another_users_events(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    await create_task(client, alice, title="alice only")

    async with listen(client, bob, after=0) as replay:
        extra = await replay.quiet_for(1.0)

    assert extra == []
