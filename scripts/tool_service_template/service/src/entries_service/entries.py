"""The entry domain: every rule, used by the MCP tools and the REST API alike.

Each change goes through servicekit's RecordWriter: one transaction that also appends its
event to the user's log, published after commit; deletes are soft and revert_change undoes
any change.
"""

import re
from collections.abc import Sequence
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

from entries_service.models import Entry, EntryEventRow, UserVersion
from entries_service.schemas import EntryPage, EntryPublic

ENTITY = "entry"
TITLE_MAX = 200
BODY_MAX = 20000
TAGS_MAX = 10
TAG_MAX = 32
SEARCH_LIMIT_MAX = 100
EDITABLE = ("title", "body", "tags")
"""The fields a change may set and revert_change puts back."""
_LIKE_SPECIALS = re.compile(r"([\\%_])")


class EntryNotFoundError(RecordNotFoundError):
    """No live entry with this id belongs to the user (unknown, another user's, or
    deleted)."""

    entity = ENTITY
    search_tool = "search_entries"


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


KIND = RecordKind(
    entity=ENTITY,
    model=Entry,
    public=EntryPublic,
    editable=EDITABLE,
    not_found=EntryNotFoundError,
)
EVENT_LOG = EventLog(EntryEventRow, UserVersion, records="entries")


class EntryService:
    """Entry operations on behalf of one verified user at a time."""

    def __init__(self, database: Database, publisher: EventPublisher) -> None:
        self._database = database
        self._writer = RecordWriter(database, publisher, EVENT_LOG, KIND)

    async def create(
        self, user_id: UUID, actor: Actor, *, title: str, body: str = "", tags: Sequence[str] = ()
    ) -> Mutation[EntryPublic]:
        """Create an entry for the user."""
        values = {"title": clean_title(title), "body": clean_body(body), "tags": clean_tags(tags)}

        async def change(session: AsyncSession, now: datetime) -> tuple[Entry, PendingEvent]:
            entry = Entry(id=uuid4(), user_id=user_id, created_at=now, updated_at=now, **values)
            session.add(entry)
            return entry, PendingEvent(f"{ENTITY}.created", entry.id, None, KIND.snapshot(entry))

        return await self._writer.mutate(user_id, actor, change)

    async def get(self, user_id: UUID, entry_id: str | UUID) -> EntryPublic:
        """One live entry of the user."""
        key = parse_id(entry_id, EntryNotFoundError)
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
    ) -> Mutation[EntryPublic]:
        """Apply ``changes``; a change that sets nothing new logs no event."""
        return await self._writer.update(user_id, actor, entry_id, changes.cleaned())

    async def delete(
        self, user_id: UUID, actor: Actor, entry_id: str | UUID
    ) -> Mutation[EntryPublic]:
        """Soft-delete a live entry; revert_change with the returned version brings it
        back."""
        return await self._writer.delete(user_id, actor, entry_id)

    async def revert(self, user_id: UUID, actor: Actor, version: int) -> Mutation[EntryPublic]:
        """Put the entry of change ``version`` back as it was before that change (see
        ``RecordWriter.revert``)."""
        return await self._writer.revert(user_id, actor, version)

    async def events_after(self, user_id: UUID, after: int, limit: int = 500) -> RecordEventPage:
        """The user's logged events after version ``after``."""
        return await self._writer.events_after(user_id, after, limit)
