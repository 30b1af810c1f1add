"""Public shapes of tasks and results, shared by the MCP tools and the REST API."""

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from servicekit.events import TaskEvent
from servicekit.tasks import Priority, TaskPublic


class TaskResult(BaseModel):
    """One task, as returned by the single-task tools."""

    task: TaskPublic


class TaskUpdateResult(BaseModel):
    """The updated task and the previous value of every field that changed."""

    task: TaskPublic
    previous: dict[str, Any] = Field(
        description="Old value of each changed field, by field name; empty when nothing changed."
    )


class TaskPage(BaseModel):
    """One page of tasks; pass ``next_cursor`` back to get the next page (null on the last)."""

    tasks: list[TaskPublic]
    next_cursor: str | None


class ClearCompletedResult(BaseModel):
    """How many completed tasks were deleted, and their ids."""

    count: int
    task_ids: list[UUID]


class TaskCreate(BaseModel):
    """Body of POST /internal/v1/tasks."""

    model_config = ConfigDict(extra="forbid")

    title: str
    description: str = ""
    due_date: date | None = None
    priority: Priority = "normal"
    tags: list[str] = Field(default_factory=list)


class TaskUpdate(BaseModel):
    """Body of PATCH /internal/v1/tasks/{id}: any subset of fields; due_date null clears it."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    description: str | None = None
    due_date: date | None = None
    priority: Priority | None = None
    tags: list[str] | None = None
    completed: bool | None = None


class EventPage(BaseModel):
    """Events after a version, and the latest version of the user's log."""

    events: list[TaskEvent]
    latest_version: int
