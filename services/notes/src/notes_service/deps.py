"""FastAPI dependencies: the verified user and the shared runtime."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends, HTTPException, Request

from notes_service.notes import NoteService
from notes_service.runtime import Runtime


def verified_user_id(request: Request) -> UUID:
    """The user whose identity headers IdentityMiddleware verified for this request."""
    user = request.scope.get("state", {}).get("user_id")
    if not isinstance(user, UUID):
        raise HTTPException(401, "Valid identity headers are required.")
    return user


def note_service(request: Request) -> NoteService:
    """The process's note domain service."""
    runtime: Runtime = request.app.state.runtime
    return runtime.notes


UserId = Annotated[UUID, Depends(verified_user_id)]
Notes = Annotated[NoteService, Depends(note_service)]
