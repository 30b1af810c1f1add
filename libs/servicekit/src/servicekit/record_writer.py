"""Changing a user's records with their events: one transaction per change that also appends
the event, publishing after commit, soft deletes and revert_change.

Changes of one user are serialised in this process so that events are queued, and published,
in version order. The service keeps its domain rules (validation, create, search) and hands
each change to ``RecordWriter.mutate`` as a function of the session and the time.
"""

import asyncio
import uuid
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import DateTime, Uuid, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from servicekit.database import Database
from servicekit.event_log import EventLog, EventLogRow, PendingEvent
from servicekit.event_publisher import EventPublisher
from servicekit.events import Actor
from servicekit.record_errors import InvalidInputError, RecordNotFoundError, RevertConflictError
from servicekit.record_events import RecordEventPage
from servicekit.telemetry import current_trace_id

EVENTS_LIMIT_MAX = 1000


class SoftDeletedRecord:
    """Columns every record of a tool service has; ``deleted_at`` marks a soft delete."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


RecordT = TypeVar("RecordT", bound=SoftDeletedRecord)
PublicT = TypeVar("PublicT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class RecordKind(Generic[RecordT, PublicT]):
    """What the writer needs to know of a service's records.

    ``public`` is the shape tools, REST and events show (built ``from_attributes``);
    ``editable`` the fields a change may set and revert_change puts back; ``change_type``
    names the event of a change to a live record from its snapshots before and after.
    """

    entity: str
    model: type[RecordT]
    public: type[PublicT]
    editable: tuple[str, ...]
    not_found: type[RecordNotFoundError]
    change_type: Callable[[Mapping[str, Any], Mapping[str, Any]], str] | None = field(default=None)

    def snapshot(self, record: RecordT) -> dict[str, Any]:
        """The record as its events record it (the public shape, as JSON)."""
        return self.public.model_validate(record).model_dump(mode="json")

    def type_of_change(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
        """The event type of a change to a live record's fields."""
        if self.change_type is not None:
            return self.change_type(before, after)
        return f"{self.entity}.updated"


@dataclass(frozen=True, slots=True)
class Mutation(Generic[PublicT]):
    """The record after a change, and the version of the event it logged (None: no change)."""

    record: PublicT
    event_version: int | None


def now() -> datetime:
    """The time a change happens at."""
    return datetime.now(UTC)


def parse_id(value: str | UUID, not_found: type[RecordNotFoundError]) -> UUID:
    """The id as a UUID; anything else names a record that does not exist."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(value.strip())
    except ValueError:
        raise not_found(value) from None


class RecordWriter(Generic[RecordT, PublicT]):
    """Record changes on behalf of one verified user at a time."""

    def __init__(
        self,
        database: Database,
        publisher: EventPublisher,
        log: EventLog[Any],
        kind: RecordKind[RecordT, PublicT],
    ) -> None:
        self.database = database
        self.log = log
        self.kind = kind
        self._publisher = publisher
        self._user_locks: weakref.WeakValueDictionary[UUID, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def _lock_for(self, user_id: UUID) -> asyncio.Lock:
        lock = self._user_locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._user_locks[user_id] = lock
        return lock

    async def mutate(
        self,
        user_id: UUID,
        actor: Actor,
        change: Callable[[AsyncSession, datetime], Awaitable[tuple[RecordT, PendingEvent | None]]],
    ) -> Mutation[PublicT]:
        """Run ``change`` in one transaction with the event it returns (None: nothing
        changed), then queue the event for publishing."""
        async with self._lock_for(user_id):
            at = now()
            event = None
            async with self.database.session() as session:
                record, pending = await change(session, at)
                if pending is not None:
                    await session.flush()
                    event = await self.log.append(
                        session,
                        user_id,
                        pending,
                        actor=actor,
                        trace_id=current_trace_id(),
                        occurred_at=at,
                    )
                public = self.kind.public.model_validate(record)
            if event is not None:
                self._publisher.publish(user_id, [event])
        return Mutation(public, event.version if event is not None else None)

    async def locked(
        self, session: AsyncSession, user_id: UUID, record_id: UUID, *, deleted: bool = False
    ) -> RecordT:
        """The user's record, locked for update; deleted ones only when ``deleted``."""
        model = self.kind.model
        statement = select(model).where(model.id == record_id, model.user_id == user_id)
        if not deleted:
            statement = statement.where(model.deleted_at.is_(None))
        record = (await session.scalars(statement.with_for_update())).one_or_none()
        if record is None:
            raise self.kind.not_found(record_id)
        return record

    async def update(
        self, user_id: UUID, actor: Actor, record_id: str | UUID, wanted: Mapping[str, Any]
    ) -> Mutation[PublicT]:
        """Set the validated ``wanted`` fields; a change that sets nothing new logs no event."""
        key = parse_id(record_id, self.kind.not_found)

        async def change(
            session: AsyncSession, at: datetime
        ) -> tuple[RecordT, PendingEvent | None]:
            record = await self.locked(session, user_id, key)
            before = self.kind.snapshot(record)
            changed = {f: v for f, v in wanted.items() if getattr(record, f) != v}
            if not changed:
                return record, None
            for name, value in changed.items():
                setattr(record, name, value)
            record.updated_at = at
            after = self.kind.snapshot(record)
            return record, PendingEvent(self.kind.type_of_change(before, after), key, before, after)

        return await self.mutate(user_id, actor, change)

    async def delete(self, user_id: UUID, actor: Actor, record_id: str | UUID) -> Mutation[PublicT]:
        """Soft-delete a live record; revert_change with the returned version brings it back."""
        key = parse_id(record_id, self.kind.not_found)

        async def change(session: AsyncSession, at: datetime) -> tuple[RecordT, PendingEvent]:
            record = await self.locked(session, user_id, key)
            before = self.kind.snapshot(record)
            record.deleted_at = at
            return record, PendingEvent(f"{self.kind.entity}.deleted", key, before, before)

        return await self.mutate(user_id, actor, change)

    async def revert(self, user_id: UUID, actor: Actor, version: int) -> Mutation[PublicT]:
        """Put the record of change ``version`` back as it was before that change.

        Reverting a creation deletes the record, reverting a deletion restores it.
        Refused when the record changed after that change (revert the later change first).
        """
        if version < 1:
            raise InvalidInputError("version", "version must be a positive event version.")
        entity = self.kind.entity

        async def change(
            session: AsyncSession, at: datetime
        ) -> tuple[RecordT, PendingEvent | None]:
            event = await self.log.logged(session, user_id, version)
            if event is None:
                raise RevertConflictError(
                    f"There is no change with version {version} in your history (it may be "
                    "older than the history keeps). Nothing was changed."
                )
            record = await self.locked(session, user_id, event.record_id, deleted=True)
            latest = await self.log.latest_version_of(session, user_id, event.record_id)
            if latest != version:
                raise RevertConflictError(
                    f"The {entity} changed after version {version} (its latest change is "
                    f"version {latest}); revert version {latest} first, or change the "
                    f"{entity} directly. Nothing was changed."
                )
            return record, self._revert_onto(record, event, at)

        return await self.mutate(user_id, actor, change)

    def _revert_onto(
        self, record: RecordT, event: EventLogRow, at: datetime
    ) -> PendingEvent | None:
        """Set ``record`` to its state before ``event``; returns the event that records it
        (None: nothing changed)."""
        kind = self.kind
        before = kind.snapshot(record)
        was_deleted = record.deleted_at is not None
        # Before a creation there was no record; before a restore it was deleted.
        delete = event.before is None or event.type == f"{kind.entity}.restored"
        if event.before is not None:
            for name in kind.editable:
                setattr(record, name, event.before[name])
        record.deleted_at = at if delete else None
        after = kind.snapshot(record)
        if delete and not was_deleted:
            return PendingEvent(f"{kind.entity}.deleted", record.id, before, before)
        if was_deleted and not delete:
            record.updated_at = at
            after = kind.snapshot(record)
            return PendingEvent(f"{kind.entity}.restored", record.id, before, after)
        if before == after:
            return None
        record.updated_at = at
        after = kind.snapshot(record)
        return PendingEvent(kind.type_of_change(before, after), record.id, before, after)

    async def events_after(self, user_id: UUID, after: int, limit: int = 500) -> RecordEventPage:
        """The user's logged events after version ``after`` (see ``EventLog.read``)."""
        if after < 0:
            raise InvalidInputError("after", "after must be 0 or a positive version number.")
        if not 1 <= limit <= EVENTS_LIMIT_MAX:
            raise InvalidInputError(
                "limit", f"limit must be between 1 and {EVENTS_LIMIT_MAX}; {limit} was given."
            )
        async with self.database.session() as session:
            return await self.log.read(session, user_id, after, limit)
