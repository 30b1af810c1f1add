"""The task service: every task operation on behalf of one verified user, used by the MCP
tools and the REST API alike. What callers give is checked in ``task_input``, the list query
is built in ``task_listing``, and each change runs through ``task_transactions``, which logs
its events in the same transaction and publishes them after commit.
"""

from collections.abc import Sequence
from contextlib import nullcontext
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from servicekit.database import Database
from servicekit.event_publisher import EventPublisher
from servicekit.events import Actor, TaskEvent
from servicekit.tasks import TaskPublic
from servicekit.telemetry import current_trace_id
from sqlalchemy import Date, Row, String, Text, Uuid, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from mcp_tasks.errors import InvalidInputError, TaskNotFoundError
from mcp_tasks.models import Task
from mcp_tasks.observability import query_span
from mcp_tasks.schemas import ClearCompletedResult, EventPage, TaskPage, TaskUpdateResult
from mcp_tasks.task_events import (
    PendingEvent,
    append_events,
    logging_statement,
    read_events,
)
from mcp_tasks.task_input import (
    TaskChanges,
    clean_description,
    clean_priority,
    clean_tags,
    clean_title,
    parse_date,
    parse_listed_task_id,
    parse_task_id,
    utc_now,
)
from mcp_tasks.task_listing import TASKS, TaskFilters, list_statement, task_page
from mcp_tasks.task_transactions import TaskTransactions, retried

EVENTS_LIMIT_MAX = 1000

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


def _snapshot(task: Task) -> dict[str, Any]:
    return TaskPublic.model_validate(task).model_dump(mode="json")


class TaskService:
    """Task operations on behalf of one verified user at a time."""

    def __init__(self, database: Database, publisher: EventPublisher) -> None:
        self._database = database
        self._transactions = TaskTransactions(database, publisher)
        # Reads run in autocommit: one statement needs no BEGIN/COMMIT round trips.
        self._reads = database.read_sessions

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

        now = utc_now()
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

        async with self._transactions.serialised(user_id):
            events = await retried(lambda: nullcontext(self._database), insert)
            # None: a first attempt had committed before its connection was lost; its event
            # is in the log, where consumers find it.
            self._transactions.publish(user_id, events)
        return task

    async def get_task(self, user_id: UUID, task_id: str | UUID) -> TaskPublic:
        """One live task of the user."""
        params = {"task_id": parse_task_id(task_id), "user_id": user_id}

        async def fetch(connection: AsyncConnection) -> Row[Any] | None:
            with query_span("get_task"):
                return (await connection.execute(_GET_TASK, params)).one_or_none()

        row = await retried(self._database.connection, fetch)
        if row is None:
            raise TaskNotFoundError(task_id)
        return TaskPublic.model_validate(row)

    async def list_tasks(self, user_id: UUID, filters: TaskFilters) -> TaskPage:
        """A page of the user's live tasks, by due date (none last), creation time and id."""
        statement = list_statement(user_id, filters)

        async def fetch(connection: AsyncConnection) -> list[Row[Any]]:
            with query_span("list_tasks"):
                return list((await connection.execute(statement)).all())

        rows = await retried(self._database.connection, fetch)
        return task_page(rows, filters.limit)

    async def update_task(
        self, user_id: UUID, actor: Actor, task_id: str | UUID, changes: TaskChanges
    ) -> TaskUpdateResult:
        """Apply ``changes``; the result names the previous value of each changed field."""
        key = parse_task_id(task_id)
        wanted = changes.field_values()

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

        return await self._transactions.run(user_id, actor, change)

    async def set_completed(
        self, user_id: UUID, actor: Actor, task_id: str | UUID, completed: bool
    ) -> TaskUpdateResult:
        """Mark the task completed (or pending again); a no-op when it already is, which the
        result's empty `previous` says."""
        return await self.update_task(user_id, actor, task_id, TaskChanges(completed=completed))

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

        return await self._transactions.run(user_id, actor, change)

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

        return await self._transactions.run(user_id, actor, change)

    async def clear_completed(
        self, user_id: UUID, actor: Actor, task_ids: Sequence[str | UUID] | None = None
    ) -> ClearCompletedResult:
        """Soft-delete every live completed task of the user; one task.deleted event each.

        With ``task_ids``, only those of them that are still live and completed (what a
        confirmation showed, not what was completed since).
        """
        only = None if task_ids is None else [parse_listed_task_id(value) for value in task_ids]

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

        return await self._transactions.run(user_id, actor, change)

    async def events_after(self, user_id: UUID, after: int, limit: int = 500) -> EventPage:
        """The user's logged events after version ``after`` (see ``read_events``)."""
        if after < 0:
            raise InvalidInputError("after", "after must be 0 or a positive version number.")
        if not 1 <= limit <= EVENTS_LIMIT_MAX:
            raise InvalidInputError(
                "limit", f"limit must be between 1 and {EVENTS_LIMIT_MAX}; {limit} was given."
            )
        return await retried(
            self._reads, lambda session: read_events(session, user_id, after, limit)
        )
