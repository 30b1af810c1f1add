"""Public shapes of notes, shared by the MCP tools and the REST API."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class NotePublic(BaseModel):
    """One note as tools, REST and events show it (the user id is never part of it)."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    title: str
    body: str
    tags: list[str]
    pinned: bool
    archived: bool
    created_at: datetime
    updated_at: datetime


class NotePage(BaseModel):
    """The notes a search found, best first."""

    notes: list[NotePublic]


class NoteCreate(BaseModel):
    """Body of POST /api/v1/notes (the create_note tool's arguments)."""

    model_config = ConfigDict(extra="forbid")

    title: str
    body: str = ""
    tags: list[str] = Field(default_factory=list)


class NoteUpdate(BaseModel):
    """Body of PATCH /api/v1/notes/{id}: any subset of fields (update_note's arguments, and
    pin_note's and archive_note's)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    body: str | None = None
    tags: list[str] | None = None
    pinned: bool | None = None
    archived: bool | None = None
