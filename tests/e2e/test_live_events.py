"""Live task events: every change, in version order, and resumption without loss or duplicates."""

import httpx
import pytest

from .accounts import Account
from .live_events import Frame, listen
from .task_api import create_task

pytestmark = pytest.mark.anyio


def versions(frames: list[Frame]) -> list[int]:
    return [int(frame.payload["version"]) for frame in frames]


async def test_each_change_arrives_once_in_version_order_with_its_type(
    client: httpx.AsyncClient, alice: Account
) -> None:
    async with listen(client, alice) as stream:
        task = await create_task(client, alice, title="first")
        await client.patch(
            f"/api/v1/tasks/{task['id']}", json={"completed": True}, headers=alice.headers
        )
        await client.patch(
            f"/api/v1/tasks/{task['id']}", json={"completed": False}, headers=alice.headers
        )
        await client.patch(
            f"/api/v1/tasks/{task['id']}", json={"title": "renamed"}, headers=alice.headers
        )
        await client.delete(f"/api/v1/tasks/{task['id']}", headers=alice.headers)
        await client.post(f"/api/v1/tasks/{task['id']}/restore", headers=alice.headers)
        frames = await stream.task_events(6)
        extra = await stream.quiet_for(1.0)

    assert [frame.event for frame in frames] == [
        "task.created",
        "task.completed",
        "task.reopened",
        "task.updated",
        "task.deleted",
        "task.restored",
    ]
    numbers = versions(frames)
    assert numbers == list(range(numbers[0], numbers[0] + 6))
    assert [frame.id for frame in frames] == [str(n) for n in numbers]
    assert all(frame.payload["task_id"] == task["id"] for frame in frames)
    assert all(frame.payload["actor"] == "api" for frame in frames)
    assert frames[3].payload["task"]["title"] == "renamed"
    assert extra == []


async def test_resuming_with_last_event_id_replays_exactly_the_missed_changes(
    client: httpx.AsyncClient, alice: Account
) -> None:
    async with listen(client, alice) as stream:
        await create_task(client, alice, title="one")
        await create_task(client, alice, title="two")
        seen = await stream.task_events(2)
    last = versions(seen)[-1]
    missed = [await create_task(client, alice, title=f"missed {n}") for n in range(3)]

    async with listen(client, alice, last_event_id=last) as resumed:
        replayed = await resumed.task_events(3)
        live_task = await create_task(client, alice, title="live")
        live = await resumed.task_events(1)
        extra = await resumed.quiet_for(1.0)

    assert versions(replayed) == [last + 1, last + 2, last + 3]
    assert [f.payload["task_id"] for f in replayed] == [task["id"] for task in missed]
    assert versions(live) == [last + 4]
    assert live[0].payload["task_id"] == live_task["id"]
    assert extra == []


async def test_resuming_with_after_replays_from_that_version(
    client: httpx.AsyncClient, alice: Account
) -> None:
    created = [await create_task(client, alice, title=f"t{n}") for n in range(3)]

    async with listen(client, alice, after=0) as stream:
        frames = await stream.task_events(3)
        extra = await stream.quiet_for(0.5)

    assert [f.payload["task_id"] for f in frames] == [task["id"] for task in created]
    assert versions(frames) == [1, 2, 3]
    assert extra == []


async def test_a_ticket_opens_the_stream_once(client: httpx.AsyncClient, alice: Account) -> None:
    issued = await client.post("/api/v1/events/tickets", headers=alice.headers)
    assert issued.status_code in (200, 201), issued.text
    assert issued.json()["expires_in"] == 30
    ticket = issued.json()["ticket"]

    async with listen(client, None, ticket=ticket) as stream:
        task = await create_task(client, alice, title="via ticket")
        frames = await stream.task_events(1)
    reused = await client.get("/api/v1/events", params={"ticket": ticket})

    assert frames[0].payload["task_id"] == task["id"]
    assert reused.status_code == 401
    assert reused.json()["status"] == 401


async def test_the_event_stream_refuses_anonymous_and_made_up_tickets(
    client: httpx.AsyncClient,
) -> None:
    anonymous = await client.get("/api/v1/events")
    made_up = await client.get("/api/v1/events", params={"ticket": "x" * 43})

    assert anonymous.status_code == 401
    assert made_up.status_code == 401
    assert made_up.headers["content-type"].startswith("application/problem+json")
