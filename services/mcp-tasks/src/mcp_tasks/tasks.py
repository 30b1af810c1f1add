"""The task domain: every rule about tasks, used by the MCP tools and the REST API alike.

Each mutation runs in one transaction that also appends its events to the user's log; the
events are queued for publishing after commit. Mutations of one user are serialised in this
process so that events are queued, and published, in version order.

The pool does not test connections before handing them out (that test costs three round
trips per checkout on asyncpg). A connection that died meanwhile (PostgreSQL restarted)
fails on first use before anything was committed; the pool then drops every older
connection and the work is retried once on a fresh one.
"""

import asyncio
import base64
import binascii
import json
import re
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

from pydantic import TypeAdapter
from servicekit.database import Database
from servicekit.event_publisher import EventPublisher
from servicekit.events import Actor, TaskEvent
from servicekit.tasks import PRIORITIES, STATUSES, TaskPublic
from servicekit.telemetry import current_trace_id
from servicekit.text import unstorable_reason
from sqlalchemy import (
    Date,
    Row,
    Select,
    String,
    Text,
    Uuid,
    bindparam,
    cast,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from mcp_tasks.errors import InvalidInputError, TaskNotFoundError
from mcp_tasks.models import SORT_DUE, Task
from mcp_tasks.observability import query_span
from mcp_tasks.schemas import ClearCompletedResult, EventPage, TaskPage, TaskUpdateResult
from mcp_tasks.task_events import (
    PendingEvent,
    append_events,
    logging_statement,
    read_events,
)

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
TAGS_MAX = 10
TAG_MAX = 32
LIST_LIMIT_MAX = 200
EVENTS_LIMIT_MAX = 1000
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CURSOR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?\+00:00")
_LIKE_SPECIALS = re.compile(r"([\\%_])")

T = TypeVar("T")
C = TypeVar("C")

# Reads go through Core rows, not ORM objects: a page of 100 tasks is then validated straight
# into TaskPublic, without building and tracking 100 mapped instances first.
TASKS = Task.__table__
_TASK_LIST = TypeAdapter(list[TaskPublic])
# A new task and its event in one statement on an autocommit connection: one round trip, one
# implicit transaction. Run a second time (a retry after the connection was lost), it inserts
# and logs nothing.
_INSERT_TASK = logging_statement(
    "INSERT INTO tasks (id, user_id, title, description, due_date, priority, tags, completed,"
    " created_at, updated_at) VALUES (:task_id, :user_id, :title, :description, :due_date,"
    " :priority, :tags, false, :occurred_at, :occurred_at)"
    " ON CONFLICT (id) DO NOTHING RETURNING id",
    bindparam("task_id", type_=Uuid()),
    bindparam("title", type_=String()),
    bindparam("description", type_=Text()),
    bindparam("due_date", type_=Date()),
    bindparam("priority", type_=String()),
    bindparam("tags", type_=ARRAY(String())),
)
_GET_TASK = select(TASKS).where(
    TASKS.c.id == bindparam("task_id"),
    TASKS.c.user_id == bindparam("user_id"),
    TASKS.c.deleted_at.is_(None),
)


def _now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC (what "overdue" compares against)."""
    return _now().date()


def parse_date(value: str | date | None, field: str) -> date | None:
    """A YYYY-MM-DD string (or a date) as a date; None stays None."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            field,
            f"{field} {value!r} is not a valid date. Use the YYYY-MM-DD format, "
            f"for example {today().isoformat()}.",
        ) from None


def storable_text(value: str, field: str) -> str:
    """The value unchanged, or an error when it holds a NUL or a lone surrogate (unstorable)."""
    reason = unstorable_reason(value)
    if reason is not None:
        raise InvalidInputError(
            field, f"The {field} contains {reason}, which cannot be stored. Remove it."
        )
    return value


def clean_title(title: str) -> str:
    """The title trimmed, or an error when it is empty or longer than 200 characters."""
    text = storable_text(title, "title").strip()
    if not text:
        raise InvalidInputError("title", "The title is empty. Give the task a short title.")
    if len(text) > TITLE_MAX:
        raise InvalidInputError(
            "title",
            f"The title is {len(text)} characters long; the limit is {TITLE_MAX}. Shorten it "
            "and put the details in the description.",
        )
    return text


def clean_description(description: str) -> str:
    """The description, or an error when it is longer than 5000 characters."""
    storable_text(description, "description")
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInputError(
            "description",
            f"The description is {len(description)} characters long; the limit is "
            f"{DESCRIPTION_MAX}. Shorten it.",
        )
    return description


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Tags trimmed, lowercased and de-duplicated (first occurrence kept), within the limits."""
    cleaned: list[str] = []
    for raw in tags:
        tag = storable_text(raw, "tags").strip().lower()
        if not tag or len(tag) > TAG_MAX:
            raise InvalidInputError(
                "tags", f"The tag {raw!r} must be 1 to {TAG_MAX} characters long. Fix or drop it."
            )
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > TAGS_MAX:
        raise InvalidInputError(
            "tags", f"A task can have at most {TAGS_MAX} tags; {len(cleaned)} were given."
        )
    return cleaned


def clean_priority(priority: str) -> str:
    """The priority, or an error when it is not low, normal or high."""
    if priority not in PRIORITIES:
        raise InvalidInputError(
            "priority", f"Priority {priority!r} is not valid. Use one of: low, normal, high."
        )
    return priority


def parse_task_id(task_id: str | UUID) -> UUID:
    """The task id as a UUID; anything else is a task that does not exist."""
    if isinstance(task_id, UUID):
        return task_id
    try:
        return UUID(task_id.strip())
    except ValueError:
        raise TaskNotFoundError(task_id) from None


def _listed_task_id(value: str | UUID) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(value.strip())
    except ValueError:
        raise InvalidInputError(
            "task_ids", f"task_ids holds {str(value)[:64]!r}, which is not a task id."
        ) from None


def _encode_cursor(task: TaskPublic) -> str:
    due = task.due_date.isoformat() if task.due_date is not None else "infinity"
    raw = json.dumps([due, task.created_at.isoformat(), str(task.id)]).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode_cursor(cursor: str) -> tuple[str, datetime, UUID]:
    # Only what _encode_cursor writes: fromisoformat alone also takes week dates ("2026-W01-1"),
    # naive times and offsets that move a time out of PostgreSQL's range.
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        due, created, task_id = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(due, str) or not isinstance(created, str):
            raise TypeError(cursor)
        if due != "infinity" and not _ISO_DATE.fullmatch(due):
            raise ValueError(due)
        if due != "infinity":
            date.fromisoformat(due)
        if not _CURSOR_TIME.fullmatch(created):
            raise ValueError(created)
        return due, datetime.fromisoformat(created), UUID(task_id)
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise InvalidInputError(
            "cursor",
            "The cursor is not valid. Pass the next_cursor of the previous page unchanged, "
            "or call list_tasks without a cursor.",
        ) from None


def _escape_like(word: str) -> str:
    return _LIKE_SPECIALS.sub(r"\\\1", word)


@dataclass(frozen=True, slots=True)
class TaskFilters:
    """What list_tasks selects; validated by ``TaskService.list_tasks``."""

    status: str = "pending"
    due_on: str | date | None = None
    due_before: str | date | None = None
    overdue: bool = False
    tag: str | None = None
    priority: str | None = None
    query: str | None = None
    limit: int = 50
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class TaskChanges:
    """A partial update; None means "leave unchanged" (``clear_due_date`` removes the date)."""

    title: str | None = None
    description: str | None = None
    due_date: str | date | None = None
    clear_due_date: bool = False
    priority: str | None = None
    tags: Sequence[str] | None = None
    completed: bool | None = None

    @classmethod
    def from_patch(cls, fields: Mapping[str, Any]) -> "TaskChanges":
        """The fields a PATCH body set, as changes; ``due_date: null`` removes the due date."""
        clear_due_date = "due_date" in fields and fields["due_date"] is None
        return cls(**fields, clear_due_date=clear_due_date)


def _stale_connection(exc: DBAPIError, attempt: int) -> bool:
    """True when the first attempt failed because its pooled connection had died."""
    return attempt == 0 and exc.connection_invalidated


def _snapshot(task: Task) -> dict[str, Any]:
    return TaskPublic.model_validate(task).model_dump(mode="json")


class TaskService:
    """Task operations on behalf of one verified user at a time."""

    def __init__(self, database: Database, publisher: EventPublisher) -> None:
        self._database = database
        self._publisher = publisher
        # Reads run in autocommit: one statement needs no BEGIN/COMMIT round trips.
        self._reads = database.read_sessions
        self._user_locks: weakref.WeakValueDictionary[UUID, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def _lock_for(self, user_id: UUID) -> asyncio.Lock:
        lock = self._user_locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._user_locks[user_id] = lock
        return lock

    async def _mutate(
        self,
        user_id: UUID,
        actor: Actor,
        change: Callable[[AsyncSession, datetime], Awaitable[tuple[T, list[PendingEvent]]]],
    ) -> T:
        lock = self._lock_for(user_id)
        async with lock:
            for attempt in range(2):
                now = _now()
                committing = False
                try:
                    async with self._database.session() as session:
                        result, pending = await change(session, now)
                        events = await append_events(
                            session,
                            user_id,
                            pending,
                            actor=actor,
                            trace_id=current_trace_id(),
                            occurred_at=now,
                        )
                        committing = True
                    break
                except DBAPIError as exc:
                    # Only retried when it failed before COMMIT was sent: nothing was stored.
                    if committing or not _stale_connection(exc, attempt):
                        raise
            self._publisher.publish(user_id, events or [])
        return result

    @staticmethod
    async def _retried(
        open_: Callable[[], AbstractAsyncContextManager[C]], work: Callable[[C], Awaitable[T]]
    ) -> T:
        """Run ``work`` on what ``open_`` gives, once more on a stale connection.

        ``work`` must be safe to run twice: a read, or a write that changes nothing the
        second time.
        """
        for attempt in range(2):
            try:
                async with open_() as handle:
                    return await work(handle)
            except DBAPIError as exc:
                if not _stale_connection(exc, attempt):
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    async def _locked_task(
        session: AsyncSession, user_id: UUID, task_id: UUID, *, deleted: bool = False
    ) -> Task:
        statement = select(Task).where(Task.id == task_id, Task.user_id == user_id)
        if not deleted:
            statement = statement.where(Task.deleted_at.is_(None))
        with query_span("lock_task"):
            task = (await session.scalars(statement.with_for_update())).one_or_none()
        if task is None:
            raise TaskNotFoundError(task_id)
        return task

    async def add_task(
        self,
        user_id: UUID,
        actor: Actor,
        *,
        title: str,
        description: str = "",
        due_date: str | date | None = None,
        priority: str = "normal",
        tags: Sequence[str] = (),
    ) -> TaskPublic:
        """Create a task for the user."""
        values = {
            "title": clean_title(title),
            "description": clean_description(description),
            "due_date": parse_date(due_date, "due_date"),
            "priority": clean_priority(priority),
            "tags": clean_tags(tags),
        }

        now = _now()
        task = TaskPublic(
            id=uuid4(),
            completed=False,
            completed_at=None,
            created_at=now,
            updated_at=now,
            deleted_at=None,
            **values,
        )
        pending = [PendingEvent("task.created", task.id, None, task.model_dump(mode="json"))]

        async def insert(database: Database) -> list[TaskEvent] | None:
            return await append_events(
                database,
                user_id,
                pending,
                actor=actor,
                trace_id=current_trace_id(),
                occurred_at=now,
                statement=_INSERT_TASK,
                parameters={"task_id": task.id, **values},
            )

        async with self._lock_for(user_id):
            events = await self._retried(lambda: nullcontext(self._database), insert)
            # None: a first attempt had committed before its connection was lost; its event
            # is in the log, where consumers find it.
            self._publisher.publish(user_id, events or [])
        return task

    async def get_task(self, user_id: UUID, task_id: str | UUID) -> TaskPublic:
        """One live task of the user."""
        params = {"task_id": parse_task_id(task_id), "user_id": user_id}

        async def fetch(connection: AsyncConnection) -> Row[Any] | None:
            with query_span("get_task"):
                return (await connection.execute(_GET_TASK, params)).one_or_none()

        row = await self._retried(self._database.connection, fetch)
        if row is None:
            raise TaskNotFoundError(task_id)
        return TaskPublic.model_validate(row)

    def list_statement(self, user_id: UUID, filters: TaskFilters) -> Select[Any]:
        """The query list_tasks runs (validated filters; one row more than the page)."""
        if filters.status not in STATUSES:
            raise InvalidInputError(
                "status", f"Status {filters.status!r} is not valid. Use pending, completed or all."
            )
        if not 1 <= filters.limit <= LIST_LIMIT_MAX:
            raise InvalidInputError(
                "limit", f"limit must be between 1 and {LIST_LIMIT_MAX}; {filters.limit} was given."
            )
        statement = select(TASKS).where(Task.user_id == user_id, Task.deleted_at.is_(None))
        if filters.status != "all":
            statement = statement.where(Task.completed.is_(filters.status == "completed"))
        due_on = parse_date(filters.due_on, "due_on")
        if due_on is not None:
            statement = statement.where(Task.due_date == due_on)
        due_before = parse_date(filters.due_before, "due_before")
        if due_before is not None:
            statement = statement.where(Task.due_date <= due_before)
        if filters.overdue:
            statement = statement.where(Task.due_date < today(), Task.completed.is_(False))
        if filters.tag is not None and storable_text(filters.tag, "tag").strip():
            statement = statement.where(Task.tags.contains([filters.tag.strip().lower()]))
        if filters.priority is not None:
            statement = statement.where(Task.priority == clean_priority(filters.priority))
        for word in storable_text(filters.query or "", "query").split():
            pattern = f"%{_escape_like(word)}%"
            statement = statement.where(
                or_(
                    Task.title.ilike(pattern, escape="\\"),
                    Task.description.ilike(pattern, escape="\\"),
                )
            )
        if filters.cursor is not None:
            due, created, last_id = _decode_cursor(filters.cursor)
            statement = statement.where(
                tuple_(SORT_DUE, Task.created_at, Task.id)
                > tuple_(cast(literal(due), Date), literal(created), literal(last_id))
            )
        return statement.order_by(SORT_DUE, Task.created_at, Task.id).limit(filters.limit + 1)

    async def list_tasks(self, user_id: UUID, filters: TaskFilters) -> TaskPage:
        """A page of the user's live tasks, by due date (none last), creation time and id."""
        statement = self.list_statement(user_id, filters)

        async def fetch(connection: AsyncConnection) -> list[Row[Any]]:
            with query_span("list_tasks"):
                return list((await connection.execute(statement)).all())

        rows = await self._retried(self._database.connection, fetch)
        more = len(rows) > filters.limit
        tasks = _TASK_LIST.validate_python([row._asdict() for row in rows[: filters.limit]])
        return TaskPage(tasks=tasks, next_cursor=_encode_cursor(tasks[-1]) if more else None)

    async def update_task(
        self, user_id: UUID, actor: Actor, task_id: str | UUID, changes: TaskChanges
    ) -> TaskUpdateResult:
        """Apply ``changes``; the result names the previous value of each changed field."""
        key = parse_task_id(task_id)
        wanted: dict[str, Any] = {}
        if changes.title is not None:
            wanted["title"] = clean_title(changes.title)
        if changes.description is not None:
            wanted["description"] = clean_description(changes.description)
        if changes.clear_due_date:
            if changes.due_date is not None:
                raise InvalidInputError(
                    "due_date", "Pass either due_date or clear_due_date=true, not both."
                )
            wanted["due_date"] = None
        elif changes.due_date is not None:
            wanted["due_date"] = parse_date(changes.due_date, "due_date")
        if changes.priority is not None:
            wanted["priority"] = clean_priority(changes.priority)
        if changes.tags is not None:
            wanted["tags"] = clean_tags(changes.tags)

        async def change(
            session: AsyncSession, now: datetime
        ) -> tuple[TaskUpdateResult, list[PendingEvent]]:
            task = await self._locked_task(session, user_id, key)
            before = _snapshot(task)
            previous: dict[str, Any] = {}
            for field, value in wanted.items():
                if getattr(task, field) != value:
                    previous[field] = before[field]
                    setattr(task, field, value)
            event_type: Any = "task.updated"
            if changes.completed is not None and changes.completed != task.completed:
                previous["completed"] = task.completed
                previous["completed_at"] = before["completed_at"]
                task.completed = changes.completed
                task.completed_at = now if changes.completed else None
                event_type = "task.completed" if changes.completed else "task.reopened"
            if not previous:
                return TaskUpdateResult(task=TaskPublic.model_validate(task), previous={}), []
            task.updated_at = now
            with query_span("update_task"):
                await session.flush()
            after = _snapshot(task)
            result = TaskUpdateResult(task=TaskPublic.model_validate(task), previous=previous)
            return result, [PendingEvent(event_type, task.id, before, after)]

        return await self._mutate(user_id, actor, change)

    async def set_completed(
        self, user_id: UUID, actor: Actor, task_id: str | UUID, completed: bool
    ) -> TaskPublic:
        """Mark the task completed (or pending again); a no-op when it already is."""
        result = await self.update_task(user_id, actor, task_id, TaskChanges(completed=completed))
        return result.task

    async def delete_task(self, user_id: UUID, actor: Actor, task_id: str | UUID) -> TaskPublic:
        """Soft-delete the task; deleting a deleted task returns it unchanged."""
        key = parse_task_id(task_id)

        async def change(
            session: AsyncSession, now: datetime
        ) -> tuple[TaskPublic, list[PendingEvent]]:
            task = await self._locked_task(session, user_id, key, deleted=True)
            if task.deleted_at is not None:
                return TaskPublic.model_validate(task), []
            before = _snapshot(task)
            task.deleted_at = now
            task.updated_at = now
            with query_span("delete_task"):
                await session.flush()
            after = _snapshot(task)
            return TaskPublic.model_validate(task), [
                PendingEvent("task.deleted", task.id, before, after)
            ]

        return await self._mutate(user_id, actor, change)

    async def restore_task(self, user_id: UUID, actor: Actor, task_id: str | UUID) -> TaskPublic:
        """Undo a soft delete; restoring a live task returns it unchanged."""
        key = parse_task_id(task_id)

        async def change(
            session: AsyncSession, now: datetime
        ) -> tuple[TaskPublic, list[PendingEvent]]:
            task = await self._locked_task(session, user_id, key, deleted=True)
            if task.deleted_at is None:
                return TaskPublic.model_validate(task), []
            before = _snapshot(task)
            task.deleted_at = None
            task.updated_at = now
            with query_span("restore_task"):
                await session.flush()
            after = _snapshot(task)
            return TaskPublic.model_validate(task), [
                PendingEvent("task.restored", task.id, before, after)
            ]

        return await self._mutate(user_id, actor, change)

    async def clear_completed(
        self, user_id: UUID, actor: Actor, task_ids: Sequence[str | UUID] | None = None
    ) -> ClearCompletedResult:
        """Soft-delete every live completed task of the user; one task.deleted event each.

        With ``task_ids``, only those of them that are still live and completed (what a
        confirmation showed, not what was completed since).
        """
        only = None if task_ids is None else [_listed_task_id(value) for value in task_ids]

        async def change(
            session: AsyncSession, now: datetime
        ) -> tuple[ClearCompletedResult, list[PendingEvent]]:
            statement = (
                select(Task)
                .where(
                    Task.user_id == user_id,
                    Task.deleted_at.is_(None),
                    Task.completed.is_(True),
                )
                .order_by(Task.id)
                .with_for_update()
            )
            if only is not None:
                statement = statement.where(Task.id.in_(only))
            with query_span("select_completed"):
                tasks = list((await session.scalars(statement)).all())
            pending: list[PendingEvent] = []
            for task in tasks:
                before = _snapshot(task)
                task.deleted_at = now
                task.updated_at = now
                pending.append(PendingEvent("task.deleted", task.id, before, None))
            if tasks:
                with query_span("clear_completed"):
                    await session.flush()
            pending = [
                PendingEvent(item.type, item.task_id, item.before, _snapshot(task))
                for item, task in zip(pending, tasks, strict=True)
            ]
            result = ClearCompletedResult(count=len(tasks), task_ids=[task.id for task in tasks])
            return result, pending

        return await self._mutate(user_id, actor, change)

    async def events_after(self, user_id: UUID, after: int, limit: int = 500) -> EventPage:
        """The user's logged events after version ``after`` (see ``read_events``)."""
        if after < 0:
            raise InvalidInputError("after", "after must be 0 or a positive version number.")
        if not 1 <= limit <= EVENTS_LIMIT_MAX:
            raise InvalidInputError(
                "limit", f"limit must be between 1 and {EVENTS_LIMIT_MAX}; {limit} was given."
            )
        return await self._retried(
            self._reads, lambda session: read_events(session, user_id, after, limit)
        )
