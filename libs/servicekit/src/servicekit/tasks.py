"""The task's public shape: one model for mcp-tasks, its events and the gateway's task API."""

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict

Priority = Literal["low", "normal", "high"]
Status = Literal["pending", "completed", "all"]
PRIORITIES: tuple[Priority, ...] = ("low", "normal", "high")
STATUSES: tuple[Status, ...] = ("pending", "completed", "all")


class TaskPublic(BaseModel):
    """A task as clients see it."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    title: str
    description: str
    due_date: date | None
    priority: Priority
    tags: list[str]
    completed: bool
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
