"""FastAPI dependencies: the note domain service of the shared runtime."""

from typing import Annotated

from fastapi import Depends, Request

from notes_service.notes import NoteService
from notes_service.runtime import Runtime


def note_service(request: Request) -> NoteService:
    """The process's note domain service."""
    runtime: Runtime = request.app.state.runtime
    return runtime.domain


Notes = Annotated[NoteService, Depends(note_service)]
