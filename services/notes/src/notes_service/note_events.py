"""The per-user event log: appending in the writer's transaction, reading, pruning, and
publishing committed events on Redis as servicekit's RecordEvent."""

import asyncio
import logging
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError
from servicekit.events import Actor
from servicekit.record_events import RecordEvent, RecordEventPage, service_user_channel
from sqlalchemy import DateTime, String, Uuid, bindparam, delete, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from notes_service.config import SERVICE
from notes_service.errors import EventsGoneError
from notes_service.models import NoteEventRow, UserVersion
from notes_service.observability import EVENTS_PUBLISHED

logger = logging.getLogger(__name__)

# The counter upsert takes the user's counter row lock until commit, so writers of one user
# commit in version order and versions have no gaps; counter and log row are one statement.
_APPEND_EVENT = text(
    """WITH counter AS (
        INSERT INTO note_user_versions (user_id, version) VALUES (:user_id, 1)
        ON CONFLICT (user_id) DO UPDATE SET version = note_user_versions.version + 1
        RETURNING version
    )
    INSERT INTO note_events
        (user_id, version, type, record_id, actor, before, after, trace_id, occurred_at)
    SELECT :user_id, counter.version, :type, :record_id, :actor, :before, :after, :trace_id,
           :occurred_at
    FROM counter
    RETURNING version"""
).bindparams(
    bindparam("user_id", type_=Uuid()),
    bindparam("type", type_=String()),
    bindparam("record_id", type_=Uuid()),
    bindparam("actor", type_=String()),
    bindparam("before", type_=JSONB()),
    bindparam("after", type_=JSONB()),
    bindparam("trace_id", type_=String()),
    bindparam("occurred_at", type_=DateTime(timezone=True)),
)


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """A change about to be logged: the record before and after it (None when absent)."""

    type: str
    record_id: UUID
    before: dict[str, Any] | None
    after: dict[str, Any] | None


async def append_event(
    session: AsyncSession,
    user_id: UUID,
    pending: PendingEvent,
    *,
    actor: Actor,
    trace_id: str | None,
    occurred_at: datetime,
) -> RecordEvent:
    """Log ``pending`` with the user's next version, inside the caller's transaction."""
    version = (
        await session.execute(
            _APPEND_EVENT,
            {
                "user_id": user_id,
                "type": pending.type,
                "record_id": pending.record_id,
                "actor": actor,
                "before": pending.before,
                "after": pending.after,
                "trace_id": trace_id,
                "occurred_at": occurred_at,
            },
        )
    ).scalar_one()
    return RecordEvent(
        version=version,
        type=pending.type,
        record_id=pending.record_id,
        record=pending.after if pending.after is not None else pending.before,
        occurred_at=occurred_at,
        actor=actor,
        trace_id=trace_id,
    )


def event_from_row(row: NoteEventRow) -> RecordEvent:
    """The published form of a logged event."""
    return RecordEvent(
        version=row.version,
        type=row.type,
        record_id=row.record_id,
        record=row.after if row.after is not None else row.before,
        occurred_at=row.occurred_at,
        actor="chat" if row.actor == "chat" else "api",
        trace_id=row.trace_id,
    )


async def read_events(
    session: AsyncSession, user_id: UUID, after: int, limit: int
) -> RecordEventPage:
    """The user's events with a version above ``after``, oldest first.

    Raises EventsGoneError when retention already removed version ``after + 1``.
    """
    latest = (
        await session.execute(select(UserVersion.version).where(UserVersion.user_id == user_id))
    ).scalar_one_or_none() or 0
    if after >= latest:
        return RecordEventPage(events=[], latest_version=latest)
    rows = (
        await session.scalars(
            select(NoteEventRow)
            .where(NoteEventRow.user_id == user_id, NoteEventRow.version > after)
            .order_by(NoteEventRow.version)
            .limit(limit)
        )
    ).all()
    if not rows or rows[0].version != after + 1:
        raise EventsGoneError(after, latest)
    # A writer may have committed between the two reads; never report less than was returned.
    latest = max(latest, rows[-1].version)
    return RecordEventPage(events=[event_from_row(row) for row in rows], latest_version=latest)


async def prune_events(session: AsyncSession, older_than: datetime) -> int:
    """Delete logged events that occurred before ``older_than``; return how many."""
    result = await session.execute(
        delete(NoteEventRow).where(NoteEventRow.occurred_at < older_than)
    )
    return int(getattr(result, "rowcount", 0) or 0)


CLOSE_SECONDS = 2.0


class EventPublisher:
    """Publishes committed events on their user's Redis channel, in the order handed over.

    ``publish`` only queues, so a write never waits on Redis; one task sends the queue. When
    sending fails, everything queued so far is dropped (logged and counted, never raised):
    the events stay in the log, where consumers find them through GET /api/v1/events.
    """

    def __init__(self, redis: Redis, *, max_queued: int = 10_000) -> None:
        self._redis = redis
        self._queue: asyncio.Queue[tuple[str, RecordEvent]] = asyncio.Queue(max_queued)
        self._sender: asyncio.Task[None] | None = None

    def publish(self, user_id: UUID, events: Sequence[RecordEvent]) -> None:
        """Queue ``events`` of the user for publishing, after those queued before."""
        channel = service_user_channel(SERVICE, user_id)
        for event in events:
            try:
                self._queue.put_nowait((channel, event))
            except asyncio.QueueFull:
                EVENTS_PUBLISHED.labels("failed").inc()
                logger.warning(
                    "too many events waiting for Redis; they remain in the event log",
                    extra={"version": event.version},
                )
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send())

    async def close(self) -> None:
        """Send what is queued (for at most two seconds), then stop."""
        if self._sender is None:
            return
        with suppress(TimeoutError):
            async with asyncio.timeout(CLOSE_SECONDS):
                await self._queue.join()
        self._sender.cancel()
        with suppress(asyncio.CancelledError):
            await self._sender

    async def _send(self) -> None:
        while True:
            channel, event = await self._queue.get()
            try:
                await self._redis.publish(channel, event.model_dump_json())
                EVENTS_PUBLISHED.labels("ok").inc()
            except (RedisError, OSError) as exc:
                dropped = 1 + self._drop_queued()
                EVENTS_PUBLISHED.labels("failed").inc(dropped)
                logger.warning(
                    "publishing events failed; they remain in the event log",
                    extra={"version": event.version, "dropped": dropped, "error": repr(exc)},
                )
            finally:
                self._queue.task_done()

    def _drop_queued(self) -> int:
        dropped = 0
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()
            dropped += 1
        return dropped
