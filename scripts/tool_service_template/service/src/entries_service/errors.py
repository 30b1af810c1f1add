"""Domain errors, mapped to tool errors (MCP) and problem+json (REST) at the edges."""


class DomainError(Exception):
    """Base class; ``str(error)`` is a message written for the caller (a person or a model)."""


class EntryNotFoundError(DomainError):
    """No live entry with this id belongs to the user (unknown, another user's, or
    deleted)."""

    def __init__(self, entry_id: object) -> None:
        shown = str(entry_id)[:64]
        hint = "Call search_entries to find the entry's id."
        super().__init__(f"No entry with id {shown}. {hint}")


class InvalidInputError(DomainError):
    """An argument breaks a rule; the message says which and how to fix it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RevertConflictError(DomainError):
    """The change cannot be reverted: unknown, or its entry changed after it."""


class EventsGoneError(DomainError):
    """The event log no longer holds the version right after the one asked for."""

    def __init__(self, after: int, latest_version: int) -> None:
        super().__init__(
            f"Events after version {after} are no longer kept; reload the entries "
            f"and continue from version {latest_version}."
        )
        self.latest_version = latest_version
