"""The per-user event log: gapless versions under concurrent writers, publishing on Redis in
version order as servicekit's RecordEvent, Redis outages, and retention."""

import json
from collections.abc import AsyncIterator

import anyio
import httpx2
import pytest
from notes_service.config import SERVICE, Settings
from notes_service.runtime import Runtime, open_runtime
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from servicekit.record_events import RecordEvent
from servicekit.testkit.clients import Acting, free_port
from servicekit.testkit.event_log import age_events, logged_versions, received, subscribed
from servicekit.testkit.under_test import StartedApp
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.anyio

API = "/api/v1/notes"
EVENTS = "note_events"
WRITERS = 40


@pytest.fixture
async def subscription(redis: Redis, acting: Acting) -> AsyncIterator[PubSub]:
    async with subscribed(redis, SERVICE, acting.user) as pubsub:
        yield pubsub


async def test_concurrent_writers_of_one_user_get_gapless_versions_published_in_order(
    http: httpx2.AsyncClient, subscription: PubSub, engine: AsyncEngine, acting: Acting
) -> None:
    created = (await http.post(API, json={"title": "shared"})).json()
    statuses: list[int] = []

    async def write(n: int) -> None:
        if n % 2:
            response = await http.post(API, json={"title": f"writer {n}"})
        else:
            response = await http.patch(f"{API}/{created['id']}", json={"body": f"edit {n}"})
        statuses.append(response.status_code)

    async with anyio.create_task_group() as group:
        for n in range(WRITERS):
            group.start_soon(write, n)
    published = await received(subscription, WRITERS + 1)

    assert sorted(statuses) == sorted([201] * (WRITERS // 2) + [200] * (WRITERS // 2))
    assert await logged_versions(engine, EVENTS, acting.user) == list(range(1, WRITERS + 2))
    assert [event.version for event in published] == list(range(1, WRITERS + 2))
    log = (await http.get("/api/v1/events", params={"after": 0, "limit": 1000})).json()
    assert [RecordEvent.model_validate(e) for e in log["events"]] == published
    assert log["latest_version"] == WRITERS + 1


async def test_two_replicas_writing_for_one_user_keep_the_versions_gapless(
    settings: Settings, engine: AsyncEngine, acting: Acting
) -> None:
    async with (
        open_runtime(settings, prune=False) as first,
        open_runtime(settings, prune=False) as second,
    ):
        answered: list[int | None] = []

        async def write(runtime: Runtime, n: int) -> None:
            mutation = await runtime.domain.create(acting.user, "api", title=f"replica {n}")
            answered.append(mutation.event_version)

        async with anyio.create_task_group() as group:
            for n in range(WRITERS):
                group.start_soon(write, first if n % 2 else second, n)

    assert await logged_versions(engine, EVENTS, acting.user) == list(range(1, WRITERS + 1))
    assert sorted(v for v in answered if v is not None) == list(range(1, WRITERS + 1))


async def test_published_event_is_a_record_event_on_the_service_user_channel(
    http: httpx2.AsyncClient, subscription: PubSub
) -> None:
    response = await http.post(API, json={"title": "Wire format", "tags": ["A"]})
    created = response.json()

    (event,) = await received(subscription, 1)

    assert response.headers["x-event-version"] == "1"
    assert event.version == 1
    assert event.type == "note.created"
    assert str(event.record_id) == created["id"]
    assert event.record == created
    assert event.actor == "api"
    assert event.trace_id is not None
    assert len(event.trace_id) == 32


async def test_writes_succeed_and_the_log_keeps_every_event_while_redis_is_down(
    started_app: StartedApp,
) -> None:
    async with started_app(redis_url=f"redis://127.0.0.1:{free_port()}/2") as http:
        created = [await http.post(API, json={"title": f"offline {n}"}) for n in range(2)]
        deleted = await http.delete(f"{API}/{created[0].json()['id']}")
        log = await http.get("/api/v1/events", params={"after": 0})

    assert [response.status_code for response in created] == [201, 201]
    assert deleted.status_code == 200
    assert [(e["version"], e["type"]) for e in log.json()["events"]] == [
        (1, "note.created"),
        (2, "note.created"),
        (3, "note.deleted"),
    ]


async def test_events_older_than_retention_are_pruned_and_asking_for_them_answers_410(
    http: httpx2.AsyncClient, runtime: Runtime, engine: AsyncEngine, acting: Acting
) -> None:
    for n in range(4):
        await http.post(API, json={"title": f"t{n}"})
    days = runtime.settings.event_retention_days + 1
    await age_events(engine, EVENTS, acting.user, up_to=2, days=days)

    removed = await runtime.prune_expired_events()
    gone = await http.get("/api/v1/events", params={"after": 0})
    kept = await http.get("/api/v1/events", params={"after": 2})
    latest = await http.get("/api/v1/events", params={"after": 4})

    assert removed >= 2
    assert gone.status_code == 410
    assert gone.headers["content-type"] == "application/problem+json"
    assert gone.json()["latest_version"] == 4
    assert [e["version"] for e in kept.json()["events"]] == [3, 4]
    assert latest.json() == {"events": [], "latest_version": 4}


@pytest.mark.parametrize("query", [{"after": "-1"}, {"after": "x"}, {"limit": "0"}])
async def test_bad_event_queries_answer_422(
    http: httpx2.AsyncClient, query: dict[str, str]
) -> None:
    response = await http.get("/api/v1/events", params=query)

    assert response.status_code == 422
    assert json.loads(response.text)["status"] == 422
