"""FastAPI dependencies: the verified user and the shared runtime."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends, HTTPException, Request

from mcp_tasks.runtime import Runtime
from mcp_tasks.tasks import TaskService


def verified_user_id(request: Request) -> UUID:
    """The user whose identity headers IdentityMiddleware verified for this request."""
    user = request.scope.get("state", {}).get("user_id")
    if not isinstance(user, UUID):
        raise HTTPException(401, "Valid identity headers are required.")
    return user


def task_service(request: Request) -> TaskService:
    """The process's task domain service."""
    runtime: Runtime = request.app.state.runtime
    return runtime.tasks


UserId = Annotated[UUID, Depends(verified_user_id)]
Tasks = Annotated[TaskService, Depends(task_service)]
