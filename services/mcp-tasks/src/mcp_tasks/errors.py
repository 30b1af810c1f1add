"""Domain errors of the task service: servicekit's record errors named for tasks, mapped to
tool errors (MCP) and problem+json (REST) at the edges."""

from servicekit.record_errors import DomainError, EventsGoneError, InvalidInputError
from servicekit.record_errors import RecordNotFoundError as _RecordNotFoundError

__all__ = ["DomainError", "EventsGoneError", "InvalidInputError", "TaskNotFoundError"]

TASK_LIST = "task list"
"""What a client reloads when the event log no longer holds what it missed."""


class TaskNotFoundError(_RecordNotFoundError):
    """No live task with this id belongs to the user (unknown, another user's, or deleted)."""

    entity = "task"
    search_tool = "list_tasks"
