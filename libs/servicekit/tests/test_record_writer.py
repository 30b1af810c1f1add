"""The record tool service's writer: gapless per-user versions under concurrent writers,
publishing after commit in version order, reading pages, retention, soft deletes and revert;
on real PostgreSQL and Redis."""

import uuid
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

import anyio
import pytest
from prometheus_client import CollectorRegistry, Counter
from pydantic import BaseModel, ConfigDict
from redis.asyncio import Redis
from servicekit.database import Database
from servicekit.event_log import EventLog, EventLogRow, PendingEvent, UserVersionRow
from servicekit.event_publisher import EventPublisher
from servicekit.events import Actor
from servicekit.record_errors import (
    EventsGoneError,
    InvalidInputError,
    RecordNotFoundError,
    RevertConflictError,
)
from servicekit.record_events import service_user_channel
from servicekit.record_writer import Mutation, RecordKind, RecordWriter, SoftDeletedRecord
from servicekit.testkit.event_log import received, subscribed
from sqlalchemy import String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

pytestmark = pytest.mark.anyio


class Base(DeclarativeBase):
    pass


class Probe(SoftDeletedRecord, Base):
    __tablename__ = "servicekit_probes"

    title: Mapped[str] = mapped_column(String(200), nullable=False)


class ProbeEventRow(EventLogRow, Base):
    __tablename__ = "servicekit_probe_events"


class ProbeUserVersion(UserVersionRow, Base):
    __tablename__ = "servicekit_probe_user_versions"


class ProbePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    title: str


class ProbeNotFoundError(RecordNotFoundError):
    entity = "probe"
    search_tool = "search_probes"


def change_type(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    return "probe.renamed"


KIND = RecordKind(
    entity="probe",
    model=Probe,
    public=ProbePublic,
    editable=("title",),
    not_found=ProbeNotFoundError,
    change_type=change_type,
)
LOG = EventLog(ProbeEventRow, ProbeUserVersion, records="probes")


async def create(
    writer: RecordWriter[Probe, ProbePublic], user: UUID, title: str, actor: Actor = "api"
) -> Mutation[ProbePublic]:
    async def change(session: AsyncSession, now: datetime) -> tuple[Probe, PendingEvent]:
        probe = Probe(id=uuid4(), user_id=user, title=title, created_at=now, updated_at=now)
        session.add(probe)
        return probe, PendingEvent("probe.created", probe.id, None, KIND.snapshot(probe))

    return await writer.mutate(user, actor, change)


WRITERS = 30
Writer = RecordWriter[Probe, ProbePublic]


@pytest.fixture
def published() -> Counter:
    return Counter("probe_events_published", "test", ["outcome"], registry=CollectorRegistry())


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url, pool_size=4)
    async with db.session() as session:
        connection = await session.connection()
        await connection.run_sync(Base.metadata.create_all)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def writer(database: Database, redis: Redis, published: Counter) -> AsyncIterator[Writer]:
    publisher = EventPublisher(
        redis, channel=partial(service_user_channel, "probes"), published=published
    )
    yield RecordWriter(database, publisher, LOG, KIND)
    await publisher.close()


async def test_concurrent_writers_get_gapless_versions_published_in_their_order(
    writer: Writer, redis: Redis, published: Counter
) -> None:
    user = uuid.uuid4()
    answered: list[int | None] = []

    async def write(n: int) -> None:
        answered.append((await create(writer, user, f"probe {n}")).event_version)

    async with subscribed(redis, "probes", user) as pubsub:
        async with anyio.create_task_group() as group:
            for n in range(WRITERS):
                group.start_soon(write, n)
        events = await received(pubsub, WRITERS)

    page = await writer.events_after(user, 0, 1000)
    assert sorted(v for v in answered if v is not None) == list(range(1, WRITERS + 1))
    assert [event.version for event in events] == list(range(1, WRITERS + 1))
    assert page.events == events
    assert page.latest_version == WRITERS
    assert published.labels("ok")._value.get() == WRITERS


async def test_each_change_is_reverted_exactly_and_a_later_change_blocks_an_earlier_revert(
    writer: Writer,
) -> None:
    user = uuid.uuid4()
    probe = (await create(writer, user, "one")).record.id
    renamed = await writer.update(user, "chat", probe, {"title": "two"})
    renamed_back = await writer.revert(user, "chat", 2)
    deleted = await writer.delete(user, "api", probe)

    with pytest.raises(RevertConflictError, match="changed after version 2"):
        await writer.revert(user, "chat", 2)
    restored = await writer.revert(user, "chat", 4)
    unchanged = await writer.update(user, "chat", probe, {"title": "one"})

    page = await writer.events_after(user, 0)
    assert [(e.version, e.type, e.actor) for e in page.events] == [
        (1, "probe.created", "api"),
        (2, "probe.renamed", "chat"),
        (3, "probe.renamed", "chat"),
        (4, "probe.deleted", "api"),
        (5, "probe.restored", "chat"),
    ]
    assert (renamed.record.title, renamed_back.record.title) == ("two", "one")
    assert deleted.event_version == 4
    assert (restored.record.title, restored.event_version) == ("one", 5)
    assert unchanged.event_version is None
    assert page.events[4].record == {"id": str(probe), "title": "one"}


async def test_reverting_a_creation_deletes_and_another_users_version_is_refused(
    writer: Writer, database: Database
) -> None:
    owner, stranger = uuid.uuid4(), uuid.uuid4()
    created = await create(writer, owner, "mine")

    with pytest.raises(RevertConflictError, match="no change with version 1"):
        await writer.revert(stranger, "api", 1)
    undone = await writer.revert(owner, "api", created.event_version or 0)

    async with database.session() as session:
        probe = (await session.scalars(select(Probe).where(Probe.user_id == owner))).one()
    assert probe.deleted_at is not None
    assert undone.event_version == 2
    assert (await writer.events_after(stranger, 0)).latest_version == 0


async def test_pruned_events_answer_gone_with_the_latest_version(
    writer: Writer, database: Database
) -> None:
    user = uuid.uuid4()
    for n in range(4):
        await create(writer, user, f"t{n}")
    old = datetime.now(UTC) - timedelta(days=31)
    async with database.session() as session:
        await session.execute(
            update(ProbeEventRow)
            .where(ProbeEventRow.user_id == user, ProbeEventRow.version <= 2)
            .values(occurred_at=old)
        )
        removed = await LOG.prune(session, datetime.now(UTC) - timedelta(days=30))

    with pytest.raises(EventsGoneError) as gone:
        await writer.events_after(user, 0)
    kept = await writer.events_after(user, 2)
    latest = await writer.events_after(user, 4)

    assert removed >= 2
    assert gone.value.latest_version == 4
    assert "reload the probes" in str(gone.value)
    assert [event.version for event in kept.events] == [3, 4]
    assert (latest.events, latest.latest_version) == ([], 4)


@pytest.mark.parametrize(("after", "limit", "field"), [(-1, 10, "after"), (0, 0, "limit")])
async def test_bad_event_queries_name_their_field(
    writer: Writer, after: int, limit: int, field: str
) -> None:
    with pytest.raises(InvalidInputError) as refused:
        await writer.events_after(uuid.uuid4(), after, limit)

    assert refused.value.field == field


async def test_writes_succeed_and_are_logged_while_redis_is_down(
    database: Database, unused_port: int, published: Counter
) -> None:
    down = Redis.from_url(f"redis://127.0.0.1:{unused_port}/0", socket_connect_timeout=0.5)
    publisher = EventPublisher(
        down, channel=partial(service_user_channel, "probes"), published=published
    )
    offline = RecordWriter(database, publisher, LOG, KIND)
    user = uuid.uuid4()

    versions = [(await create(offline, user, f"offline {n}")).event_version for n in range(2)]
    await publisher.close()
    await down.aclose()

    assert versions == [1, 2]
    assert [e.version for e in (await offline.events_after(user, 0)).events] == [1, 2]
    assert published.labels("ok")._value.get() == 0
