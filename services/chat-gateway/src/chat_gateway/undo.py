"""Undo records: the inverse of each task mutation, kept per user and thread for 10 minutes."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from chat_gateway.store import json_text

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

    def __init__(self, pool: Any, *, window_seconds: int) -> None:
        self._pool = pool
        self._window = timedelta(seconds=window_seconds)

    async def record(
        self, user_id: UUID, thread_id: str, description: str, steps: list[Step]
    ) -> UUID:
        """Store the inverse of a mutation; returns the id an Undo button refers to."""
        undo_id = uuid4()
        async with self._pool.acquire() as connection:
            await connection.execute(
                "INSERT INTO chat_undo_records"
                " (id, user_id, thread_id, description, steps, expires_at)"
                " VALUES ($1, $2, $3, $4, $5::jsonb, $6)",
                undo_id,
                user_id,
                thread_id,
                description,
                json_text(json.dumps(steps)),
                datetime.now(UTC) + self._window,
            )
        return undo_id

    async def claim(
        self, user_id: UUID, thread_id: str, undo_id: UUID | None = None
    ) -> PendingUndo | None:
        """Mark one live record used (a given one, or the thread's latest) and return it."""
        async with self._pool.acquire() as connection:
            row = await connection.fetchrow(
                "UPDATE chat_undo_records SET undone_at = now()"
                " WHERE id = ("
                "  SELECT id FROM chat_undo_records"
                "  WHERE user_id = $1 AND thread_id = $2 AND undone_at IS NULL"
                "  AND expires_at > now() AND ($3::uuid IS NULL OR id = $3::uuid)"
                "  ORDER BY seq DESC LIMIT 1 FOR UPDATE SKIP LOCKED)"
                " RETURNING id, description, steps",
                user_id,
                thread_id,
                undo_id,
            )
        if row is None:
            return None
        return PendingUndo(
            id=row["id"], description=row["description"], steps=list(json.loads(row["steps"]))
        )

    async def release(self, undo_id: UUID) -> None:
        """Make a claimed record usable again (its inverse could not be applied)."""
        async with self._pool.acquire() as connection:
            await connection.execute(
                "UPDATE chat_undo_records SET undone_at = NULL WHERE id = $1", undo_id
            )
