"""The entry domain: every rule, used by the MCP tools and the REST API alike.

Each change runs in one transaction that also appends its event to the user's log; the event
is queued for publishing after commit. Changes of one user are serialised in this process so
that events are queued, and published, in version order.
"""

import asyncio
import re
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from servicekit.database import Database
from servicekit.events import Actor
from servicekit.record_events import RecordEventPage
from servicekit.telemetry import current_trace_id
from servicekit.text import unstorable_reason
from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from entries_service.entry_events import EventPublisher, PendingEvent, append_event, read_events
from entries_service.errors import EntryNotFoundError, InvalidInputError, RevertConflictError
from entries_service.models import Entry, EntryEventRow
from entries_service.schemas import EntryPage, EntryPublic

ENTITY = "entry"
TITLE_MAX = 200
BODY_MAX = 20000
TAGS_MAX = 10
TAG_MAX = 32
SEARCH_LIMIT_MAX = 100
EVENTS_LIMIT_MAX = 1000
EDITABLE = ("title", "body", "tags")
"""The fields a change may set and revert_change puts back."""
_LIKE_SPECIALS = re.compile(r"([\\%_])")


def _now() -> datetime:
    return datetime.now(UTC)


def storable_text(value: str, field: str) -> str:
    """The value unchanged, or an error when it holds a NUL or a lone surrogate (unstorable)."""
    reason = unstorable_reason(value)
    if reason is not None:
        raise InvalidInputError(
            field, f"The {field} contains {reason}, which cannot be stored. Remove it."
        )
    return value


def clean_title(title: str) -> str:
    """The title trimmed, or an error when it is empty or too long."""
    text = storable_text(title, "title").strip()
    if not text:
        raise InvalidInputError("title", f"The title is empty. Give the {ENTITY} a short title.")
    if len(text) > TITLE_MAX:
        raise InvalidInputError(
            "title",
            f"The title is {len(text)} characters long; the limit is {TITLE_MAX}. Shorten it "
            "and put the rest in the body.",
        )
    return text


def clean_body(body: str) -> str:
    """The body, or an error when it is too long."""
    storable_text(body, "body")
    if len(body) > BODY_MAX:
        raise InvalidInputError(
            "body",
            f"The body is {len(body)} characters long; the limit is {BODY_MAX}. Shorten it.",
        )
    return body


def clean_tag(raw: str, field: str = "tags") -> str:
    """One tag trimmed and lowercased, or an error when it is empty or too long."""
    tag = storable_text(raw, field).strip().lower()
    if not tag or len(tag) > TAG_MAX:
        raise InvalidInputError(
            field, f"The tag {raw[:64]!r} must be 1 to {TAG_MAX} characters long. Fix or drop it."
        )
    return tag


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Tags trimmed, lowercased and de-duplicated (first occurrence kept), within the limits."""
    cleaned: list[str] = []
    for raw in tags:
        tag = clean_tag(raw)
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > TAGS_MAX:
        raise InvalidInputError(
            "tags", f"Each {ENTITY} can have at most {TAGS_MAX} tags; {len(cleaned)} were given."
        )
    return cleaned


def parse_id(value: str | UUID) -> UUID:
    """The id as a UUID; anything else names an entry that does not exist."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(value.strip())
    except ValueError:
        raise EntryNotFoundError(value) from None


def _escape_like(word: str) -> str:
    return _LIKE_SPECIALS.sub(r"\\\1", word)


def snapshot(entry: Entry) -> dict[str, Any]:
    """The entry as its events record it (the public shape, as JSON)."""
    return EntryPublic.model_validate(entry).model_dump(mode="json")


def change_type(before: dict[str, Any], after: dict[str, Any]) -> str:
    """The event type of a change to a live entry's fields."""
    return f"{ENTITY}.updated"


@dataclass(frozen=True, slots=True)
class EntrySearch:
    """What search_entries selects; validated by ``EntryService.search``."""

    query: str = ""
    tag: str | None = None
    limit: int = 20


@dataclass(frozen=True, slots=True)
class EntryChanges:
    """A partial update; None means "leave unchanged"."""

    title: str | None = None
    body: str | None = None
    tags: Sequence[str] | None = None

    def cleaned(self) -> dict[str, Any]:
        """The fields to set, validated."""
        wanted: dict[str, Any] = {}
        if self.title is not None:
            wanted["title"] = clean_title(self.title)
        if self.body is not None:
            wanted["body"] = clean_body(self.body)
        if self.tags is not None:
            wanted["tags"] = clean_tags(self.tags)
        return wanted


@dataclass(frozen=True, slots=True)
class Mutation:
    """The record after a change, and the version of the event it logged (None: no change)."""

    record: EntryPublic
    event_version: int | None


Change = Callable[[AsyncSession, datetime], Awaitable[tuple[Entry, PendingEvent | None]]]


class EntryService:
    """Entry operations on behalf of one verified user at a time."""

    def __init__(self, database: Database, publisher: EventPublisher) -> None:
        self._database = database
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

    async def _mutate(self, user_id: UUID, actor: Actor, change: Change) -> Mutation:
        async with self._lock_for(user_id):
            now = _now()
            event = None
            async with self._database.session() as session:
                entry, pending = await change(session, now)
                if pending is not None:
                    await session.flush()
                    event = await append_event(
                        session,
                        user_id,
                        pending,
                        actor=actor,
                        trace_id=current_trace_id(),
                        occurred_at=now,
                    )
                record = EntryPublic.model_validate(entry)
            if event is not None:
                self._publisher.publish(user_id, [event])
        return Mutation(record, event.version if event is not None else None)

    @staticmethod
    async def _locked(
        session: AsyncSession, user_id: UUID, entry_id: UUID, *, deleted: bool = False
    ) -> Entry:
        statement = select(Entry).where(Entry.id == entry_id, Entry.user_id == user_id)
        if not deleted:
            statement = statement.where(Entry.deleted_at.is_(None))
        entry = (await session.scalars(statement.with_for_update())).one_or_none()
        if entry is None:
            raise EntryNotFoundError(entry_id)
        return entry

    async def create(
        self, user_id: UUID, actor: Actor, *, title: str, body: str = "", tags: Sequence[str] = ()
    ) -> Mutation:
        """Create an entry for the user."""
        values = {"title": clean_title(title), "body": clean_body(body), "tags": clean_tags(tags)}

        async def change(session: AsyncSession, now: datetime) -> tuple[Entry, PendingEvent]:
            entry = Entry(id=uuid4(), user_id=user_id, created_at=now, updated_at=now, **values)
            session.add(entry)
            return entry, PendingEvent(f"{ENTITY}.created", entry.id, None, snapshot(entry))

        return await self._mutate(user_id, actor, change)

    async def get(self, user_id: UUID, entry_id: str | UUID) -> EntryPublic:
        """One live entry of the user."""
        key = parse_id(entry_id)
        async with self._database.connection() as connection:
            row = (
                await connection.execute(
                    select(Entry.__table__).where(
                        Entry.id == key, Entry.user_id == user_id, Entry.deleted_at.is_(None)
                    )
                )
            ).one_or_none()
        if row is None:
            raise EntryNotFoundError(entry_id)
        return EntryPublic.model_validate(row._asdict())

    def search_statement(self, user_id: UUID, search: EntrySearch) -> Select[Any]:
        """The query search runs (validated; only the user's live entries)."""
        if not 1 <= search.limit <= SEARCH_LIMIT_MAX:
            raise InvalidInputError(
                "limit",
                f"limit must be between 1 and {SEARCH_LIMIT_MAX}; {search.limit} was given.",
            )
        statement = select(Entry.__table__).where(
            Entry.user_id == user_id, Entry.deleted_at.is_(None)
        )
        if search.tag is not None and search.tag.strip():
            statement = statement.where(Entry.tags.contains([clean_tag(search.tag, "tag")]))
        for word in storable_text(search.query, "query").split():
            pattern = f"%{_escape_like(word)}%"
            statement = statement.where(
                or_(
                    Entry.title.ilike(pattern, escape="\\"),
                    Entry.body.ilike(pattern, escape="\\"),
                    func.array_to_string(Entry.tags, " ").ilike(pattern, escape="\\"),
                )
            )
        return statement.order_by(Entry.updated_at.desc(), Entry.id).limit(search.limit)

    async def search(self, user_id: UUID, search: EntrySearch) -> EntryPage:
        """The user's live entries matching every word of the query, most recently
        changed first."""
        statement = self.search_statement(user_id, search)
        async with self._database.connection() as connection:
            rows = (await connection.execute(statement)).all()
        return EntryPage(entries=[EntryPublic.model_validate(row._asdict()) for row in rows])

    async def update(
        self, user_id: UUID, actor: Actor, entry_id: str | UUID, changes: EntryChanges
    ) -> Mutation:
        """Apply ``changes``; a change that sets nothing new logs no event."""
        key = parse_id(entry_id)
        wanted = changes.cleaned()

        async def change(session: AsyncSession, now: datetime) -> tuple[Entry, PendingEvent | None]:
            entry = await self._locked(session, user_id, key)
            before = snapshot(entry)
            changed = {f: v for f, v in wanted.items() if getattr(entry, f) != v}
            if not changed:
                return entry, None
            for field, value in changed.items():
                setattr(entry, field, value)
            entry.updated_at = now
            after = snapshot(entry)
            return entry, PendingEvent(change_type(before, after), entry.id, before, after)

        return await self._mutate(user_id, actor, change)

    async def delete(self, user_id: UUID, actor: Actor, entry_id: str | UUID) -> Mutation:
        """Soft-delete a live entry; revert_change with the returned version brings it
        back."""
        key = parse_id(entry_id)

        async def change(session: AsyncSession, now: datetime) -> tuple[Entry, PendingEvent]:
            entry = await self._locked(session, user_id, key)
            before = snapshot(entry)
            entry.deleted_at = now
            return entry, PendingEvent(f"{ENTITY}.deleted", entry.id, before, before)

        return await self._mutate(user_id, actor, change)

    async def revert(self, user_id: UUID, actor: Actor, version: int) -> Mutation:
        """Put the entry of change ``version`` back as it was before that change.

        Reverting a creation deletes the entry, reverting a deletion restores it.
        Refused when the entry changed after that change (revert the later change first).
        """
        if version < 1:
            raise InvalidInputError("version", "version must be a positive event version.")

        async def change(session: AsyncSession, now: datetime) -> tuple[Entry, PendingEvent | None]:
            event = (
                await session.scalars(
                    select(EntryEventRow).where(
                        EntryEventRow.user_id == user_id, EntryEventRow.version == version
                    )
                )
            ).one_or_none()
            if event is None:
                raise RevertConflictError(
                    f"There is no change with version {version} in your history (it may be "
                    "older than the history keeps). Nothing was changed."
                )
            entry = await self._locked(session, user_id, event.record_id, deleted=True)
            latest = (
                await session.execute(
                    select(func.max(EntryEventRow.version)).where(
                        EntryEventRow.user_id == user_id,
                        EntryEventRow.record_id == event.record_id,
                    )
                )
            ).scalar_one()
            if latest != version:
                raise RevertConflictError(
                    f"The {ENTITY} changed after version {version} (its latest change is "
                    f"version {latest}); revert version {latest} first, or change the "
                    f"{ENTITY} directly. Nothing was changed."
                )
            return entry, _revert_onto(entry, event, now)

        return await self._mutate(user_id, actor, change)

    async def events_after(self, user_id: UUID, after: int, limit: int = 500) -> RecordEventPage:
        """The user's logged events after version ``after`` (see ``read_events``)."""
        if after < 0:
            raise InvalidInputError("after", "after must be 0 or a positive version number.")
        if not 1 <= limit <= EVENTS_LIMIT_MAX:
            raise InvalidInputError(
                "limit", f"limit must be between 1 and {EVENTS_LIMIT_MAX}; {limit} was given."
            )
        async with self._database.session() as session:
            return await read_events(session, user_id, after, limit)


def _revert_onto(entry: Entry, event: EntryEventRow, now: datetime) -> PendingEvent | None:
    """Set ``entry`` to its state before ``event``; returns the event that records it
    (None: nothing changed)."""
    before = snapshot(entry)
    was_deleted = entry.deleted_at is not None
    # Before a creation there was no entry; before a restore it was deleted.
    delete = event.before is None or event.type == f"{ENTITY}.restored"
    if event.before is not None:
        for field in EDITABLE:
            setattr(entry, field, event.before[field])
    entry.deleted_at = now if delete else None
    after = snapshot(entry)
    if delete and not was_deleted:
        return PendingEvent(f"{ENTITY}.deleted", entry.id, before, before)
    if was_deleted and not delete:
        entry.updated_at = now
        after = snapshot(entry)
        return PendingEvent(f"{ENTITY}.restored", entry.id, before, after)
    if before == after:
        return None
    entry.updated_at = now
    after = snapshot(entry)
    return PendingEvent(change_type(before, after), entry.id, before, after)
