"""The dashboard's task API: /api/v1/tasks, relayed to mcp-tasks with the user's signed identity."""

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
from chat_gateway.errors import TaskServiceUnavailableError
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
    user_id: UUID,
    method: str,
    path: str,
    *,
    params: dict[str, str] | None = None,
    content: bytes | None = None,
) -> Response:
    if isinstance(user_id, AppCaller) and not user_id.app.grants_service(TASKS_SERVICE):
        return problem_response(404, f"No tool service named {TASKS_SERVICE!r} is configured.")
    try:
        upstream = await tasks.request(user_id, method, path, params=params, content=content)
    except TaskServiceUnavailableError as exc:
        headers = {"Retry-After": "2"} if exc.status == 503 else None
        return problem_response(exc.status, exc.detail, headers=headers)
    return _relay(upstream)


@router.get(
    "",
    response_model=TaskList,
    responses=problem_responses(401, 422, 502, 503),
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
    return await _forward(tasks, user_id, "GET", "/tasks", params=params)


@router.post(
    "",
    status_code=201,
    response_model=TaskPublic,
    responses=problem_responses(401, 413, 422, 502, 503),
    openapi_extra=request_body(TaskCreate),
    summary="Create a task",
)
async def create_task(request: Request, user_id: CurrentUser, tasks: TasksClientDep) -> Response:
    """Create a task; the body is a TaskCreate."""
    return await _forward(tasks, user_id, "POST", "/tasks", content=await request.body())


@router.post(
    "/parse",
    response_model=QuickAddParse,
    responses=problem_responses(401, 413, 422),
    summary="Read a quick-add line into a new task's fields (creates nothing)",
)
async def parse_task(
    body: QuickAddText,
    user_id: CurrentUser,
    x_user_timezone: Annotated[str | None, Header()] = None,
) -> Response:
    """The TaskCreate body a quick-add line describes; dates resolve in the user's time zone."""
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
    responses=problem_responses(401, 404, 422, 502, 503),
    summary="Get a task",
)
async def get_task(task_id: UUID, user_id: CurrentUser, tasks: TasksClientDep) -> Response:
    """One of the user's tasks (404 when unknown, deleted or someone else's)."""
    return await _forward(tasks, user_id, "GET", f"/tasks/{task_id}")


@router.patch(
    "/{task_id}",
    response_model=TaskPublic,
    responses=problem_responses(401, 404, 413, 422, 502, 503),
    openapi_extra=request_body(TaskUpdate),
    summary="Change a task",
)
async def update_task(
    task_id: UUID, request: Request, user_id: CurrentUser, tasks: TasksClientDep
) -> Response:
    """Change some fields of a task (``completed`` completes or reopens it)."""
    return await _forward(
        tasks, user_id, "PATCH", f"/tasks/{task_id}", content=await request.body()
    )


@router.delete(
    "/{task_id}",
    response_model=TaskPublic,
    responses=problem_responses(401, 404, 422, 502, 503),
    summary="Delete a task",
)
async def delete_task(task_id: UUID, user_id: CurrentUser, tasks: TasksClientDep) -> Response:
    """Soft-delete a task; POST .../restore undoes it."""
    return await _forward(tasks, user_id, "DELETE", f"/tasks/{task_id}")


@router.post(
    "/{task_id}/restore",
    response_model=TaskPublic,
    responses=problem_responses(401, 404, 422, 502, 503),
    summary="Restore a deleted task",
)
async def restore_task(task_id: UUID, user_id: CurrentUser, tasks: TasksClientDep) -> Response:
    """Undo the deletion of a task."""
    return await _forward(tasks, user_id, "POST", f"/tasks/{task_id}/restore")
