"""Domain errors, mapped to tool errors (MCP) and problem+json (REST) at the edges."""


class TaskDomainError(Exception):
    """Base class; ``str(error)`` is a message written for the caller (a person or a model)."""


class TaskNotFoundError(TaskDomainError):
    """No live task with this id belongs to the user (unknown, another user's, or deleted)."""

    def __init__(self, task_id: object) -> None:
        shown = str(task_id)[:64]
        super().__init__(f"No task with id {shown}. Call list_tasks to find the task's id.")


class InvalidTaskInputError(TaskDomainError):
    """An argument breaks a rule; the message says which and how to fix it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class EventsGoneError(TaskDomainError):
    """The event log no longer holds the version right after the one asked for."""

    def __init__(self, after: int, latest_version: int) -> None:
        super().__init__(
            f"Events after version {after} are no longer kept; reload the task list "
            f"and continue from version {latest_version}."
        )
        self.latest_version = latest_version
