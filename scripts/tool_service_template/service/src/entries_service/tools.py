"""The MCP tools: plain typed functions over the entry domain.

Each tool's docstring is its description, its parameters its input schema and its return type
its output schema. The verified user and the runtime come from the call's context; a mistake
the model can fix comes back as a ToolError whose text says what to do. A tool that changed
something answers with ``_meta.event_version``, the version revert_change takes to undo it.
"""

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp.types import CallToolResult
from pydantic import Field
from servicekit.tool_calls import ToolCall, ToolRegistry, change_result, hints

from entries_service.entries import EntryChanges, EntrySearch
from entries_service.observability import tool_span
from entries_service.runtime import Runtime
from entries_service.schemas import EntryPage, EntryPublic

EntryId = Annotated[
    str, Field(description="The entry's id (a UUID) as returned by search_entries.")
]
Tags = Annotated[
    list[str],
    Field(
        description="Up to 10 tags, each 1 to 32 characters; stored lowercase, duplicates dropped."
    ),
]
ChangeResult = Annotated[CallToolResult, EntryPublic]
"""The changed entry as structured content, and ``_meta.event_version``."""

ToolContext = Context[Runtime, Any]

TOOLS = ToolRegistry()
"""Every tool with its annotations, in the order tools/list shows them."""
tool = TOOLS.tool


def _call(name: str, ctx: ToolContext) -> ToolCall[Runtime]:
    return ToolCall(name, ctx, tool_span)


@tool(hints("Create an entry", read_only=False, destructive=False, idempotent=False))
async def create_entry(
    ctx: ToolContext,
    title: Annotated[str, Field(description="Short title, 1 to 200 characters.")],
    body: Annotated[str, Field(description="The text, up to 20000 characters.")] = "",
    tags: Tags | None = None,
) -> ChangeResult:
    """Create an entry for the user and return it."""
    call = _call("create_entry", ctx)
    mutation = await call(
        lambda: call.runtime.domain.create(
            call.user_id, "chat", title=title, body=body, tags=tags or []
        )
    )
    return change_result(mutation)


@tool(hints("Search entries", read_only=True, destructive=False, idempotent=True))
async def search_entries(
    ctx: ToolContext,
    query: Annotated[
        str,
        Field(description="Words that must all appear in the title, body or tags (any case)."),
    ] = "",
    tag: Annotated[str | None, Field(description="Only entries with this tag.")] = None,
    limit: Annotated[int, Field(description="At most this many entries, 1 to 100.")] = 20,
) -> EntryPage:
    """Find the user's entries, most recently changed first; an empty query lists them all.

    Call it to find an entry's id before get/update/delete.
    """
    call = _call("search_entries", ctx)
    search = EntrySearch(query=query, tag=tag, limit=limit)
    return await call(lambda: call.runtime.domain.search(call.user_id, search))


@tool(hints("Get an entry", read_only=True, destructive=False, idempotent=True))
async def get_entry(ctx: ToolContext, entry_id: EntryId) -> EntryPublic:
    """Return one entry by id."""
    call = _call("get_entry", ctx)
    return await call(lambda: call.runtime.domain.get(call.user_id, entry_id))


@tool(hints("Update an entry", read_only=False, destructive=False, idempotent=True))
async def update_entry(
    ctx: ToolContext,
    entry_id: EntryId,
    title: Annotated[str | None, Field(description="New title, 1 to 200 characters.")] = None,
    body: Annotated[str | None, Field(description="New text, up to 20000 characters.")] = None,
    tags: Annotated[
        list[str] | None, Field(description="New full list of tags (replaces the old ones).")
    ] = None,
) -> ChangeResult:
    """Change any subset of an entry's fields; omitted fields stay as they are."""
    call = _call("update_entry", ctx)
    changes = EntryChanges(title=title, body=body, tags=tags)
    mutation = await call(
        lambda: call.runtime.domain.update(call.user_id, "chat", entry_id, changes)
    )
    return change_result(mutation)


@tool(hints("Delete an entry", read_only=False, destructive=True, idempotent=False))
async def delete_entry(ctx: ToolContext, entry_id: EntryId) -> ChangeResult:
    """Delete an entry. revert_change with the answer's event_version brings it back.

    Only call this when the user clearly asked to delete this entry.
    """
    call = _call("delete_entry", ctx)
    mutation = await call(lambda: call.runtime.domain.delete(call.user_id, "chat", entry_id))
    return change_result(mutation)


@tool(hints("Undo a change", read_only=False, destructive=False, idempotent=False))
async def revert_change(
    ctx: ToolContext,
    version: Annotated[int, Field(description="The event_version a change answered with.", ge=1)],
) -> ChangeResult:
    """Undo one change: its entry goes back to how it was before that change.

    A deleted entry comes back. Refused when the entry changed after that change.
    """
    call = _call("revert_change", ctx)
    mutation = await call(lambda: call.runtime.domain.revert(call.user_id, "chat", version))
    return change_result(mutation)
