"""Task endpoints of the internal REST API (actor "api")."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field
from servicekit.tasks import Priority, Status, TaskPublic

from mcp_tasks.deps import Tasks, UserId
from mcp_tasks.observability import tool_span
from mcp_tasks.schemas import TaskCreate, TaskPage, TaskUpdate
from mcp_tasks.task_input import TaskChanges
from mcp_tasks.task_listing import LIST_LIMIT_MAX, TaskFilters

router = APIRouter(prefix="/tasks", tags=["tasks"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such task for this user (unknown, another user's, or deleted)."}
}


class TaskListQuery(BaseModel):
    """The query parameters of GET /tasks: the list_tasks tool's arguments, by the same names."""

    status: Status = "pending"
    due_on: str | None = Field(default=None, description="YYYY-MM-DD")
    due_before: str | None = Field(default=None, description="YYYY-MM-DD, inclusive")
    overdue: bool = False
    tag: str | None = None
    priority: Priority | None = None
    query: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=50, ge=1, le=LIST_LIMIT_MAX)
    cursor: str | None = Field(default=None, max_length=500)


@router.get("", response_model=TaskPage)
async def list_tasks(
    user_id: UserId, tasks: Tasks, params: Annotated[TaskListQuery, Query()]
) -> TaskPage:
    """The user's live tasks, sorted by due date (none last), then creation time."""
    with tool_span("list_tasks", "rest"):
        return await tasks.list_tasks(user_id, TaskFilters(**params.model_dump()))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=TaskPublic)
async def create_task(body: TaskCreate, user_id: UserId, tasks: Tasks) -> TaskPublic:
    """Create a task."""
    with tool_span("add_task", "rest"):
        return await tasks.add_task(
            user_id,
            "api",
            title=body.title,
            description=body.description,
            due_date=body.due_date,
            priority=body.priority,
            tags=body.tags,
        )


@router.get("/{task_id}", response_model=TaskPublic, responses=NOT_FOUND)
async def get_task(task_id: UUID, user_id: UserId, tasks: Tasks) -> TaskPublic:
    """One live task."""
    with tool_span("get_task", "rest"):
        return await tasks.get_task(user_id, task_id)


@router.patch("/{task_id}", response_model=TaskPublic, responses=NOT_FOUND)
async def update_task(task_id: UUID, body: TaskUpdate, user_id: UserId, tasks: Tasks) -> TaskPublic:
    """Change any subset of fields; "due_date": null removes the due date."""
    changes = TaskChanges.from_patch(body.model_dump(exclude_unset=True))
    with tool_span("update_task", "rest"):
        result = await tasks.update_task(user_id, "api", task_id, changes)
    return result.task


@router.delete("/{task_id}", response_model=TaskPublic, responses=NOT_FOUND)
async def delete_task(task_id: UUID, user_id: UserId, tasks: Tasks) -> TaskPublic:
    """Soft-delete a task; the answer is the deleted task."""
    with tool_span("delete_task", "rest"):
        return await tasks.delete_task(user_id, "api", task_id)


@router.post("/{task_id}/restore", response_model=TaskPublic, responses=NOT_FOUND)
async def restore_task(task_id: UUID, user_id: UserId, tasks: Tasks) -> TaskPublic:
    """Undo a soft delete."""
    with tool_span("restore_task", "rest"):
        return await tasks.restore_task(user_id, "api", task_id)
