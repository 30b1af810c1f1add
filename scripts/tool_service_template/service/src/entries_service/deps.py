"""FastAPI dependencies: the entry domain service of the shared runtime."""

from typing import Annotated

from fastapi import Depends, Request

from entries_service.entries import EntryService
from entries_service.runtime import Runtime


def entry_service(request: Request) -> EntryService:
    """The process's entry domain service."""
    runtime: Runtime = request.app.state.runtime
    return runtime.domain


Entries = Annotated[EntryService, Depends(entry_service)]
