"""FastAPI dependencies: the verified user (servicekit's) and the task service."""

from typing import Annotated

from fastapi import Depends, Request
from servicekit.tool_routes import UserId

from mcp_tasks.runtime import Runtime
from mcp_tasks.tasks import TaskService

__all__ = ["Tasks", "UserId", "task_service"]


def task_service(request: Request) -> TaskService:
    """The process's task domain service."""
    runtime: Runtime = request.app.state.runtime
    return runtime.domain


Tasks = Annotated[TaskService, Depends(task_service)]
