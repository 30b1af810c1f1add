"""Entry endpoints of the REST API: the same domain calls as the tools, actor "api"."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field
from servicekit.tool_routes import UserId, record_answer

from entries_service.deps import Entries
from entries_service.entries import SEARCH_LIMIT_MAX, EntryChanges, EntrySearch
from entries_service.observability import tool_span
from entries_service.schemas import EntryCreate, EntryPage, EntryPublic, EntryUpdate

router = APIRouter(prefix="/entries", tags=["entries"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such entry for this user (unknown, another user's, or deleted)."}
}


class EntrySearchQuery(BaseModel):
    """The query parameters of GET /entries: search_entries' arguments, by the same
    names."""

    query: str = Field(default="", max_length=500)
    tag: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=20, ge=1, le=SEARCH_LIMIT_MAX)


@router.get("", response_model=EntryPage)
async def search_entries(
    user_id: UserId, entries: Entries, params: Annotated[EntrySearchQuery, Query()]
) -> EntryPage:
    """The user's live entries matching the query, most recently changed first."""
    with tool_span("search_entries", "rest"):
        return await entries.search(user_id, EntrySearch(**params.model_dump()))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=EntryPublic)
async def create_entry(
    body: EntryCreate, user_id: UserId, entries: Entries, response: Response
) -> EntryPublic:
    """Create an entry."""
    with tool_span("create_entry", "rest"):
        mutation = await entries.create(user_id, "api", **body.model_dump())
    return record_answer(mutation, response)


@router.get("/{entry_id}", response_model=EntryPublic, responses=NOT_FOUND)
async def get_entry(entry_id: UUID, user_id: UserId, entries: Entries) -> EntryPublic:
    """One live entry."""
    with tool_span("get_entry", "rest"):
        return await entries.get(user_id, entry_id)


@router.patch("/{entry_id}", response_model=EntryPublic, responses=NOT_FOUND)
async def update_entry(
    entry_id: UUID, body: EntryUpdate, user_id: UserId, entries: Entries, response: Response
) -> EntryPublic:
    """Change any subset of fields."""
    changes = EntryChanges(**body.model_dump(exclude_unset=True))
    with tool_span("update_entry", "rest"):
        mutation = await entries.update(user_id, "api", entry_id, changes)
    return record_answer(mutation, response)


@router.delete("/{entry_id}", response_model=EntryPublic, responses=NOT_FOUND)
async def delete_entry(
    entry_id: UUID, user_id: UserId, entries: Entries, response: Response
) -> EntryPublic:
    """Soft-delete an entry; the answer is the deleted entry (undo: POST
    /events/{v}/revert)."""
    with tool_span("delete_entry", "rest"):
        mutation = await entries.delete(user_id, "api", entry_id)
    return record_answer(mutation, response)
