"""A tool service's per-user event log: the table columns, appending in the writer's
transaction, reading pages, pruning, and the published form of a logged event.

A service declares its two tables with the mixins and hands them to ``EventLog``::

    class NoteEventRow(EventLogRow, Base):
        __tablename__ = "note_events"

    class UserVersion(UserVersionRow, Base):
        __tablename__ = "note_user_versions"
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    DateTime,
    Index,
    String,
    TextClause,
    Uuid,
    bindparam,
    delete,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from servicekit.events import Actor
from servicekit.record_errors import EventsGoneError
from servicekit.record_events import RecordEvent, RecordEventPage


class EventLogRow:
    """Columns of one row of a user's event log (also the audit trail and the source of undo)."""

    __tablename__: str

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    type: Mapped[str] = mapped_column(String(48), nullable=False)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    actor: Mapped[str] = mapped_column(String(16), nullable=False)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    trace_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Index, ...]:
        return (
            Index(f"ix_{cls.__tablename__}_occurred_at", "occurred_at"),
            # revert_change asks for the latest event of one record.
            Index(f"ix_{cls.__tablename__}_user_record", "user_id", "record_id", "version"),
        )


class UserVersionRow:
    """The last event version handed out for a user; its row lock orders that user's writers."""

    __tablename__: str

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """A change about to be logged: the record before and after it (None when absent)."""

    type: str
    record_id: UUID
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _append_statement(events: str, versions: str) -> TextClause:
    # The counter upsert takes the user's counter row lock until commit, so writers of one user
    # commit in version order and versions have no gaps; counter and log row are one statement.
    return text(
        f"""WITH counter AS (
            INSERT INTO {versions} (user_id, version) VALUES (:user_id, 1)
            ON CONFLICT (user_id) DO UPDATE SET version = {versions}.version + 1
            RETURNING version
        )
        INSERT INTO {events}
            (user_id, version, type, record_id, actor, before, after, trace_id, occurred_at)
        SELECT :user_id, counter.version, :type, :record_id, :actor, :before, :after, :trace_id,
               :occurred_at
        FROM counter
        RETURNING version"""  # noqa: S608  # table names come from the service's own models
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


def event_from_row(row: EventLogRow) -> RecordEvent:
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


EventRowT = TypeVar("EventRowT", bound=EventLogRow)


class EventLog(Generic[EventRowT]):
    """Reads and writes one service's event log; ``records`` names them in messages."""

    def __init__(
        self, events: type[EventRowT], versions: type[UserVersionRow], *, records: str
    ) -> None:
        self.events = events
        self.versions = versions
        self.records = records
        self._append = _append_statement(events.__tablename__, versions.__tablename__)

    async def append(
        self,
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
                self._append,
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

    async def read(
        self, session: AsyncSession, user_id: UUID, after: int, limit: int
    ) -> RecordEventPage:
        """The user's events with a version above ``after``, oldest first.

        Raises EventsGoneError when retention already removed version ``after + 1``.
        """
        latest = (
            await session.execute(
                select(self.versions.version).where(self.versions.user_id == user_id)
            )
        ).scalar_one_or_none() or 0
        if after >= latest:
            return RecordEventPage(events=[], latest_version=latest)
        rows = (
            await session.scalars(
                select(self.events)
                .where(self.events.user_id == user_id, self.events.version > after)
                .order_by(self.events.version)
                .limit(limit)
            )
        ).all()
        if not rows or rows[0].version != after + 1:
            raise EventsGoneError(after, latest, records=self.records)
        # A writer may have committed between the two reads; never report less than was returned.
        latest = max(latest, rows[-1].version)
        return RecordEventPage(events=[event_from_row(row) for row in rows], latest_version=latest)

    async def logged(self, session: AsyncSession, user_id: UUID, version: int) -> EventRowT | None:
        """The user's logged event ``version``, if the log still holds it."""
        statement = select(self.events).where(
            self.events.user_id == user_id, self.events.version == version
        )
        return (await session.scalars(statement)).one_or_none()

    async def latest_version_of(self, session: AsyncSession, user_id: UUID, record_id: UUID) -> int:
        """The version of the latest logged change to one of the user's records."""
        latest = (
            await session.execute(
                select(func.max(self.events.version)).where(
                    self.events.user_id == user_id, self.events.record_id == record_id
                )
            )
        ).scalar_one()
        return int(latest or 0)

    async def prune(self, session: AsyncSession, older_than: datetime) -> int:
        """Delete logged events that occurred before ``older_than``; return how many."""
        result = await session.execute(
            delete(self.events).where(self.events.occurred_at < older_than)
        )
        return int(getattr(result, "rowcount", 0) or 0)
