"""The connections and the note service one process holds for its lifetime."""

from contextlib import AbstractAsyncContextManager

from redis.asyncio import Redis
from servicekit.tool_runtime import ToolRuntime, open_tool_runtime

from notes_service.config import Settings
from notes_service.notes import EVENT_LOG, NoteService
from notes_service.observability import OBSERVABILITY

Runtime = ToolRuntime[Settings, NoteService]
"""What the MCP tools and the REST routes share; ``domain`` is the NoteService."""


def open_runtime(
    settings: Settings, *, redis: Redis | None = None, prune: bool = True
) -> AbstractAsyncContextManager[Runtime]:
    """Open the database (and Redis, unless given) and start pruning; close them on exit."""
    return open_tool_runtime(
        settings,
        log=EVENT_LOG,
        domain=NoteService,
        published=OBSERVABILITY.events_published,
        redis=redis,
        prune=prune,
    )
