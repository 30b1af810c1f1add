"""The MCP tools: plain typed functions over the note domain.

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

from notes_service.notes import NoteChanges, NoteSearch
from notes_service.observability import tool_span
from notes_service.runtime import Runtime
from notes_service.schemas import NotePage, NotePublic

NoteId = Annotated[str, Field(description="The note's id (a UUID) as returned by search_notes.")]
Tags = Annotated[
    list[str],
    Field(
        description="Up to 10 tags, each 1 to 32 characters; stored lowercase, duplicates dropped."
    ),
]
ChangeResult = Annotated[CallToolResult, NotePublic]
"""The changed note as structured content, and ``_meta.event_version``."""

ToolContext = Context[Runtime, Any]

TOOLS = ToolRegistry()
"""Every tool with its annotations, in the order tools/list shows them."""
tool = TOOLS.tool


def _call(name: str, ctx: ToolContext) -> ToolCall[Runtime]:
    return ToolCall(name, ctx, tool_span)


@tool(hints("Create a note", read_only=False, destructive=False, idempotent=False))
async def create_note(
    ctx: ToolContext,
    title: Annotated[str, Field(description="Short title, 1 to 200 characters.")],
    body: Annotated[str, Field(description="The text, up to 20000 characters.")] = "",
    tags: Tags | None = None,
) -> ChangeResult:
    """Create a note for the user and return it."""
    call = _call("create_note", ctx)
    mutation = await call(
        lambda: call.runtime.domain.create(
            call.user_id, "chat", title=title, body=body, tags=tags or []
        )
    )
    return change_result(mutation)


@tool(hints("Search notes", read_only=True, destructive=False, idempotent=True))
async def search_notes(
    ctx: ToolContext,
    query: Annotated[
        str,
        Field(description="Words that must all appear in the title, body or tags (any case)."),
    ] = "",
    tag: Annotated[str | None, Field(description="Only notes with this tag.")] = None,
    pinned: Annotated[
        bool | None,
        Field(description="true: only pinned notes; false: only unpinned ones; null: both."),
    ] = None,
    include_archived: Annotated[
        bool, Field(description="true to include archived notes (left out by default).")
    ] = False,
    limit: Annotated[int, Field(description="At most this many notes, 1 to 100.")] = 20,
) -> NotePage:
    """Find the user's notes, pinned first, then most recently changed first; an empty query
    lists them all. Archived notes are left out unless include_archived is true.

    Call it to find a note's id before get/update/pin/archive/delete.
    """
    call = _call("search_notes", ctx)
    search = NoteSearch(
        query=query, tag=tag, pinned=pinned, include_archived=include_archived, limit=limit
    )
    return await call(lambda: call.runtime.domain.search(call.user_id, search))


@tool(hints("Get a note", read_only=True, destructive=False, idempotent=True))
async def get_note(ctx: ToolContext, note_id: NoteId) -> NotePublic:
    """Return one note by id."""
    call = _call("get_note", ctx)
    return await call(lambda: call.runtime.domain.get(call.user_id, note_id))


@tool(hints("Update a note", read_only=False, destructive=False, idempotent=True))
async def update_note(
    ctx: ToolContext,
    note_id: NoteId,
    title: Annotated[str | None, Field(description="New title, 1 to 200 characters.")] = None,
    body: Annotated[str | None, Field(description="New text, up to 20000 characters.")] = None,
    tags: Annotated[
        list[str] | None, Field(description="New full list of tags (replaces the old ones).")
    ] = None,
) -> ChangeResult:
    """Change any subset of a note's fields; omitted fields stay as they are."""
    call = _call("update_note", ctx)
    changes = NoteChanges(title=title, body=body, tags=tags)
    mutation = await call(
        lambda: call.runtime.domain.update(call.user_id, "chat", note_id, changes)
    )
    return change_result(mutation)


@tool(hints("Pin a note", read_only=False, destructive=False, idempotent=True))
async def pin_note(
    ctx: ToolContext,
    note_id: NoteId,
    pinned: Annotated[bool, Field(description="true to pin (the default), false to unpin.")] = True,
) -> ChangeResult:
    """Pin a note so that it comes first in searches, or unpin it with pinned=false."""
    call = _call("pin_note", ctx)
    changes = NoteChanges(pinned=pinned)
    mutation = await call(
        lambda: call.runtime.domain.update(call.user_id, "chat", note_id, changes)
    )
    return change_result(mutation)


@tool(hints("Archive a note", read_only=False, destructive=False, idempotent=True))
async def archive_note(
    ctx: ToolContext,
    note_id: NoteId,
    archived: Annotated[
        bool, Field(description="true to archive (the default), false to bring it back.")
    ] = True,
) -> ChangeResult:
    """Archive a note: it stays readable with get_note but leaves searches unless
    include_archived is true. archived=false brings it back."""
    call = _call("archive_note", ctx)
    changes = NoteChanges(archived=archived)
    mutation = await call(
        lambda: call.runtime.domain.update(call.user_id, "chat", note_id, changes)
    )
    return change_result(mutation)


@tool(hints("Delete a note", read_only=False, destructive=True, idempotent=False))
async def delete_note(ctx: ToolContext, note_id: NoteId) -> ChangeResult:
    """Delete a note. revert_change with the answer's event_version brings it back.

    Only call this when the user clearly asked to delete this note.
    """
    call = _call("delete_note", ctx)
    mutation = await call(lambda: call.runtime.domain.delete(call.user_id, "chat", note_id))
    return change_result(mutation)


@tool(hints("Undo a change", read_only=False, destructive=False, idempotent=False))
async def revert_change(
    ctx: ToolContext,
    version: Annotated[int, Field(description="The event_version a change answered with.", ge=1)],
) -> ChangeResult:
    """Undo one change: its note goes back to how it was before that change.

    A deleted note comes back. Refused when the note changed after that change.
    """
    call = _call("revert_change", ctx)
    mutation = await call(lambda: call.runtime.domain.revert(call.user_id, "chat", version))
    return change_result(mutation)
