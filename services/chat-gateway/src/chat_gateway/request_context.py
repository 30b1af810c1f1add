"""What every ChatKit request carries through the server, the store and the agent."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "UTC"


@dataclass(slots=True)
class RequestContext:
    """The verified user and the request's preferences.

    ``user_id`` comes only from a verified access token; the store scopes every query to it.
    """

    user_id: UUID
    timezone: str = DEFAULT_TIMEZONE
    trace_headers: dict[str, str] = field(default_factory=dict)

    def now(self) -> datetime:
        """The current time in the user's time zone."""
        return datetime.now(ZoneInfo(self.timezone))


def parse_timezone(value: str | None) -> str:
    """The IANA zone name from the X-User-Timezone header, UTC when absent or unknown."""
    if not value:
        return DEFAULT_TIMEZONE
    name = value.strip()
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return DEFAULT_TIMEZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return DEFAULT_TIMEZONE
    return name
