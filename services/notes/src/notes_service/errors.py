"""Domain errors, mapped to tool errors (MCP) and problem+json (REST) at the edges."""


class DomainError(Exception):
    """Base class; ``str(error)`` is a message written for the caller (a person or a model)."""


class NoteNotFoundError(DomainError):
    """No live note with this id belongs to the user (unknown, another user's, or
    deleted)."""

    def __init__(self, note_id: object) -> None:
        shown = str(note_id)[:64]
        hint = "Call search_notes to find the note's id."
        super().__init__(f"No note with id {shown}. {hint}")


class InvalidInputError(DomainError):
    """An argument breaks a rule; the message says which and how to fix it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RevertConflictError(DomainError):
    """The change cannot be reverted: unknown, or its note changed after it."""


class EventsGoneError(DomainError):
    """The event log no longer holds the version right after the one asked for."""

    def __init__(self, after: int, latest_version: int) -> None:
        super().__init__(
            f"Events after version {after} are no longer kept; reload the notes "
            f"and continue from version {latest_version}."
        )
        self.latest_version = latest_version
