"""Undo records: the inverse of each task mutation, kept per user and thread for 10 minutes."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from servicekit.database import Database
from sqlalchemy import select, update

from chat_gateway.models import UndoRecord

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
        case "complete_task":
            return [{"tool": "reopen_task", "arguments": {"task_id": task_id}}]
        case "reopen_task":
            return [{"tool": "complete_task", "arguments": {"task_id": task_id}}]
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


class UndoLog:
    """Stores undo records in PostgreSQL, each usable once and only by its user and thread."""

    def __init__(self, database: Database, *, window_seconds: int) -> None:
        self._db = database
        self._window = timedelta(seconds=window_seconds)

    async def record(
        self, user_id: UUID, thread_id: str, description: str, steps: list[Step]
    ) -> UUID:
        """Store the inverse of a mutation; returns the id an Undo button refers to."""
        undo_id = uuid4()
        async with self._db.session() as session:
            session.add(
                UndoRecord(
                    id=undo_id,
                    user_id=user_id,
                    thread_id=thread_id,
                    description=description,
                    steps=steps,
                    expires_at=datetime.now(UTC) + self._window,
                )
            )
        return undo_id

    async def claim(
        self, user_id: UUID, thread_id: str, undo_id: UUID | None = None
    ) -> PendingUndo | None:
        """Mark one live record used (a given one, or the thread's latest) and return it."""
        now = datetime.now(UTC)
        live = (
            select(UndoRecord.id)
            .where(
                UndoRecord.user_id == user_id,
                UndoRecord.thread_id == thread_id,
                UndoRecord.undone_at.is_(None),
                UndoRecord.expires_at > now,
            )
            .order_by(UndoRecord.seq.desc())
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if undo_id is not None:
            live = live.where(UndoRecord.id == undo_id)
        async with self._db.session() as session:
            row = await session.execute(
                update(UndoRecord)
                .where(UndoRecord.id == live.scalar_subquery())
                .values(undone_at=now)
                .returning(UndoRecord.id, UndoRecord.description, UndoRecord.steps)
            )
            found = row.first()
        if found is None:
            return None
        return PendingUndo(id=found.id, description=found.description, steps=list(found.steps))

    async def release(self, undo_id: UUID) -> None:
        """Make a claimed record usable again (its inverse could not be applied)."""
        async with self._db.session() as session:
            await session.execute(
                update(UndoRecord).where(UndoRecord.id == undo_id).values(undone_at=None)
            )
