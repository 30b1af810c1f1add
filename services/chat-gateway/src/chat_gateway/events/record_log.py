"""The durable event log of a configured tool service (GET <service>/api/v1/events)."""

from uuid import UUID

from pydantic import ValidationError
from servicekit.record_events import RecordEventPage

from chat_gateway.errors import TaskServiceUnavailableError
from chat_gateway.tasks.client import TasksClient

# Above any version a log can reach, so that asking for events after it only reads the latest.
_FAR_FUTURE_VERSION = 2**62


class RecordEventLog:
    """Reads one user's RecordEvent log of a tool service, signed for that user."""

    def __init__(self, client: TasksClient) -> None:
        self.client = client

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.client.aclose()

    async def events(self, user_id: UUID, *, after: int, limit: int = 500) -> RecordEventPage:
        """The user's events with versions above ``after`` (at most ``limit``)."""
        content = await self.client.event_log_page(user_id, after=after, limit=limit)
        try:
            return RecordEventPage.model_validate_json(content)
        except ValidationError as exc:
            raise TaskServiceUnavailableError(
                f"The {self.client.service} service sent malformed events.", status=502
            ) from exc

    async def latest_version(self, user_id: UUID) -> int:
        """The version of the user's most recent event (0 when there is none)."""
        page = await self.events(user_id, after=_FAR_FUTURE_VERSION, limit=1)
        return page.latest_version
