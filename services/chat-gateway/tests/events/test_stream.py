"""GET /api/v1/events: every change reaches every open stream of its user, in order, once."""

import asyncio
import json
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

import anyio
import asyncpg
import httpx
import pytest
from chat_gateway.events.hub import EventHub
from live_harness import REDIS_URL, Frame, Gateway, GatewayFactory, User, call_tool_as, open_events
from service_processes import ServiceProcess
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


async def test_a_client_that_reconnects_with_last_event_id_gets_exactly_what_it_missed_then_live(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    async with open_events(gateway.url, user.headers) as stream:
        await create_task(gateway, user, "one")
        [first] = await stream.events(1)
    assert first.id == "1"
    await create_task(gateway, user, "two")
    await create_task(gateway, user, "three")

    async with open_events(gateway.url, {**user.headers, "Last-Event-ID": "1"}) as resumed:
        missed = await resumed.events(2)
        await create_task(gateway, user, "four")
        live = await resumed.events(1)
        await create_task(gateway, user, "five")
        later = await resumed.events(1)
    assert [(f.id, f.json()["task"]["title"]) for f in missed + live + later] == [
        ("2", "two"),
        ("3", "three"),
        ("4", "four"),
        ("5", "five"),
    ]


async def test_after_query_parameter_resumes_like_last_event_id_and_the_header_wins(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    for title in ("one", "two", "three"):
        await create_task(gateway, user, title)
    async with open_events(gateway.url, user.headers, params={"after": "1"}) as by_query:
        assert [f.id for f in await by_query.events(2)] == ["2", "3"]
    headers = {**user.headers, "Last-Event-ID": "2"}
    async with open_events(gateway.url, headers, params={"after": "0"}) as both:
        [frame] = await both.events(1)
        await create_task(gateway, user, "four")
        [live] = await both.events(1)
    assert (frame.id, live.id) == ("3", "4")


async def test_a_gap_older_than_the_log_keeps_gives_resync_and_ends_the_stream(
    gateway: Gateway, new_user: NewUser, mcp_tasks_database: str
) -> None:
    user = await new_user()
    for title in ("one", "two", "three"):
        await create_task(gateway, user, title)
    connection = await asyncpg.connect(mcp_tasks_database.replace("+asyncpg", ""))
    try:
        pruned = await connection.execute(
            "DELETE FROM task_events WHERE user_id = $1 AND version <= 2", user.id
        )
    finally:
        await connection.close()
    assert pruned == "DELETE 2"

    async with open_events(gateway.url, {**user.headers, "Last-Event-ID": "1"}) as stream:
        [resync] = await stream.events(1)
        with anyio.fail_after(5):
            assert await stream.next_frame() is None
    assert resync.event == "resync"
    assert resync.id == "3"
    assert resync.json() == {"reason": "expired", "latest_version": 3}

    async with open_events(gateway.url, {**user.headers, "Last-Event-ID": "3"}) as resumed:
        await create_task(gateway, user, "four")
        assert [f.id for f in await resumed.events(1)] == ["4"]


async def test_a_client_ahead_of_the_log_is_told_to_resync(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    await create_task(gateway, user, "one")
    async with open_events(gateway.url, {**user.headers, "Last-Event-ID": "7"}) as stream:
        [resync] = await stream.events(1)
    assert resync.event == "resync"
    assert resync.json() == {"reason": "ahead", "latest_version": 1}


async def test_a_fresh_stream_announces_the_current_version_and_sends_heartbeats(
    gateway_factory: GatewayFactory, new_user: NewUser
) -> None:
    user = await new_user()
    async with gateway_factory(event_heartbeat_seconds=0.2) as gateway:
        await create_task(gateway, user, "one")
        async with open_events(gateway.url, user.headers) as stream:
            assert stream.start is not None
            assert stream.start.id == "1"
            assert stream.start.data is None
            with anyio.fail_after(5):
                while len(stream.comments) < 2:
                    frame = await stream.next_frame()
                    assert frame is None or frame.data is None
            await create_task(gateway, user, "two")
            [event] = await stream.events(1)
    assert stream.comments[:2] == ["heartbeat", "heartbeat"]
    assert event.id == "2"


def metric(text: str, name: str) -> float:
    """The value of one sample of the Prometheus exposition (0 before its first increment)."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[-1])
    return 0.0


async def test_metrics_report_clients_deliveries_resyncs_and_lag(
    gateway: Gateway, new_user: NewUser
) -> None:
    clients = "chat_gateway_event_clients"
    live = 'chat_gateway_events_delivered_total{source="live"}'
    lag = "chat_gateway_event_delivery_lag_seconds_count"
    resyncs = 'chat_gateway_event_resyncs_total{reason="ahead"}'
    user = await new_user()
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        before = (await client.get("/metrics")).text
        async with open_events(gateway.url, user.headers) as stream:
            await create_task(gateway, user, "measured")
            await stream.events(1)
            during = (await client.get("/metrics")).text
        async with open_events(gateway.url, {**user.headers, "Last-Event-ID": "9"}) as ahead:
            await ahead.events(1)
        with anyio.fail_after(5):
            after = (await client.get("/metrics")).text
            while metric(after, clients) != metric(before, clients):
                after = (await client.get("/metrics")).text
    assert "# TYPE chat_gateway_event_clients gauge" in before
    assert metric(during, clients) == metric(before, clients) + 1
    assert metric(during, live) == metric(before, live) + 1
    assert metric(during, lag) == metric(before, lag) + 1
    assert metric(after, resyncs) == metric(during, resyncs) + 1


async def test_a_listener_costs_under_a_kilobyte_so_thousands_of_clients_fit() -> None:
    hub = EventHub(REDIS_URL)
    user_id = uuid4()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        listeners = [hub.register(user_id) for _ in range(1000)]
        per_listener = (tracemalloc.get_traced_memory()[0] - before) / len(listeners)
    finally:
        tracemalloc.stop()
    assert hub.listener_count(user_id) == 1000
    for listener in listeners:
        hub.discard(listener)
    assert hub.listener_count(user_id) == 0
    await hub.stop()
    assert per_listener < 1024, per_listener


async def test_an_open_stream_runs_in_its_request_task_and_one_watcher(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    before = len(asyncio.all_tasks())
    async with (
        open_events(gateway.url, user.headers) as first,
        open_events(gateway.url, user.headers) as second,
    ):
        during = len(asyncio.all_tasks())
        await create_task(gateway, user, "counted")
        delivered = [(await first.events(1))[0].id, (await second.events(1))[0].id]
    # Per stream: the server's request task and the watcher of the client leaving (the
    # clients here run no tasks of their own).
    assert during - before <= 2 * 2, during - before
    assert delivered == ["1", "1"]
