"""The task API's documented shapes (servicekit's TaskPublic and friends), for OpenAPI.

The gateway relays bodies and answers unchanged; these models describe them to clients.
"""

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from servicekit.tasks import Priority, TaskPublic


class TaskList(BaseModel):
    """One page of tasks; pass ``next_cursor`` as ``cursor`` for the next page."""

    tasks: list[TaskPublic]
    next_cursor: str | None


class TaskCreate(BaseModel):
    """A new task. Tags are lowercased and de-duplicated."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    due_date: date | None = None
    priority: Priority = "normal"
    tags: list[str] = Field(default_factory=list, max_length=10)


class QuickAddText(BaseModel):
    """A quick-add line, e.g. ``pay rent friday #home !high``."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=500)


class QuickAddParse(BaseModel):
    """The task a quick-add line describes: a TaskCreate body, plus ``notes`` on what
    was not kept (a time of day, a repeat)."""

    title: str
    description: str | None = None
    due_date: date | None
    priority: Priority
    tags: list[str]
    notes: list[str]


class TaskUpdate(BaseModel):
    """A partial change; ``due_date: null`` clears the due date."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    due_date: date | None = None
    priority: Priority | None = None
    tags: list[str] | None = Field(default=None, max_length=10)
    completed: bool | None = None


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str


class EventTicket(BaseModel):
    """A single-use ticket for GET /api/v1/events?ticket=..."""

    ticket: str
    expires_in: int


def request_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting a JSON body that the route relays without parsing."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for problem+json answers."""
    descriptions = {
        400: "Malformed request",
        401: "Missing, invalid or expired access token",
        403: "The app is not granted the tool this call stands for",
        404: "No such task for this user",
        409: "Conflict",
        413: "Body too large",
        422: "Invalid input",
        429: "Too many requests or open streams",
        502: "The task service gave no usable answer",
        503: "The task service is unavailable",
    }
    return {
        status: {
            "model": Problem,
            "description": descriptions.get(status, "Error"),
            "content": {"application/problem+json": {}},
        }
        for status in statuses
    }
