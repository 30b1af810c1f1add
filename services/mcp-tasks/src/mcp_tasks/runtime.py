"""The connections and the task service one process holds for its lifetime (servicekit's
ToolRuntime: ``domain`` is the TaskService, ``log`` the task event log it prunes)."""

from contextlib import AbstractAsyncContextManager

from redis.asyncio import Redis
from servicekit.events import user_channel
from servicekit.tool_runtime import ToolRuntime, open_tool_runtime

from mcp_tasks.config import Settings
from mcp_tasks.observability import OBSERVABILITY
from mcp_tasks.task_events import TASK_EVENT_LOG
from mcp_tasks.tasks import TaskService

Runtime = ToolRuntime[Settings, TaskService]
"""What the MCP tools and the REST routes share."""


def open_runtime(
    settings: Settings, *, redis: Redis | None = None, prune: bool = True
) -> AbstractAsyncContextManager[Runtime]:
    """Open the database (and Redis, unless given) and start pruning; close them on exit.

    Task events go out on ``tasks:user:<id>``, the channel the gateway follows.
    """
    return open_tool_runtime(
        settings,
        log=TASK_EVENT_LOG,
        domain=TaskService,
        published=OBSERVABILITY.events_published,
        redis=redis,
        prune=prune,
        channel=user_channel,
        # TaskService retries work that met a dead pooled connection, so no test per checkout.
        pre_ping=False,
    )
