"""A task's due date, priority and tags as people read them in a widget, relative to the
user's local date."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(day: date, today: date) -> str:
    shown = f"{_MONTHS[day.month - 1]} {day.day}"
    return shown if day.year == today.year else f"{shown}, {day.year}"


def due_text(due_date: str, *, completed: bool, today: date) -> str:
    """A due date as people read it, relative to ``today`` (the user's local date).

    "Due today", "Due tomorrow", "Due Fri, Nov 27"; an open task past its date is
    "Overdue since Nov 20". A value that is not an ISO date is shown as it is.
    """
    try:
        day = date.fromisoformat(due_date)
    except ValueError:
        return f"Due {due_date}"
    if day < today and not completed:
        return f"Overdue since {_day(day, today)}"
    if day == today:
        return "Due today"
    if day == today + timedelta(days=1):
        return "Due tomorrow"
    if day == today - timedelta(days=1):
        return "Due yesterday"
    return f"Due {_WEEKDAYS[day.weekday()]}, {_day(day, today)}"


def local_today(today: date | None) -> date:
    """The user's local date when known, else today in UTC."""
    return today if today is not None else datetime.now(UTC).date()


def task_details(task: dict[str, Any], today: date) -> str:
    """The due date, a priority other than normal and the tags, joined by " · "."""
    parts: list[str] = []
    if task.get("due_date"):
        parts.append(
            due_text(str(task["due_date"]), completed=bool(task.get("completed")), today=today)
        )
    if task.get("priority") and task["priority"] != "normal":
        parts.append(f"{task['priority']} priority")
    parts.extend(f"#{tag}" for tag in task.get("tags") or [])
    return " · ".join(parts)
