"""The dashboard's task API: /api/v1/tasks, relayed to mcp-tasks with the user's signed identity."""

import json
from datetime import date, datetime
from typing import Annotated
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from local_model import parse_quick_add
from servicekit.errors import problem_response
from servicekit.tasks import Priority, Status, TaskPublic

from chat_gateway.apps import AppCaller
from chat_gateway.chat.request_context import parse_timezone
from chat_gateway.config import TASKS_SERVICE
from chat_gateway.deps import CurrentUser, ResourcesDep
from chat_gateway.service_access import granted_call, refusal
from chat_gateway.tasks.client import Answer, TasksClient
from chat_gateway.tasks.schemas import (
    QuickAddParse,
    QuickAddText,
    TaskCreate,
    TaskList,
    TaskUpdate,
    problem_responses,
    request_body,
)


async def get_tasks_client(resources: ResourcesDep) -> TasksClient:
    """The mcp-tasks client opened by the lifespan."""
    return resources.dashboard.tasks_client


TasksClientDep = Annotated[TasksClient, Depends(get_tasks_client)]

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])


def _relay(upstream: Answer) -> Response:
    headers = {"Retry-After": upstream.retry_after} if upstream.retry_after else None
    return Response(
        upstream.content,
        status_code=upstream.status_code,
        media_type=upstream.content_type or "application/json",
        headers=headers,
    )


async def _forward(
    tasks: TasksClient,
    caller: AppCaller,
    tools: list[str],
    method: str,
    path: str,
    *,
    params: dict[str, str] | None = None,
    content: bytes | None = None,
) -> Response:
    """mcp-tasks' answer to the request, sent only when the caller's app is granted ``tools``
    (the tools the request stands for)."""

    async def send() -> Response:
        upstream = await tasks.request(caller, method, path, params=params, content=content)
        return _relay(upstream)

    return await granted_call(caller, TASKS_SERVICE, tools, send)


def update_tools(body: bytes) -> list[str]:
    """The tools a PATCH of a task stands for: ``completed`` completes or reopens, any other
    field (or a body that is not a JSON object, which mcp-tasks refuses) updates."""
    try:
        fields = json.loads(body)
    except ValueError:
        return ["update_task"]
    if not isinstance(fields, dict):
        return ["update_task"]
    tools: list[str] = []
    if fields.get("completed") is True:
        tools.append("complete_task")
    elif fields.get("completed") is False:
        tools.append("reopen_task")
    if not tools or set(fields) - {"completed"}:
        tools.append("update_task")
    return tools


@router.get(
    "",
    response_model=TaskList,
    responses=problem_responses(401, 403, 422, 502, 503),
    summary="List tasks",
)
async def list_tasks(
    user_id: CurrentUser,
    tasks: TasksClientDep,
    status: Status = "pending",
    due_on: date | None = None,
    due_before: Annotated[date | None, Query(description="On or before this date")] = None,
    overdue: bool = False,
    tag: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    priority: Priority | None = None,
    query: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    """The user's tasks: by due date (none last), then creation time."""
    params = {"status": status, "overdue": str(overdue).lower(), "limit": str(limit)}
    optional = {
        "due_on": due_on,
        "due_before": due_before,
        "tag": tag,
        "priority": priority,
        "query": query,
    }
    params.update({name: str(value) for name, value in optional.items() if value is not None})
    if cursor is not None:
        params["cursor"] = cursor
    return await _forward(tasks, user_id, ["list_tasks"], "GET", "/tasks", params=params)


@router.post(
    "",
    status_code=201,
    response_model=TaskPublic,
    responses=problem_responses(401, 403, 413, 422, 502, 503),
    openapi_extra=request_body(TaskCreate),
    summary="Create a task",
)
async def create_task(request: Request, user_id: CurrentUser, tasks: TasksClientDep) -> Response:
    """Create a task; the body is a TaskCreate."""
    return await _forward(
        tasks, user_id, ["add_task"], "POST", "/tasks", content=await request.body()
    )


@router.post(
    "/parse",
    response_model=QuickAddParse,
    responses=problem_responses(401, 403, 413, 422),
    summary="Read a quick-add line into a new task's fields (creates nothing)",
)
async def parse_task(
    body: QuickAddText,
    user_id: CurrentUser,
    x_user_timezone: Annotated[str | None, Header()] = None,
) -> Response:
    """The TaskCreate body a quick-add line describes; dates resolve in the user's time zone.

    Quick add is a way of adding, so the app must be granted add_task.
    """
    refused = refusal(user_id, TASKS_SERVICE, ["add_task"])
    if refused is not None:
        return refused
    today = datetime.now(ZoneInfo(parse_timezone(x_user_timezone))).date()
    try:
        parsed = parse_quick_add(body.text, today)
    except ValueError as exc:
        return problem_response(422, f"Nothing to add: {exc}.")
    answer = QuickAddParse.model_validate(
        {
            "title": parsed.title,
            "description": parsed.description,
            "due_date": parsed.due_date,
            "priority": parsed.priority,
            "tags": parsed.tags,
            "notes": parsed.notes,
        }
    )
    # No "description" key when there is none: the answer is posted back as a TaskCreate.
    return JSONResponse(
        answer.model_dump(
            mode="json", exclude={"description"} if answer.description is None else None
        )
    )


@router.get(
    "/{task_id}",
    response_model=TaskPublic,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
    summary="Get a task",
)
async def get_task(task_id: UUID, user_id: CurrentUser, tasks: TasksClientDep) -> Response:
    """One of the user's tasks (404 when unknown, deleted or someone else's)."""
    return await _forward(tasks, user_id, ["get_task"], "GET", f"/tasks/{task_id}")


@router.patch(
    "/{task_id}",
    response_model=TaskPublic,
    responses=problem_responses(401, 403, 404, 413, 422, 502, 503),
    openapi_extra=request_body(TaskUpdate),
    summary="Change a task",
)
async def update_task(
    task_id: UUID, request: Request, user_id: CurrentUser, tasks: TasksClientDep
) -> Response:
    """Change some fields of a task (``completed`` completes or reopens it)."""
    body = await request.body()
    return await _forward(
        tasks, user_id, update_tools(body), "PATCH", f"/tasks/{task_id}", content=body
    )


@router.delete(
    "/{task_id}",
    response_model=TaskPublic,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
    summary="Delete a task",
)
async def delete_task(task_id: UUID, user_id: CurrentUser, tasks: TasksClientDep) -> Response:
    """Soft-delete a task; POST .../restore undoes it."""
    return await _forward(tasks, user_id, ["delete_task"], "DELETE", f"/tasks/{task_id}")


@router.post(
    "/{task_id}/restore",
    response_model=TaskPublic,
    responses=problem_responses(401, 403, 404, 422, 502, 503),
    summary="Restore a deleted task",
)
async def restore_task(task_id: UUID, user_id: CurrentUser, tasks: TasksClientDep) -> Response:
    """Undo the deletion of a task."""
    return await _forward(tasks, user_id, ["restore_task"], "POST", f"/tasks/{task_id}/restore")
