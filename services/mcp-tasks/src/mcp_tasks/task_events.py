"""The per-user task event log: appending in the writer's transaction, reading and pruning
(servicekit's EventPublisher sends the committed events to Redis)."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from servicekit.database import Database
from servicekit.events import Actor, TaskEvent, TaskEventType
from sqlalchemy import (
    BigInteger,
    DateTime,
    String,
    Text,
    Uuid,
    bindparam,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import BindParameter, TextClause

from mcp_tasks.errors import TASK_LIST, EventsGoneError
from mcp_tasks.models import TaskEventRow, UserVersion
from mcp_tasks.observability import query_span
from mcp_tasks.schemas import EventPage

_EVENT_PARAMETERS = (
    bindparam("user_id", type_=Uuid()),
    bindparam("count", type_=BigInteger()),
    bindparam("types", type_=ARRAY(String())),
    bindparam("task_ids", type_=ARRAY(Uuid())),
    bindparam("befores", type_=ARRAY(Text())),
    bindparam("afters", type_=ARRAY(Text())),
    bindparam("actor", type_=String()),
    bindparam("trace_id", type_=String()),
    bindparam("occurred_at", type_=DateTime(timezone=True)),
)


def logging_statement(write: str | None = None, *parameters: BindParameter[Any]) -> TextClause:
    """The statement that allocates the next ``count`` versions of the user and logs one row
    per array element with them, in array order; it returns the last version allocated.

    With ``write`` (a data-modifying statement with RETURNING, bound by ``parameters``), that
    write runs first in the same statement and the events are logged only when it returned a
    row; otherwise the statement returns no row and logs nothing.
    """
    source = "VALUES (:user_id, :count)"
    head = "WITH "
    if write is not None:
        head = f"WITH write AS ({write}), "
        source = "SELECT :user_id, :count WHERE EXISTS (SELECT FROM write)"
    # The pieces are constants of this package, never request data; values are bound.
    return text(
        f"""{head}counter AS (
        INSERT INTO task_user_versions (user_id, version) {source}
        ON CONFLICT (user_id)
        DO UPDATE SET version = task_user_versions.version + EXCLUDED.version
        RETURNING version
    ), logged AS (
        INSERT INTO task_events
            (user_id, version, type, task_id, actor, before, after, trace_id, occurred_at)
        SELECT :user_id, counter.version - :count + item.position, item.type, item.task_id,
               :actor, item.before, item.after, :trace_id, :occurred_at
        FROM counter,
             unnest(CAST(:types AS varchar[]), CAST(:task_ids AS uuid[]),
                    CAST(:befores AS jsonb[]), CAST(:afters AS jsonb[]))
                 WITH ORDINALITY AS item(type, task_id, before, after, position)
    )
    SELECT version FROM counter"""  # noqa: S608
    ).bindparams(*_EVENT_PARAMETERS, *parameters)


_APPEND_EVENTS = logging_statement()


def _jsonb(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value)


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """A change about to be logged: the task before and after it (None when absent)."""

    type: TaskEventType
    task_id: UUID
    before: dict[str, Any] | None
    after: dict[str, Any] | None


async def append_events(
    executor: AsyncSession | Database,
    user_id: UUID,
    pending: Sequence[PendingEvent],
    *,
    actor: Actor,
    trace_id: str | None,
    occurred_at: datetime,
    statement: TextClause = _APPEND_EVENTS,
    parameters: Mapping[str, Any] | None = None,
) -> list[TaskEvent] | None:
    """Log ``pending`` with the next versions of the user, inside the caller's transaction
    (a session), or as a statement of its own (the database, with ``statement``).

    The upsert on the user's counter row takes a row lock held until commit, so concurrent
    writers of one user commit in version order and versions have no gaps. Counter and log
    rows are written by one statement: one round trip. ``statement`` may be one built by
    ``logging_statement`` around a write (bound by ``parameters``); None when that write
    changed nothing, so nothing was logged.
    """
    if not pending:
        return []
    values = {
        "user_id": user_id,
        "count": len(pending),
        "types": [item.type for item in pending],
        "task_ids": [item.task_id for item in pending],
        "befores": [_jsonb(item.before) for item in pending],
        "afters": [_jsonb(item.after) for item in pending],
        "actor": actor,
        "trace_id": trace_id,
        "occurred_at": occurred_at,
        **(parameters or {}),
    }
    with query_span("append_events"):
        if isinstance(executor, Database):
            last = await executor.scalar(statement, values)
        else:
            last = (await executor.execute(statement, values)).scalar_one_or_none()
    if last is None:
        return None
    first = last - len(pending) + 1
    return [
        TaskEvent(
            version=first + offset,
            type=item.type,
            task_id=item.task_id,
            task=item.after if item.after is not None else item.before,
            occurred_at=occurred_at,
            actor=actor,
            trace_id=trace_id,
        )
        for offset, item in enumerate(pending)
    ]


def event_from_row(row: TaskEventRow) -> TaskEvent:
    """The published form of a logged event."""
    return TaskEvent(
        version=row.version,
        type=row.type,
        task_id=row.task_id,
        task=row.after if row.after is not None else row.before,
        occurred_at=row.occurred_at,
        actor=row.actor,
        trace_id=row.trace_id,
    )


async def read_events(session: AsyncSession, user_id: UUID, after: int, limit: int) -> EventPage:
    """The user's events with a version above ``after``, oldest first.

    Raises EventsGoneError when retention already removed version ``after + 1``.
    """
    with query_span("latest_version"):
        latest = (
            await session.execute(select(UserVersion.version).where(UserVersion.user_id == user_id))
        ).scalar_one_or_none() or 0
    if after >= latest:
        return EventPage(events=[], latest_version=latest)
    with query_span("read_events"):
        rows = (
            await session.scalars(
                select(TaskEventRow)
                .where(TaskEventRow.user_id == user_id, TaskEventRow.version > after)
                .order_by(TaskEventRow.version)
                .limit(limit)
            )
        ).all()
    if not rows or rows[0].version != after + 1:
        raise EventsGoneError(after, latest, records=TASK_LIST)
    # A writer may have committed between the two reads; never report less than was returned.
    latest = max(latest, rows[-1].version)
    return EventPage(events=[event_from_row(row) for row in rows], latest_version=latest)


async def prune_events(session: AsyncSession, older_than: datetime) -> int:
    """Delete logged events that occurred before ``older_than``; return how many."""
    with query_span("prune_events"):
        result = await session.execute(
            delete(TaskEventRow).where(TaskEventRow.occurred_at < older_than)
        )
    return int(getattr(result, "rowcount", 0) or 0)


class TaskEventLog:
    """The task event log as the runtime prunes it."""

    async def prune(self, session: AsyncSession, older_than: datetime) -> int:
        """Delete logged events that occurred before ``older_than``; return how many."""
        return await prune_events(session, older_than)


TASK_EVENT_LOG = TaskEventLog()


async def oldest_version(session: AsyncSession, user_id: UUID) -> int | None:
    """The oldest version the log still holds for the user (None when it holds none)."""
    with query_span("oldest_version"):
        return (
            await session.execute(
                select(func.min(TaskEventRow.version)).where(TaskEventRow.user_id == user_id)
            )
        ).scalar_one_or_none()
