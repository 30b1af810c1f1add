"""What callers give the task domain, checked and normalised: titles, descriptions, tags,
priorities, dates and task ids. A mistake raises ``InvalidInputError`` (or
``TaskNotFoundError`` for an id) whose message says how to fix it.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from servicekit.record_fields import bounded_text, tag_list, title_text
from servicekit.tasks import PRIORITIES

from mcp_tasks.errors import InvalidInputError, TaskNotFoundError

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
TAGS_MAX = 10
TAG_MAX = 32
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def utc_now() -> datetime:
    """The time a change happens at (UTC)."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC (what "overdue" compares against)."""
    return utc_now().date()


def parse_date(value: str | date | None, field: str) -> date | None:
    """A YYYY-MM-DD string (or a date) as a date; None stays None."""
    if value is None or isinstance(value, date):
        return value
    text = value.strip()
    try:
        if not ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            field,
            f"{field} {value!r} is not a valid date. Use the YYYY-MM-DD format, "
            f"for example {today().isoformat()}.",
        ) from None


def clean_title(title: str) -> str:
    """The title trimmed, or an error when it is empty or longer than 200 characters."""
    return title_text(title, entity="task", limit=TITLE_MAX, rest_field="description")


def clean_description(description: str) -> str:
    """The description, or an error when it is longer than 5000 characters."""
    return bounded_text(description, "description", DESCRIPTION_MAX)


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Tags trimmed, lowercased and de-duplicated (first occurrence kept), within the limits."""
    return tag_list(tags, entity="task", tag_limit=TAG_MAX, count_limit=TAGS_MAX)


def clean_priority(priority: str) -> str:
    """The priority, or an error when it is not low, normal or high."""
    if priority not in PRIORITIES:
        raise InvalidInputError(
            "priority", f"Priority {priority!r} is not valid. Use one of: low, normal, high."
        )
    return priority


def parse_task_id(task_id: str | UUID) -> UUID:
    """The task id as a UUID; anything else is a task that does not exist."""
    if isinstance(task_id, UUID):
        return task_id
    try:
        return UUID(task_id.strip())
    except ValueError:
        raise TaskNotFoundError(task_id) from None


def parse_listed_task_id(value: str | UUID) -> UUID:
    """One entry of a ``task_ids`` argument as a UUID, or an error naming the bad entry."""
    try:
        return value if isinstance(value, UUID) else UUID(value.strip())
    except ValueError:
        raise InvalidInputError(
            "task_ids", f"task_ids holds {str(value)[:64]!r}, which is not a task id."
        ) from None


@dataclass(frozen=True, slots=True)
class TaskChanges:
    """A partial update; None means "leave unchanged" (``clear_due_date`` removes the date)."""

    title: str | None = None
    description: str | None = None
    due_date: str | date | None = None
    clear_due_date: bool = False
    priority: str | None = None
    tags: Sequence[str] | None = None
    completed: bool | None = None

    @classmethod
    def from_patch(cls, fields: Mapping[str, Any]) -> "TaskChanges":
        """The fields a PATCH body set, as changes; ``due_date: null`` removes the due date."""
        clear_due_date = "due_date" in fields and fields["due_date"] is None
        return cls(**fields, clear_due_date=clear_due_date)

    def field_values(self) -> dict[str, Any]:
        """The checked new value of each field to set, ``completed`` aside (handled apart)."""
        wanted: dict[str, Any] = {}
        if self.title is not None:
            wanted["title"] = clean_title(self.title)
        if self.description is not None:
            wanted["description"] = clean_description(self.description)
        if self.clear_due_date:
            if self.due_date is not None:
                raise InvalidInputError(
                    "due_date", "Pass either due_date or clear_due_date=true, not both."
                )
            wanted["due_date"] = None
        elif self.due_date is not None:
            wanted["due_date"] = parse_date(self.due_date, "due_date")
        if self.priority is not None:
            wanted["priority"] = clean_priority(self.priority)
        if self.tags is not None:
            wanted["tags"] = clean_tags(self.tags)
        return wanted
