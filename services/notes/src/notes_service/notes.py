"""The note domain: every rule, used by the MCP tools and the REST API alike.

Each change goes through servicekit's RecordWriter: one transaction that also appends its
event to the user's log, published after commit; deletes are soft and revert_change undoes
any change.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from servicekit.database import Database
from servicekit.event_log import EventLog, PendingEvent
from servicekit.event_publisher import EventPublisher
from servicekit.events import Actor
from servicekit.record_errors import InvalidInputError, RecordNotFoundError, storable_text
from servicekit.record_events import RecordEventPage
from servicekit.record_fields import bounded_text, tag_list, tag_text, title_text
from servicekit.record_writer import Mutation, RecordKind, RecordWriter, parse_id
from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from notes_service.models import Note, NoteEventRow, UserVersion
from notes_service.schemas import NotePage, NotePublic

ENTITY = "note"
TITLE_MAX = 200
BODY_MAX = 20000
TAGS_MAX = 10
TAG_MAX = 32
SEARCH_LIMIT_MAX = 100
EDITABLE = ("title", "body", "tags", "pinned", "archived")
"""The fields a change may set and revert_change puts back."""
_LIKE_SPECIALS = re.compile(r"([\\%_])")


class NoteNotFoundError(RecordNotFoundError):
    """No live note with this id belongs to the user (unknown, another user's, or deleted)."""

    entity = ENTITY
    search_tool = "search_notes"


def clean_title(title: str) -> str:
    """The title trimmed, or an error when it is empty or too long."""
    return title_text(title, entity=ENTITY, limit=TITLE_MAX, rest_field="body")


def clean_body(body: str) -> str:
    """The body, or an error when it is too long."""
    return bounded_text(body, "body", BODY_MAX)


def clean_tag(raw: str, field: str = "tags") -> str:
    """One tag trimmed and lowercased, or an error when it is empty or too long."""
    return tag_text(raw, TAG_MAX, field)


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Tags trimmed, lowercased and de-duplicated (first occurrence kept), within the limits."""
    return tag_list(tags, entity=ENTITY, tag_limit=TAG_MAX, count_limit=TAGS_MAX)


def _escape_like(word: str) -> str:
    return _LIKE_SPECIALS.sub(r"\\\1", word)


def change_type(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
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


KIND = RecordKind(
    entity=ENTITY,
    model=Note,
    public=NotePublic,
    editable=EDITABLE,
    not_found=NoteNotFoundError,
    change_type=change_type,
)
EVENT_LOG = EventLog(NoteEventRow, UserVersion, records="notes")


class NoteService:
    """Note operations on behalf of one verified user at a time."""

    def __init__(self, database: Database, publisher: EventPublisher) -> None:
        self._database = database
        self._writer = RecordWriter(database, publisher, EVENT_LOG, KIND)

    async def create(
        self, user_id: UUID, actor: Actor, *, title: str, body: str = "", tags: Sequence[str] = ()
    ) -> Mutation[NotePublic]:
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
            return note, PendingEvent(f"{ENTITY}.created", note.id, None, KIND.snapshot(note))

        return await self._writer.mutate(user_id, actor, change)

    async def get(self, user_id: UUID, note_id: str | UUID) -> NotePublic:
        """One live note of the user."""
        key = parse_id(note_id, NoteNotFoundError)
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
    ) -> Mutation[NotePublic]:
        """Apply ``changes``; a change that sets nothing new logs no event."""
        return await self._writer.update(user_id, actor, note_id, changes.cleaned())

    async def delete(
        self, user_id: UUID, actor: Actor, note_id: str | UUID
    ) -> Mutation[NotePublic]:
        """Soft-delete a live note; revert_change with the returned version brings it back."""
        return await self._writer.delete(user_id, actor, note_id)

    async def revert(self, user_id: UUID, actor: Actor, version: int) -> Mutation[NotePublic]:
        """Put the note of change ``version`` back as it was before that change (see
        ``RecordWriter.revert``)."""
        return await self._writer.revert(user_id, actor, version)

    async def events_after(self, user_id: UUID, after: int, limit: int = 500) -> RecordEventPage:
        """The user's logged events after version ``after``."""
        return await self._writer.events_after(user_id, after, limit)
