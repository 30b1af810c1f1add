"""The task change event: one model for the publisher (mcp-tasks) and the consumers."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from servicekit.tasks import TaskPublic

TaskEventType = Literal[
    "task.created",
    "task.updated",
    "task.completed",
    "task.reopened",
    "task.deleted",
    "task.restored",
]
Actor = Literal["chat", "api"]


class TaskEvent(BaseModel):
    """One committed change to a user's tasks, as published on Redis and served over SSE."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    type: TaskEventType
    task_id: UUID
    task: TaskPublic | None
    occurred_at: datetime
    actor: Actor
    trace_id: str | None


def user_channel(user_id: UUID | str) -> str:
    """The Redis pub/sub channel carrying one user's task events."""
    return f"tasks:user:{user_id}"
