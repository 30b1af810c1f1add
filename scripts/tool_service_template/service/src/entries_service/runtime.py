"""The connections and the entry service one process holds for its lifetime."""

from contextlib import AbstractAsyncContextManager

from redis.asyncio import Redis
from servicekit.tool_runtime import ToolRuntime, open_tool_runtime

from entries_service.config import Settings
from entries_service.entries import EVENT_LOG, EntryService
from entries_service.observability import OBSERVABILITY

Runtime = ToolRuntime[Settings, EntryService]
"""What the MCP tools and the REST routes share; ``domain`` is the EntryService."""


def open_runtime(
    settings: Settings, *, redis: Redis | None = None, prune: bool = True
) -> AbstractAsyncContextManager[Runtime]:
    """Open the database (and Redis, unless given) and start pruning; close them on exit."""
    return open_tool_runtime(
        settings,
        log=EVENT_LOG,
        domain=EntryService,
        published=OBSERVABILITY.events_published,
        redis=redis,
        prune=prune,
    )
