"""The note domain: every rule, used by the MCP tools and the REST API alike.

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

from notes_service.errors import InvalidInputError, NoteNotFoundError, RevertConflictError
from notes_service.models import Note, NoteEventRow
from notes_service.note_events import EventPublisher, PendingEvent, append_event, read_events
from notes_service.schemas import NotePage, NotePublic

ENTITY = "note"
TITLE_MAX = 200
BODY_MAX = 20000
TAGS_MAX = 10
TAG_MAX = 32
SEARCH_LIMIT_MAX = 100
EVENTS_LIMIT_MAX = 1000
EDITABLE = ("title", "body", "tags", "pinned", "archived")
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
    """The id as a UUID; anything else names a note that does not exist."""
    if isinstance(value, UUID):
        return value
    try:
        return UUID(value.strip())
    except ValueError:
        raise NoteNotFoundError(value) from None


def _escape_like(word: str) -> str:
    return _LIKE_SPECIALS.sub(r"\\\1", word)


def snapshot(note: Note) -> dict[str, Any]:
    """The note as its events record it (the public shape, as JSON)."""
    return NotePublic.model_validate(note).model_dump(mode="json")


def change_type(before: dict[str, Any], after: dict[str, Any]) -> str:
    """The event type of a change to a live note's fields: pinning and archiving on their
    own have types of their own, anything else is an update."""
    changed = {field for field in EDITABLE if before[field] != after[field]}
    if changed == {"pinned"}:
        return f"{ENTITY}.pinned" if after["pinned"] else f"{ENTITY}.unpinned"
    if changed == {"archived"}:
        return f"{ENTITY}.archived" if after["archived"] else f"{ENTITY}.unarchived"
    return f"{ENTITY}.updated"


@dataclass(frozen=True, slots=True)
class NoteSearch:
    """What search_notes selects; validated by ``NoteService.search``."""

    query: str = ""
    tag: str | None = None
    pinned: bool | None = None
    include_archived: bool = False
    limit: int = 20


@dataclass(frozen=True, slots=True)
class NoteChanges:
    """A partial update; None means "leave unchanged"."""

    title: str | None = None
    body: str | None = None
    tags: Sequence[str] | None = None
    pinned: bool | None = None
    archived: bool | None = None

    def cleaned(self) -> dict[str, Any]:
        """The fields to set, validated."""
        wanted: dict[str, Any] = {}
        if self.title is not None:
            wanted["title"] = clean_title(self.title)
        if self.body is not None:
            wanted["body"] = clean_body(self.body)
        if self.tags is not None:
            wanted["tags"] = clean_tags(self.tags)
        if self.pinned is not None:
            wanted["pinned"] = self.pinned
        if self.archived is not None:
            wanted["archived"] = self.archived
        return wanted


@dataclass(frozen=True, slots=True)
class Mutation:
    """The record after a change, and the version of the event it logged (None: no change)."""

    record: NotePublic
    event_version: int | None


Change = Callable[[AsyncSession, datetime], Awaitable[tuple[Note, PendingEvent | None]]]


class NoteService:
    """Note operations on behalf of one verified user at a time."""

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
                note, pending = await change(session, now)
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
                record = NotePublic.model_validate(note)
            if event is not None:
                self._publisher.publish(user_id, [event])
        return Mutation(record, event.version if event is not None else None)

    @staticmethod
    async def _locked(
        session: AsyncSession, user_id: UUID, note_id: UUID, *, deleted: bool = False
    ) -> Note:
        statement = select(Note).where(Note.id == note_id, Note.user_id == user_id)
        if not deleted:
            statement = statement.where(Note.deleted_at.is_(None))
        note = (await session.scalars(statement.with_for_update())).one_or_none()
        if note is None:
            raise NoteNotFoundError(note_id)
        return note

    async def create(
        self, user_id: UUID, actor: Actor, *, title: str, body: str = "", tags: Sequence[str] = ()
    ) -> Mutation:
        """Create a note for the user."""
        values = {"title": clean_title(title), "body": clean_body(body), "tags": clean_tags(tags)}

        async def change(session: AsyncSession, now: datetime) -> tuple[Note, PendingEvent]:
            note = Note(
                id=uuid4(),
                user_id=user_id,
                pinned=False,
                archived=False,
                created_at=now,
                updated_at=now,
                **values,
            )
            session.add(note)
            return note, PendingEvent(f"{ENTITY}.created", note.id, None, snapshot(note))

        return await self._mutate(user_id, actor, change)

    async def get(self, user_id: UUID, note_id: str | UUID) -> NotePublic:
        """One live note of the user."""
        key = parse_id(note_id)
        async with self._database.connection() as connection:
            row = (
                await connection.execute(
                    select(Note.__table__).where(
                        Note.id == key, Note.user_id == user_id, Note.deleted_at.is_(None)
                    )
                )
            ).one_or_none()
        if row is None:
            raise NoteNotFoundError(note_id)
        return NotePublic.model_validate(row._asdict())

    def search_statement(self, user_id: UUID, search: NoteSearch) -> Select[Any]:
        """The query search runs (validated; only the user's live notes)."""
        if not 1 <= search.limit <= SEARCH_LIMIT_MAX:
            raise InvalidInputError(
                "limit",
                f"limit must be between 1 and {SEARCH_LIMIT_MAX}; {search.limit} was given.",
            )
        statement = select(Note.__table__).where(Note.user_id == user_id, Note.deleted_at.is_(None))
        if not search.include_archived:
            statement = statement.where(Note.archived.is_(False))
        if search.pinned is not None:
            statement = statement.where(Note.pinned.is_(search.pinned))
        if search.tag is not None and search.tag.strip():
            statement = statement.where(Note.tags.contains([clean_tag(search.tag, "tag")]))
        for word in storable_text(search.query, "query").split():
            pattern = f"%{_escape_like(word)}%"
            statement = statement.where(
                or_(
                    Note.title.ilike(pattern, escape="\\"),
                    Note.body.ilike(pattern, escape="\\"),
                    func.array_to_string(Note.tags, " ").ilike(pattern, escape="\\"),
                )
            )
        return statement.order_by(Note.pinned.desc(), Note.updated_at.desc(), Note.id).limit(
            search.limit
        )

    async def search(self, user_id: UUID, search: NoteSearch) -> NotePage:
        """The user's live notes matching every word of the query: pinned first, then most
        recently changed first; archived ones only with ``include_archived``."""
        statement = self.search_statement(user_id, search)
        async with self._database.connection() as connection:
            rows = (await connection.execute(statement)).all()
        return NotePage(notes=[NotePublic.model_validate(row._asdict()) for row in rows])

    async def update(
        self, user_id: UUID, actor: Actor, note_id: str | UUID, changes: NoteChanges
    ) -> Mutation:
        """Apply ``changes``; a change that sets nothing new logs no event."""
        key = parse_id(note_id)
        wanted = changes.cleaned()

        async def change(session: AsyncSession, now: datetime) -> tuple[Note, PendingEvent | None]:
            note = await self._locked(session, user_id, key)
            before = snapshot(note)
            changed = {f: v for f, v in wanted.items() if getattr(note, f) != v}
            if not changed:
                return note, None
            for field, value in changed.items():
                setattr(note, field, value)
            note.updated_at = now
            after = snapshot(note)
            return note, PendingEvent(change_type(before, after), note.id, before, after)

        return await self._mutate(user_id, actor, change)

    async def delete(self, user_id: UUID, actor: Actor, note_id: str | UUID) -> Mutation:
        """Soft-delete a live note; revert_change with the returned version brings it
        back."""
        key = parse_id(note_id)

        async def change(session: AsyncSession, now: datetime) -> tuple[Note, PendingEvent]:
            note = await self._locked(session, user_id, key)
            before = snapshot(note)
            note.deleted_at = now
            return note, PendingEvent(f"{ENTITY}.deleted", note.id, before, before)

        return await self._mutate(user_id, actor, change)

    async def revert(self, user_id: UUID, actor: Actor, version: int) -> Mutation:
        """Put the note of change ``version`` back as it was before that change.

        Reverting a creation deletes the note, reverting a deletion restores it.
        Refused when the note changed after that change (revert the later change first).
        """
        if version < 1:
            raise InvalidInputError("version", "version must be a positive event version.")

        async def change(session: AsyncSession, now: datetime) -> tuple[Note, PendingEvent | None]:
            event = (
                await session.scalars(
                    select(NoteEventRow).where(
                        NoteEventRow.user_id == user_id, NoteEventRow.version == version
                    )
                )
            ).one_or_none()
            if event is None:
                raise RevertConflictError(
                    f"There is no change with version {version} in your history (it may be "
                    "older than the history keeps). Nothing was changed."
                )
            note = await self._locked(session, user_id, event.record_id, deleted=True)
            latest = (
                await session.execute(
                    select(func.max(NoteEventRow.version)).where(
                        NoteEventRow.user_id == user_id,
                        NoteEventRow.record_id == event.record_id,
                    )
                )
            ).scalar_one()
            if latest != version:
                raise RevertConflictError(
                    f"The {ENTITY} changed after version {version} (its latest change is "
                    f"version {latest}); revert version {latest} first, or change the "
                    f"{ENTITY} directly. Nothing was changed."
                )
            return note, _revert_onto(note, event, now)

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


def _revert_onto(note: Note, event: NoteEventRow, now: datetime) -> PendingEvent | None:
    """Set ``note`` to its state before ``event``; returns the event that records it
    (None: nothing changed)."""
    before = snapshot(note)
    was_deleted = note.deleted_at is not None
    # Before a creation there was no note; before a restore it was deleted.
    delete = event.before is None or event.type == f"{ENTITY}.restored"
    if event.before is not None:
        for field in EDITABLE:
            setattr(note, field, event.before[field])
    note.deleted_at = now if delete else None
    after = snapshot(note)
    if delete and not was_deleted:
        return PendingEvent(f"{ENTITY}.deleted", note.id, before, before)
    if was_deleted and not delete:
        note.updated_at = now
        after = snapshot(note)
        return PendingEvent(f"{ENTITY}.restored", note.id, before, after)
    if before == after:
        return None
    note.updated_at = now
    after = snapshot(note)
    return PendingEvent(change_type(before, after), note.id, before, after)
