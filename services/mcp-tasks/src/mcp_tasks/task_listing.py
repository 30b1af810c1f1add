"""The list_tasks query: filters, their validation, keyset pagination and the page built from
the rows. Tasks come in display order: due date (none last), creation time, id.
"""

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import TypeAdapter
from servicekit.record_errors import storable_text
from servicekit.tasks import STATUSES, TaskPublic
from sqlalchemy import Date, Row, Select, cast, literal, or_, select, tuple_

from mcp_tasks.errors import InvalidInputError
from mcp_tasks.models import SORT_DUE, Task
from mcp_tasks.schemas import TaskPage
from mcp_tasks.task_input import ISO_DATE, clean_priority, parse_date, today

LIST_LIMIT_MAX = 200
_CURSOR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?\+00:00")
_LIKE_SPECIALS = re.compile(r"([\\%_])")

# Reads go through Core rows, not ORM objects: a page of 100 tasks is then validated straight
# into TaskPublic, without building and tracking 100 mapped instances first.
TASKS = Task.__table__
_TASK_LIST = TypeAdapter(list[TaskPublic])


@dataclass(frozen=True, slots=True)
class TaskFilters:
    """What list_tasks selects; validated by ``list_statement``."""

    status: str = "pending"
    due_on: str | date | None = None
    due_before: str | date | None = None
    overdue: bool = False
    tag: str | None = None
    priority: str | None = None
    query: str | None = None
    limit: int = 50
    cursor: str | None = None


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
        if due != "infinity" and not ISO_DATE.fullmatch(due):
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


def list_statement(user_id: UUID, filters: TaskFilters) -> Select[Any]:
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


def task_page(rows: Sequence[Row[Any]], limit: int) -> TaskPage:
    """The first ``limit`` rows as a page, with a cursor when the query found one row more."""
    more = len(rows) > limit
    tasks = _TASK_LIST.validate_python([row._asdict() for row in rows[:limit]])
    return TaskPage(tasks=tasks, next_cursor=_encode_cursor(tasks[-1]) if more else None)
