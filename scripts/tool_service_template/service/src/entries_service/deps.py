"""FastAPI dependencies: the verified user and the shared runtime."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends, HTTPException, Request

from entries_service.entries import EntryService
from entries_service.runtime import Runtime


def verified_user_id(request: Request) -> UUID:
    """The user whose identity headers IdentityMiddleware verified for this request."""
    user = request.scope.get("state", {}).get("user_id")
    if not isinstance(user, UUID):
        raise HTTPException(401, "Valid identity headers are required.")
    return user


def entry_service(request: Request) -> EntryService:
    """The process's entry domain service."""
    runtime: Runtime = request.app.state.runtime
    return runtime.entries


UserId = Annotated[UUID, Depends(verified_user_id)]
Entries = Annotated[EntryService, Depends(entry_service)]
