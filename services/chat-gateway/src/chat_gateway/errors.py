"""Domain errors of chat-gateway, mapped to problem+json or chat messages at the edge."""

from typing import Any


class TaskServiceUnavailableError(Exception):
    """A tool service (mcp-tasks unless ``service`` names another) could not be reached (503)
    or gave no usable answer (502).

    ``detail`` is what a user may read (by default: that the named service, or the task
    service, is unavailable); what went wrong is in the cause and the log.
    """

    def __init__(
        self,
        detail: str | None = None,
        *,
        status: int = 503,
        service: str | None = None,
    ) -> None:
        if detail is None:
            detail = f"The {service or 'task'} service is unavailable."
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.service = service


class ChatRequestError(Exception):
    """A ChatKit request that is refused before anything runs (answered as problem+json).

    ``extra`` holds further members of the problem body (such as the validation ``errors``).
    """

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers
        self.extra = extra or {}
