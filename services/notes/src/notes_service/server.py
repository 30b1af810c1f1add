"""The MCP server: the tools of tools.py and their instructions."""

from collections.abc import Callable

from mcp.server.mcpserver import MCPServer
from servicekit.tool_server import build_tool_server

from notes_service.config import SERVICE, Settings
from notes_service.runtime import Runtime, open_runtime
from notes_service.tools import TOOLS

INSTRUCTIONS = """\
Tools to keep the current user's notes. Every note has an id (a UUID); \
find ids with search_notes before changing a note. \
Every change answers with _meta.event_version; revert_change(version) undoes it. \
You only ever see and change the current user's notes."""


def build_server(
    settings: Settings, runtime: Callable[[], Runtime] | None = None
) -> MCPServer[Runtime]:
    """The MCP server with every tool.

    ``runtime`` returns the process's shared Runtime when the server is mounted in the web
    app; without it the server opens its own (for in-process clients and tests).
    """
    return build_tool_server(
        SERVICE,
        instructions=INSTRUCTIONS,
        tools=TOOLS,
        runtime=runtime,
        open_runtime=lambda: open_runtime(settings, prune=False),
    )
