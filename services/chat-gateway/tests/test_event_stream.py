"""GET /api/v1/events: every change reaches every open stream of its user, in order, once."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from live_harness import Frame, Gateway, ServiceProcess, User, call_tool_as, open_events
from servicekit.identity import IdentitySigner

pytestmark = pytest.mark.anyio

NewUser = Callable[[], Awaitable[User]]


async def create_task(gateway: Gateway, user: User, title: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        response = await client.post("/api/v1/tasks", json={"title": title}, headers=user.headers)
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


def summary(frames: list[Frame]) -> list[tuple[str | None, str | None, str, str]]:
    """(id, event, task title, actor) of each frame."""
    return [
        (frame.id, frame.event, frame.json()["task"]["title"], frame.json()["actor"])
        for frame in frames
    ]


async def test_api_and_chat_changes_reach_every_stream_of_the_user_in_order_and_no_other_user(
    gateway: Gateway,
    mcp_tasks: ServiceProcess,
    new_user: NewUser,
    signer: IdentitySigner,
) -> None:
    alice, bob = await new_user(), await new_user()
    async with (
        open_events(gateway.url, alice.headers) as first_tab,
        open_events(gateway.url, alice.headers) as second_tab,
        open_events(gateway.url, bob.headers) as bobs_tab,
    ):
        assert first_tab.start is not None
        assert first_tab.start.id == "0"
        created = await create_task(gateway, alice, "Buy milk")
        chat = await call_tool_as(
            mcp_tasks.url, signer, alice.id, "complete_task", {"task_id": created["id"]}
        )
        assert chat["task"]["completed"] is True
        await create_task(gateway, bob, "Bob's own task")

        expected = [
            ("1", "task.created", "Buy milk", "api"),
            ("2", "task.completed", "Buy milk", "chat"),
        ]
        assert summary(await first_tab.events(2)) == expected
        assert summary(await second_tab.events(2)) == expected
        # Bob's first event is his own version 1: nothing of Alice's came before it.
        assert summary(await bobs_tab.events(1)) == [("1", "task.created", "Bob's own task", "api")]


async def test_each_frame_carries_the_task_event_as_published(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    async with open_events(gateway.url, user.headers) as stream:
        created = await create_task(gateway, user, "Water the plants")
        [frame] = await stream.events(1)
    event = frame.json()
    assert frame.id == "1"
    assert frame.event == "task.created"
    assert set(event) == {"version", "type", "task_id", "task", "occurred_at", "actor", "trace_id"}
    assert event["version"] == 1
    assert event["task_id"] == created["id"]
    assert event["task"] == created
    assert json.loads(frame.data or "") == event
