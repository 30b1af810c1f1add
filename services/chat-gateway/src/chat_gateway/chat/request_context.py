"""What every ChatKit request carries through the server, the store and the agent."""

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chatkit.types import ThreadItem, ThreadMetadata
from chatkit.widgets import DynamicWidgetRoot

DEFAULT_TIMEZONE = "UTC"

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class RequestContext:
    """The verified user and the request's preferences.

    ``user_id`` comes only from a verified access token; the store scopes every query to it.
    """

    user_id: UUID
    timezone: str = DEFAULT_TIMEZONE
    trace_headers: dict[str, str] = field(default_factory=dict)
    # Rows this request already read, handed once to the SDK's next identical read:
    # the thread checked before the SDK loads it, and the turn's newest items (thread id,
    # items newest first, whether they are all of the thread's items).
    loaded_thread: ThreadMetadata | None = None
    recent_items: tuple[str, list[ThreadItem], bool] | None = None
    # The stored JSON of the thread's newest items before this turn's message (newest
    # first), read while the request was checked; None as thread id: the thread it creates.
    earlier_items: tuple[str | None, list[str]] | None = None
    # Writes that run beside the rest of the request (the turn's message, undo records), each
    # with whether it writes thread items.
    deferred: list[tuple[asyncio.Task[None], bool]] = field(default_factory=list)
    # The widget of the turn's latest lookup (list_tasks, get_task), shown only if the turn
    # ends on it: a lookup the assistant makes on its way to a change is not its answer.
    lookup_widget: tuple[DynamicWidgetRoot, str] | None = None

    def defer(self, write: Coroutine[Any, Any, None], *, item: bool = False) -> None:
        """Run ``write`` beside the rest of the request; ``settle`` waits for it.

        ``item``: it writes a thread item, which the request's later item reads and writes
        wait for (``settle(items=True)``), so that the thread keeps its order.
        """
        task = asyncio.ensure_future(write)
        task.add_done_callback(_log_failure)
        self.deferred.append((task, item))

    async def settle(self, *, items: bool = False) -> None:
        """Wait for the writes deferred so far (only the item writes, with ``items``); raise
        the first that failed."""
        pending = [task for task, item in self.deferred if item or not items]
        if not pending:
            return
        try:
            await asyncio.gather(*pending)
        finally:
            self.deferred = [
                entry for entry in self.deferred if not (entry[0] in pending and entry[0].done())
            ]

    def now(self) -> datetime:
        """The current time in the user's time zone."""
        return datetime.now(ZoneInfo(self.timezone))


def _log_failure(task: "asyncio.Task[None]") -> None:
    # Also marks the failure as seen when the request ended (stopped) without settling.
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.error("deferred write failed", extra={"error": repr(error)})


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
