"""The plumbing of a tool service's MCP tools: the registry, annotations, the verified caller,
errors as tool errors, and the result of a change.

Each tool stays a plain typed function whose docstring is its description, its parameters its
input schema and its return type its output schema.
"""

from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any, Generic, TypeVar
from uuid import UUID

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel

from servicekit.identity import verified_user
from servicekit.record_errors import DomainError
from servicekit.record_writer import Mutation

UNAUTHENTICATED = -32001

Tool = Callable[..., Any]
ToolT = TypeVar("ToolT", bound=Tool)
RuntimeT = TypeVar("RuntimeT")
T = TypeVar("T")
PublicT = TypeVar("PublicT", bound=BaseModel)
ToolSpan = Callable[[str, str, Mapping[str, str] | None], AbstractContextManager[None]]


class ToolRegistry:
    """Every tool with its annotations, in the order tools/list shows them."""

    def __init__(self) -> None:
        self._tools: list[tuple[Tool, ToolAnnotations]] = []

    def __iter__(self) -> Iterator[tuple[Tool, ToolAnnotations]]:
        return iter(self._tools)

    def tool(self, annotations: ToolAnnotations) -> Callable[[ToolT], ToolT]:
        """Register the decorated function."""

        def register(function: ToolT) -> ToolT:
            self._tools.append((function, annotations))
            return function

        return register


def hints(title: str, *, read_only: bool, destructive: bool, idempotent: bool) -> ToolAnnotations:
    """The annotations of a tool over the user's own records (never open-world)."""
    return ToolAnnotations(
        title=title,
        readOnlyHint=read_only,
        destructiveHint=destructive,
        idempotentHint=idempotent,
        openWorldHint=False,
    )


def caller(ctx: Context[Any, Any]) -> UUID:
    """The verified user of this call: from the HTTP request the identity middleware checked,
    or, in-process, from the verified-user context variable."""
    request = ctx.request_context.request
    scope = getattr(request, "scope", None)
    user: object = (
        scope.get("state", {}).get("user_id") if isinstance(scope, dict) else verified_user.get()
    )
    if not isinstance(user, UUID):
        raise MCPError(code=UNAUTHENTICATED, message="Valid identity headers are required.")
    return user


class ToolCall(Generic[RuntimeT]):
    """Runs one tool: verified user, span and metrics, domain errors as tool errors."""

    def __init__(self, name: str, ctx: Context[RuntimeT, Any], span: ToolSpan) -> None:
        self.name = name
        self.ctx = ctx
        self.user_id = caller(ctx)
        self.runtime: RuntimeT = ctx.request_context.lifespan_context
        self._span = span

    async def __call__(self, operation: Callable[[], Awaitable[T]]) -> T:
        try:
            with self._span(self.name, "mcp", self.ctx.headers):
                return await operation()
        except DomainError as exc:
            raise ToolError(str(exc)) from None


def change_result(mutation: Mutation[PublicT]) -> CallToolResult:
    """The tool result of a change: the record, and the event version when one was logged."""
    structured = mutation.record.model_dump(mode="json")
    meta = None if mutation.event_version is None else {"event_version": mutation.event_version}
    return CallToolResult(
        content=[TextContent(type="text", text=mutation.record.model_dump_json())],
        structured_content=structured,
        meta=meta,
    )
