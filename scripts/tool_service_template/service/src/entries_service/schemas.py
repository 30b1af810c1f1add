"""Public shapes of entries, shared by the MCP tools and the REST API."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class EntryPublic(BaseModel):
    """One entry as tools, REST and events show it (the user id is never part of it)."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    title: str
    body: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime


class EntryPage(BaseModel):
    """The entries a search found, best first."""

    entries: list[EntryPublic]


class EntryCreate(BaseModel):
    """Body of POST /api/v1/entries (the create_entry tool's arguments)."""

    model_config = ConfigDict(extra="forbid")

    title: str
    body: str = ""
    tags: list[str] = Field(default_factory=list)


class EntryUpdate(BaseModel):
    """Body of PATCH /api/v1/entries/{id}: any subset of fields (update_entry's
    arguments)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    body: str | None = None
    tags: list[str] | None = None
