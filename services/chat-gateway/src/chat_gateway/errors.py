"""Domain errors of chat-gateway, mapped to problem+json or chat messages at the edge."""

from typing import Any


class TaskServiceUnavailableError(Exception):
    """mcp-tasks could not be reached or did not answer in time."""


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
