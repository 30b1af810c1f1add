"""Note endpoints of the REST API: the same domain calls as the tools, actor "api"."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field
from servicekit.tool_routes import UserId, record_answer

from notes_service.deps import Notes
from notes_service.notes import SEARCH_LIMIT_MAX, NoteChanges, NoteSearch
from notes_service.observability import tool_span
from notes_service.schemas import NoteCreate, NotePage, NotePublic, NoteUpdate

router = APIRouter(prefix="/notes", tags=["notes"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such note for this user (unknown, another user's, or deleted)."}
}


class NoteSearchQuery(BaseModel):
    """The query parameters of GET /notes: search_notes' arguments, by the same
    names."""

    query: str = Field(default="", max_length=500)
    tag: str | None = Field(default=None, max_length=64)
    pinned: bool | None = None
    include_archived: bool = False
    limit: int = Field(default=20, ge=1, le=SEARCH_LIMIT_MAX)


@router.get("", response_model=NotePage)
async def search_notes(
    user_id: UserId, notes: Notes, params: Annotated[NoteSearchQuery, Query()]
) -> NotePage:
    """The user's live notes matching the query, pinned first, then most recently changed."""
    with tool_span("search_notes", "rest"):
        return await notes.search(user_id, NoteSearch(**params.model_dump()))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=NotePublic)
async def create_note(
    body: NoteCreate, user_id: UserId, notes: Notes, response: Response
) -> NotePublic:
    """Create a note."""
    with tool_span("create_note", "rest"):
        mutation = await notes.create(user_id, "api", **body.model_dump())
    return record_answer(mutation, response)


@router.get("/{note_id}", response_model=NotePublic, responses=NOT_FOUND)
async def get_note(note_id: UUID, user_id: UserId, notes: Notes) -> NotePublic:
    """One live note."""
    with tool_span("get_note", "rest"):
        return await notes.get(user_id, note_id)


@router.patch("/{note_id}", response_model=NotePublic, responses=NOT_FOUND)
async def update_note(
    note_id: UUID, body: NoteUpdate, user_id: UserId, notes: Notes, response: Response
) -> NotePublic:
    """Change any subset of fields; ``pinned`` and ``archived`` are pin_note and archive_note."""
    changes = NoteChanges(**body.model_dump(exclude_unset=True))
    with tool_span("update_note", "rest"):
        mutation = await notes.update(user_id, "api", note_id, changes)
    return record_answer(mutation, response)


@router.delete("/{note_id}", response_model=NotePublic, responses=NOT_FOUND)
async def delete_note(
    note_id: UUID, user_id: UserId, notes: Notes, response: Response
) -> NotePublic:
    """Soft-delete a note; the answer is the deleted note (undo: POST
    /events/{v}/revert)."""
    with tool_span("delete_note", "rest"):
        mutation = await notes.delete(user_id, "api", note_id)
    return record_answer(mutation, response)
