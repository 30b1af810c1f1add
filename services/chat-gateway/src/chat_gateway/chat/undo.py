"""Undo records: the inverse of each task mutation, kept per user and thread for 10 minutes."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from servicekit.database import Database
from sqlalchemy import DateTime, Text, Uuid, bindparam, func, insert, select, update

from chat_gateway.chat.models import UndoRecord
from chat_gateway.chat.store_statements import json_param, json_text, table

Step = dict[str, Any]
"""One MCP tool call: {"tool": name, "arguments": {...}}."""


@dataclass(frozen=True, slots=True)
class PendingUndo:
    """An undo that was claimed and must now be applied."""

    id: UUID
    description: str
    steps: list[Step]


def inverse_of(tool: str, arguments: dict[str, Any], result: dict[str, Any]) -> list[Step] | None:
    """The calls that undo a successful mutation, or None for read-only tools."""
    task = result.get("task")
    task_id = str(task["id"]) if isinstance(task, dict) else arguments.get("task_id")
    match tool:
        case "add_task":
            return [{"tool": "delete_task", "arguments": {"task_id": task_id}}]
        case "complete_task" | "reopen_task":
            if result.get("previous") == {}:
                return None  # the task already was done (or open): nothing to undo
            back = "reopen_task" if tool == "complete_task" else "complete_task"
            return [{"tool": back, "arguments": {"task_id": task_id}}]
        case "delete_task":
            return [{"tool": "restore_task", "arguments": {"task_id": task_id}}]
        case "restore_task":
            return [{"tool": "delete_task", "arguments": {"task_id": task_id}}]
        case "clear_completed":
            return [
                {"tool": "restore_task", "arguments": {"task_id": str(restored)}}
                for restored in result.get("task_ids") or []
            ]
        case "update_task":
            previous = result.get("previous") or {}
            if not previous:
                return None
            arguments_back: dict[str, Any] = {"task_id": task_id}
            for field, value in previous.items():
                if field == "due_date" and value is None:
                    arguments_back["clear_due_date"] = True
                else:
                    arguments_back[field] = value
            return [{"tool": "update_task", "arguments": arguments_back}]
    return None


_records = table(UndoRecord)
_USER = bindparam("user", type_=Uuid)
_RECORD = bindparam("record", type_=Uuid)

_RECORD_UNDO = insert(_records).values(
    id=_RECORD,
    user_id=_USER,
    thread_id=bindparam("thread", type_=Text),
    description=bindparam("description", type_=Text),
    steps=json_param("steps"),
    expires_at=bindparam("expires", type_=DateTime(timezone=True)),
)


def _claim(given: bool) -> Any:
    live = _records.alias("live")
    latest = select(live.c.id).where(
        live.c.user_id == _USER,
        live.c.thread_id == bindparam("thread", type_=Text),
        live.c.undone_at.is_(None),
        live.c.expires_at > func.now(),
    )
    if given:
        latest = latest.where(live.c.id == _RECORD)
    latest = latest.order_by(live.c.seq.desc()).limit(1).with_for_update(skip_locked=True)
    return (
        update(_records)
        .where(_records.c.id == latest.scalar_subquery())
        .values(undone_at=func.now())
        .returning(_records.c.id, _records.c.description, _records.c.steps)
    )


_CLAIM_LATEST = _claim(given=False)
_CLAIM_GIVEN = _claim(given=True)
_RELEASE = (
    update(_records)
    .where(_records.c.id == _RECORD, _records.c.user_id == _USER)
    .values(undone_at=None)
)


class UndoLog:
    """Stores undo records in PostgreSQL, each usable once and only by its user and thread."""

    def __init__(self, database: Database, *, window_seconds: int) -> None:
        self._database = database
        self._window = timedelta(seconds=window_seconds)

    async def record(
        self, undo_id: UUID, user_id: UUID, thread_id: str, description: str, steps: list[Step]
    ) -> None:
        """Store the inverse of a mutation under the id its Undo button refers to."""
        await self._database.execute(
            _RECORD_UNDO,
            {
                "record": undo_id,
                "user": user_id,
                "thread": thread_id,
                "description": description,
                "steps": json_text(json.dumps(steps)),
                "expires": datetime.now(UTC) + self._window,
            },
        )

    async def claim(
        self, user_id: UUID, thread_id: str, undo_id: UUID | None = None
    ) -> PendingUndo | None:
        """Mark one live record used (a given one, or the thread's latest) and return it."""
        statement = _CLAIM_LATEST if undo_id is None else _CLAIM_GIVEN
        rows = await self._database.execute(
            statement, {"user": user_id, "thread": thread_id, "record": undo_id}
        )
        row = rows[0] if rows else None
        if row is None:
            return None
        return PendingUndo(id=row["id"], description=row["description"], steps=list(row["steps"]))

    async def release(self, user_id: UUID, undo_id: UUID) -> None:
        """Make a claimed record of the user usable again (its inverse could not be applied)."""
        await self._database.execute(_RELEASE, {"record": undo_id, "user": user_id})
