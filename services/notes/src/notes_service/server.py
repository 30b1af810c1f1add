"""The MCP server: the tools of tools.py, their instructions and the argument gate."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent

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

    @asynccontextmanager
    async def lifespan(_: MCPServer[Runtime]) -> AsyncIterator[Runtime]:
        if runtime is not None:
            yield runtime()
            return
        async with open_runtime(settings, prune=False) as own:
            yield own

    server: MCPServer[Runtime] = MCPServer(
        SERVICE,
        title=SERVICE.capitalize(),
        instructions=INSTRUCTIONS,
        version="0.1.0",
        lifespan=lifespan,
    )
    for function, annotations in TOOLS:
        server.tool(annotations=annotations)(function)
    server.middleware.append(_UnknownArgumentGate(server))
    return server


class _UnknownArgumentGate:
    """Refuses tool calls carrying arguments the tool does not declare.

    The SDK would silently drop them; a model that misspelt an argument should learn that its
    value was not used.
    """

    def __init__(self, server: MCPServer[Runtime]) -> None:
        self._server = server
        self._accepted: dict[str, frozenset[str]] | None = None

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        params = ctx.params
        if ctx.method == "tools/call" and isinstance(params, dict):
            arguments = params.get("arguments")
            name = params.get("name")
            if isinstance(arguments, dict) and isinstance(name, str):
                if self._accepted is None:
                    self._accepted = {
                        tool.name: frozenset(tool.input_schema.get("properties", {}))
                        for tool in await self._server.list_tools()
                    }
                accepted = self._accepted.get(name)
                unknown = sorted(set(arguments) - accepted) if accepted is not None else []
                if accepted is not None and unknown:
                    text = (
                        f"Error executing tool {name}: unknown argument(s) "
                        f"{', '.join(repr(u[:64]) for u in unknown[:10])}. "
                        f"{name} accepts: {', '.join(sorted(accepted)) or 'no arguments'}."
                    )
                    return CallToolResult(
                        content=[TextContent(type="text", text=text)], is_error=True
                    )
        return await call_next(ctx)
