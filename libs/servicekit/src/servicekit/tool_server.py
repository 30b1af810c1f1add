"""The MCP server of a tool service: its registered tools, instructions and the argument gate."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, TypeVar

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent

from servicekit.tool_calls import ToolRegistry

RuntimeT = TypeVar("RuntimeT")


def build_tool_server(
    name: str,
    *,
    instructions: str,
    tools: ToolRegistry,
    runtime: Callable[[], RuntimeT] | None,
    open_runtime: Callable[[], AbstractAsyncContextManager[RuntimeT]],
) -> MCPServer[RuntimeT]:
    """The MCP server with every tool of ``tools``.

    ``runtime`` returns the process's shared runtime when the server is mounted in the web
    app; without it the server opens its own with ``open_runtime`` (for in-process clients and
    tests).
    """

    @asynccontextmanager
    async def lifespan(_: MCPServer[RuntimeT]) -> AsyncIterator[RuntimeT]:
        if runtime is not None:
            yield runtime()
            return
        async with open_runtime() as own:
            yield own

    server: MCPServer[RuntimeT] = MCPServer(
        name,
        title=name.capitalize(),
        instructions=instructions,
        version="0.1.0",
        lifespan=lifespan,
    )
    for function, annotations in tools:
        server.tool(annotations=annotations)(function)
    server.middleware.append(UnknownArgumentGate(server))
    return server


class UnknownArgumentGate:
    """Refuses tool calls carrying arguments the tool does not declare.

    The SDK would silently drop them; a model that misspelt an argument should learn that its
    value was not used.
    """

    def __init__(self, server: MCPServer[Any]) -> None:
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
