"""The MCP tools: plain typed functions over the task domain.

Each tool's docstring is its description, its parameters its input schema and its return type
its output schema. The verified user and the runtime come from the call's context; a mistake
the model can fix comes back as a ToolError whose text says what to do.
"""

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.types import ToolAnnotations
from pydantic import Field
from servicekit.tool_calls import ToolCall, ToolRegistry

from mcp_tasks.observability import tool_span
from mcp_tasks.runtime import Runtime
from mcp_tasks.schemas import ClearCompletedResult, TaskPage, TaskResult, TaskUpdateResult
from mcp_tasks.task_input import TaskChanges
from mcp_tasks.task_listing import TaskFilters

TaskId = Annotated[str, Field(description="The task's id (a UUID) as returned by list_tasks.")]
Title = Annotated[str, Field(description="Short title, 1 to 200 characters.")]
Description = Annotated[str, Field(description="Free-text details, up to 5000 characters.")]
DueDate = Annotated[
    str | None, Field(description="Due date as YYYY-MM-DD, or null for no due date.")
]
Priority = Annotated[
    str,
    Field(
        description="low, normal or high.", json_schema_extra={"enum": ["low", "normal", "high"]}
    ),
]
Tags = Annotated[
    list[str],
    Field(
        description="Up to 10 tags, each 1 to 32 characters; stored lowercase, duplicates dropped."
    ),
]

ToolContext = Context[Runtime, Any]

TOOLS = ToolRegistry()
"""Every tool with its annotations, in the order tools/list shows them."""
tool = TOOLS.tool


def _call(name: str, ctx: ToolContext) -> ToolCall[Runtime]:
    """One run of a tool: verified user, span and metrics, domain errors as tool errors."""
    return ToolCall(name, ctx, tool_span)


@tool(
    ToolAnnotations(
        title="Add a task", readOnlyHint=False, destructiveHint=False, idempotentHint=False
    )
)
async def add_task(
    ctx: ToolContext,
    title: Title,
    description: Description = "",
    due_date: DueDate = None,
    priority: Priority = "normal",
    tags: Tags | None = None,
) -> TaskResult:
    """Create a task for the user and return it.

    Use it when the user asks to remember, add or plan something. Resolve relative dates
    ("tomorrow", "next Friday") to YYYY-MM-DD yourself before calling.
    """
    call = _call("add_task", ctx)
    task = await call(
        lambda: call.runtime.domain.add_task(
            call.user_id,
            "chat",
            title=title,
            description=description,
            due_date=due_date,
            priority=priority,
            tags=tags or [],
        )
    )
    return TaskResult(task=task)


@tool(
    ToolAnnotations(
        title="List tasks", readOnlyHint=True, destructiveHint=False, idempotentHint=True
    )
)
async def list_tasks(
    ctx: ToolContext,
    status: Annotated[
        str,
        Field(
            description="pending (default), completed or all.",
            json_schema_extra={"enum": ["pending", "completed", "all"]},
        ),
    ] = "pending",
    due_on: Annotated[str | None, Field(description="Only tasks due on this YYYY-MM-DD.")] = None,
    due_before: Annotated[
        str | None, Field(description="Only tasks due on or before this YYYY-MM-DD.")
    ] = None,
    overdue: Annotated[
        bool, Field(description="Only pending tasks whose due date is before today (UTC).")
    ] = False,
    tag: Annotated[str | None, Field(description="Only tasks with this tag.")] = None,
    priority: Annotated[
        str | None,
        Field(
            description="Only tasks with this priority: low, normal or high.",
            json_schema_extra={"enum": ["low", "normal", "high"]},
        ),
    ] = None,
    query: Annotated[
        str | None,
        Field(description="Words that must all appear in the title or description (any case)."),
    ] = None,
    limit: Annotated[int, Field(description="Page size, 1 to 200.")] = 50,
    cursor: Annotated[
        str | None, Field(description="next_cursor from the previous page, to continue.")
    ] = None,
) -> TaskPage:
    """List the user's tasks, sorted by due date (tasks without one last), then creation.

    Call it to find a task's id before get/update/complete/delete. When next_cursor is not
    null there are more tasks: call again with cursor=next_cursor.
    """
    call = _call("list_tasks", ctx)
    filters = TaskFilters(
        status=status,
        due_on=due_on,
        due_before=due_before,
        overdue=overdue,
        tag=tag,
        priority=priority,
        query=query,
        limit=limit,
        cursor=cursor,
    )
    page: TaskPage = await call(lambda: call.runtime.domain.list_tasks(call.user_id, filters))
    return page


@tool(
    ToolAnnotations(
        title="Get a task", readOnlyHint=True, destructiveHint=False, idempotentHint=True
    )
)
async def get_task(ctx: ToolContext, task_id: TaskId) -> TaskResult:
    """Return one task by id."""
    call = _call("get_task", ctx)
    task = await call(lambda: call.runtime.domain.get_task(call.user_id, task_id))
    return TaskResult(task=task)


@tool(
    ToolAnnotations(
        title="Update a task", readOnlyHint=False, destructiveHint=False, idempotentHint=True
    )
)
async def update_task(
    ctx: ToolContext,
    task_id: TaskId,
    title: Annotated[str | None, Field(description="New title, 1 to 200 characters.")] = None,
    description: Annotated[
        str | None, Field(description="New description, up to 5000 characters.")
    ] = None,
    due_date: Annotated[str | None, Field(description="New due date as YYYY-MM-DD.")] = None,
    clear_due_date: Annotated[bool, Field(description="true to remove the due date.")] = False,
    priority: Annotated[
        str | None,
        Field(
            description="New priority: low, normal or high.",
            json_schema_extra={"enum": ["low", "normal", "high"]},
        ),
    ] = None,
    tags: Annotated[
        list[str] | None, Field(description="New full list of tags (replaces the old ones).")
    ] = None,
) -> TaskUpdateResult:
    """Change any subset of a task's fields; omitted fields stay as they are.

    The result holds the task and, in "previous", the old value of every changed field.
    To mark a task done use complete_task instead.
    """
    call = _call("update_task", ctx)
    changes = TaskChanges(
        title=title,
        description=description,
        due_date=due_date,
        clear_due_date=clear_due_date,
        priority=priority,
        tags=tags,
    )
    result: TaskUpdateResult = await call(
        lambda: call.runtime.domain.update_task(call.user_id, "chat", task_id, changes)
    )
    return result


@tool(
    ToolAnnotations(
        title="Complete a task", readOnlyHint=False, destructiveHint=False, idempotentHint=True
    )
)
async def complete_task(ctx: ToolContext, task_id: TaskId) -> TaskUpdateResult:
    """Mark a task as done. Completing a completed task changes nothing (`previous` is empty)."""
    call = _call("complete_task", ctx)
    result: TaskUpdateResult = await call(
        lambda: call.runtime.domain.set_completed(call.user_id, "chat", task_id, True)
    )
    return result


@tool(
    ToolAnnotations(
        title="Reopen a task", readOnlyHint=False, destructiveHint=False, idempotentHint=True
    )
)
async def reopen_task(ctx: ToolContext, task_id: TaskId) -> TaskUpdateResult:
    """Mark a completed task as pending again. Reopening a pending task changes nothing
    (`previous` is empty)."""
    call = _call("reopen_task", ctx)
    result: TaskUpdateResult = await call(
        lambda: call.runtime.domain.set_completed(call.user_id, "chat", task_id, False)
    )
    return result


@tool(
    ToolAnnotations(
        title="Delete a task", readOnlyHint=False, destructiveHint=True, idempotentHint=True
    )
)
async def delete_task(ctx: ToolContext, task_id: TaskId) -> TaskResult:
    """Delete a task (it disappears from lists; restore_task brings it back).

    Only call this when the user clearly asked to delete this task.
    """
    call = _call("delete_task", ctx)
    task = await call(lambda: call.runtime.domain.delete_task(call.user_id, "chat", task_id))
    return TaskResult(task=task)


@tool(
    ToolAnnotations(
        title="Restore a deleted task",
        readOnlyHint=False,
        destructiveHint=False,
        idempotentHint=True,
    )
)
async def restore_task(ctx: ToolContext, task_id: TaskId) -> TaskResult:
    """Bring back a deleted task (undo delete_task or clear_completed) by its id."""
    call = _call("restore_task", ctx)
    task = await call(lambda: call.runtime.domain.restore_task(call.user_id, "chat", task_id))
    return TaskResult(task=task)


@tool(
    ToolAnnotations(
        title="Clear completed tasks",
        readOnlyHint=False,
        destructiveHint=True,
        idempotentHint=True,
    )
)
async def clear_completed(
    ctx: ToolContext,
    task_ids: Annotated[
        list[str] | None,
        Field(
            description="Only these tasks (those still completed); omit to clear every "
            "completed task.",
            max_length=200,
        ),
    ] = None,
) -> ClearCompletedResult:
    """Delete all of the user's completed tasks; returns how many and their ids.

    Only call this when the user clearly asked to clear or remove completed tasks.
    Each one can be brought back with restore_task.
    """
    call = _call("clear_completed", ctx)
    result: ClearCompletedResult = await call(
        lambda: call.runtime.domain.clear_completed(call.user_id, "chat", task_ids)
    )
    return result
