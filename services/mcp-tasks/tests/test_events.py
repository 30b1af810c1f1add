"""Event versions under concurrency, publishing on Redis, Redis outages and retention."""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import anyio
import anyio.abc
import httpx2
import pytest
from mcp_tasks.config import Settings
from mcp_tasks.main import create_app
from mcp_tasks.runtime import Runtime, open_runtime
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from servicekit.events import TaskEvent, user_channel
from servicekit.identity import IdentitySigner
from servicekit.testkit.clients import Acting, free_port, signed_client
from servicekit.testkit.under_test import ToolServiceUnderTest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.anyio

WRITERS = 50


@pytest.fixture
async def subscription(redis: Redis, acting: Acting) -> AsyncIterator[PubSub]:
    pubsub = redis.pubsub()
    await pubsub.subscribe(user_channel(acting.user))
    yield pubsub
    await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated


async def received(pubsub: PubSub, count: int) -> list[TaskEvent]:
    events: list[TaskEvent] = []
    with anyio.fail_after(10):
        while len(events) < count:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
            if message is not None:
                events.append(TaskEvent.model_validate_json(message["data"]))
    return events


async def test_concurrent_writers_of_one_user_get_gapless_versions_published_in_order(
    http: httpx2.AsyncClient, subscription: PubSub, engine: AsyncEngine, acting: Acting
) -> None:
    statuses: list[int] = []

    async def write(n: int) -> None:
        response = await http.post("/internal/v1/tasks", json={"title": f"writer {n}"})
        statuses.append(response.status_code)

    async with anyio.create_task_group() as group:
        for n in range(WRITERS):
            group.start_soon(write, n)
    published = await received(subscription, WRITERS)

    assert statuses == [201] * WRITERS
    async with engine.connect() as connection:
        versions = (
            (
                await connection.execute(
                    text("SELECT version FROM task_events WHERE user_id = :u ORDER BY version"),
                    {"u": acting.user},
                )
            )
            .scalars()
            .all()
        )
    assert list(versions) == list(range(1, WRITERS + 1))
    assert [event.version for event in published] == list(range(1, WRITERS + 1))
    assert {event.task.title for event in published if event.task} == {
        f"writer {n}" for n in range(WRITERS)
    }
    assert {event.type for event in published} == {"task.created"}


async def test_published_event_matches_the_contract_json(
    http: httpx2.AsyncClient, subscription: PubSub
) -> None:
    created = (await http.post("/internal/v1/tasks", json={"title": "Wire format"})).json()

    with anyio.fail_after(10):
        message = None
        while message is None:
            message = await subscription.get_message(ignore_subscribe_messages=True, timeout=5)
    payload = json.loads(message["data"])

    assert set(payload) == {
        "version",
        "type",
        "task_id",
        "task",
        "occurred_at",
        "actor",
        "trace_id",
    }
    assert payload["version"] == 1
    assert payload["type"] == "task.created"
    assert payload["task_id"] == created["id"]
    assert payload["task"] == created
    assert payload["actor"] == "api"
    assert len(payload["trace_id"]) == 32


def with_redis_port(tool_service: ToolServiceUnderTest, database_url: str, port: int) -> Settings:
    """Test settings whose Redis is on ``port`` of this host."""
    settings = tool_service.make_settings(database_url, redis_url=f"redis://127.0.0.1:{port}/2")
    assert isinstance(settings, Settings)
    return settings


async def test_writes_succeed_and_the_log_keeps_every_event_while_redis_is_down(
    tool_service: ToolServiceUnderTest, database_url: str, signer: IdentitySigner, acting: Acting
) -> None:
    app = create_app(with_redis_port(tool_service, database_url, free_port()))
    async with (
        app.router.lifespan_context(app),
        signed_client(app, signer, acting, base_url=tool_service.base_url) as http,
    ):
        created = [
            await http.post("/internal/v1/tasks", json={"title": f"offline {n}"}) for n in range(3)
        ]
        done = await http.patch(
            f"/internal/v1/tasks/{created[0].json()['id']}", json={"completed": True}
        )
        log = await http.get("/internal/v1/events", params={"after": 0})

    assert [response.status_code for response in created] == [201, 201, 201]
    assert done.status_code == 200
    assert log.status_code == 200
    assert [(e["version"], e["type"]) for e in log.json()["events"]] == [
        (1, "task.created"),
        (2, "task.created"),
        (3, "task.created"),
        (4, "task.completed"),
    ]
    assert log.json()["latest_version"] == 4


async def test_writes_do_not_wait_for_a_redis_that_never_answers(
    tool_service: ToolServiceUnderTest, database_url: str, acting: Acting
) -> None:
    """Publishing runs beside the writes: a Redis that accepts connections and then stays
    silent (each publish would wait out the one-second socket timeout) delays no write."""
    held: list[anyio.abc.SocketStream] = []

    async def hold(stream: anyio.abc.SocketStream) -> None:
        held.append(stream)
        async with stream:
            await anyio.sleep_forever()

    async with await anyio.create_tcp_listener(local_host="127.0.0.1") as listener:
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        async with anyio.create_task_group() as group:
            group.start_soon(listener.serve, hold)
            silent = with_redis_port(tool_service, database_url, port)
            async with open_runtime(silent, prune=False) as runtime:
                with anyio.fail_after(0.9):
                    for n in range(3):
                        await runtime.domain.add_task(acting.user, "api", title=f"quiet {n}")
                page = await runtime.domain.events_after(acting.user, 0)
            group.cancel_scope.cancel()

    assert held, "the service never connected to the silent Redis"
    assert [event.version for event in page.events] == [1, 2, 3]


async def test_events_older_than_retention_are_pruned_and_asking_for_them_answers_410(
    http: httpx2.AsyncClient, runtime: Runtime, engine: AsyncEngine, acting: Acting
) -> None:
    for n in range(4):
        await http.post("/internal/v1/tasks", json={"title": f"t{n}"})
    old = datetime.now(UTC) - timedelta(days=runtime.settings.event_retention_days + 1)
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE task_events SET occurred_at = :t WHERE user_id = :u AND version <= 2"),
            {"t": old, "u": acting.user},
        )

    removed = await runtime.prune_expired_events()
    gone = await http.get("/internal/v1/events", params={"after": 0})
    kept = await http.get("/internal/v1/events", params={"after": 2})
    latest = await http.get("/internal/v1/events", params={"after": 4})

    assert removed >= 2
    assert gone.status_code == 410
    assert gone.headers["content-type"] == "application/problem+json"
    assert gone.json()["latest_version"] == 4
    assert "reload" in gone.json()["detail"]
    assert kept.status_code == 200
    assert [e["version"] for e in kept.json()["events"]] == [3, 4]
    assert latest.json() == {"events": [], "latest_version": 4}


def test_retention_days_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MCP_TASKS_EVENT_RETENTION_DAYS", "7")

    assert Settings().event_retention_days == 7


async def test_unknown_user_has_an_empty_log(http: httpx2.AsyncClient, acting: Acting) -> None:
    acting.user = uuid.uuid4()

    response = await http.get("/internal/v1/events")

    assert (response.status_code, response.json()) == (200, {"events": [], "latest_version": 0})
