"""Domain errors of a record tool service, and their problem+json answers at the REST edge.

Tools turn them into tool errors (``servicekit.tool_calls``); ``str(error)`` is written for the
caller, a person or a model.
"""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from servicekit.errors import problem_response
from servicekit.text import unstorable_reason


class DomainError(Exception):
    """Base class; ``str(error)`` is a message written for the caller (a person or a model)."""


class RecordNotFoundError(DomainError):
    """No live record with this id belongs to the user (unknown, another user's, or deleted).

    Subclasses set ``entity`` and ``search_tool`` so the message names them.
    """

    entity = "record"
    search_tool = "search_records"

    def __init__(self, record_id: object) -> None:
        shown = str(record_id)[:64]
        hint = f"Call {self.search_tool} to find the {self.entity}'s id."
        super().__init__(f"No {self.entity} with id {shown}. {hint}")


class InvalidInputError(DomainError):
    """An argument breaks a rule; the message says which and how to fix it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def storable_text(value: str, field: str) -> str:
    """``value`` unchanged, or InvalidInputError naming ``field`` when it holds a NUL or a lone
    surrogate (PostgreSQL cannot store it)."""
    reason = unstorable_reason(value)
    if reason is not None:
        raise InvalidInputError(
            field, f"The {field} contains {reason}, which cannot be stored. Remove it."
        )
    return value


class RevertConflictError(DomainError):
    """The change cannot be reverted: unknown, or its record changed after it."""


class EventsGoneError(DomainError):
    """The event log no longer holds the version right after the one asked for."""

    def __init__(self, after: int, latest_version: int, *, records: str) -> None:
        super().__init__(
            f"Events after version {after} are no longer kept; reload the {records} "
            f"and continue from version {latest_version}."
        )
        self.latest_version = latest_version


def install_record_error_handlers(app: FastAPI) -> None:
    """Answer the domain errors as problem+json: 404, 422 (with ``field``), 409 and 410."""

    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(404, str(exc))

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InvalidInputError)
        return problem_response(422, str(exc), field=exc.field)

    async def conflict(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(409, str(exc))

    async def gone(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, EventsGoneError)
        return problem_response(410, str(exc), latest_version=exc.latest_version)

    app.add_exception_handler(RecordNotFoundError, not_found)
    app.add_exception_handler(InvalidInputError, invalid)
    app.add_exception_handler(RevertConflictError, conflict)
    app.add_exception_handler(EventsGoneError, gone)
