"""The change event of any tool service other than mcp-tasks, and the channel that carries it.

A tool service keeps a gapless per-user event log and publishes each committed change on
``<service>:user:<user id>``. The gateway forwards the payload to browsers without knowing the
domain, so the record itself is an open JSON object.
"""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from servicekit.events import Actor

EventType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]*\.[a-z][a-z_]*$")]
"""``<entity>.<change>``, for example ``note.created``."""


class RecordEvent(BaseModel):
    """One committed change to a user's records in a tool service."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    type: EventType
    record_id: UUID
    record: dict[str, Any] | None
    occurred_at: datetime
    actor: Actor
    trace_id: str | None


class RecordEventPage(BaseModel):
    """Events after a version, and the latest version of the user's log (GET /api/v1/events)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    events: list[RecordEvent]
    latest_version: int


def service_user_channel(service: str, user_id: UUID | str) -> str:
    """The Redis pub/sub channel carrying one user's events of one tool service."""
    return f"{service}:user:{user_id}"
