"""The MCP server: the task tools of tools.py, their instructions and the argument gate."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from mcp.server.mcpserver import MCPServer
from servicekit.tool_server import UnknownArgumentGate

from mcp_tasks.config import Settings
from mcp_tasks.runtime import Runtime, open_runtime
from mcp_tasks.tools import TOOLS

INSTRUCTIONS = """\
Tools to manage the current user's to-do tasks. Every task has an id (a UUID); find ids with \
list_tasks before changing a task. Dates are YYYY-MM-DD. Deleting is reversible with \
restore_task. You only ever see and change the current user's tasks."""


def build_server(
    settings: Settings, runtime: Callable[[], Runtime] | None = None
) -> MCPServer[Runtime]:
    """The MCP server with every task tool.

    ``runtime`` returns the process's shared Runtime when the server is mounted in the web
    app; without it the server opens its own (for in-process clients and tests).
    """

    @asynccontextmanager
    async def lifespan(_: MCPServer[Runtime]) -> AsyncIterator[Runtime]:
        if runtime is not None:
            yield runtime()
            return
        async with open_runtime(settings, prune=False) as own:
            yield own

    server: MCPServer[Runtime] = MCPServer(
        "mcp-tasks",
        title="Tasks",
        instructions=INSTRUCTIONS,
        version="0.1.0",
        lifespan=lifespan,
    )

    for function, annotations in TOOLS:
        server.tool(annotations=annotations)(function)
    server.middleware.append(UnknownArgumentGate(server))
    return server
