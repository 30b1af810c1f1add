"""The MCP tools: plain typed functions over the note domain.

Each tool's docstring is its description, its parameters its input schema and its return type
its output schema. The verified user and the runtime come from the call's context; a mistake
the model can fix comes back as a ToolError whose text says what to do. A tool that changed
something answers with ``_meta.event_version``, the version revert_change takes to undo it.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar
from uuid import UUID

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field
from servicekit.identity import verified_user

from notes_service.errors import DomainError
from notes_service.notes import Mutation, NoteChanges, NoteSearch
from notes_service.observability import tool_span
from notes_service.runtime import Runtime
from notes_service.schemas import NotePage, NotePublic

UNAUTHENTICATED = -32001

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
Tool = Callable[..., Any]
ToolT = TypeVar("ToolT", bound=Tool)
T = TypeVar("T")

TOOLS: list[tuple[Tool, ToolAnnotations]] = []
"""Every tool with its annotations, in the order tools/list shows them."""


def tool(annotations: ToolAnnotations) -> Callable[[ToolT], ToolT]:
    """Add the decorated function to ``TOOLS``."""

    def register(function: ToolT) -> ToolT:
        TOOLS.append((function, annotations))
        return function

    return register


def _hints(title: str, *, read_only: bool, destructive: bool, idempotent: bool) -> ToolAnnotations:
    return ToolAnnotations(
        title=title,
        readOnlyHint=read_only,
        destructiveHint=destructive,
        idempotentHint=idempotent,
        openWorldHint=False,
    )


def _caller(ctx: ToolContext) -> UUID:
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


class _ToolCall:
    """Runs one tool: verified user, span and metrics, domain errors as tool errors."""

    def __init__(self, name: str, ctx: ToolContext) -> None:
        self.name = name
        self.ctx = ctx
        self.user_id = _caller(ctx)
        self.runtime: Runtime = ctx.request_context.lifespan_context

    async def __call__(self, operation: Callable[[], Awaitable[T]]) -> T:
        try:
            with tool_span(self.name, "mcp", self.ctx.headers):
                return await operation()
        except DomainError as exc:
            raise ToolError(str(exc)) from None


def change_result(mutation: Mutation) -> CallToolResult:
    """The tool result of a change: the record, and the event version when one was logged."""
    structured = mutation.record.model_dump(mode="json")
    meta = None if mutation.event_version is None else {"event_version": mutation.event_version}
    return CallToolResult(
        content=[TextContent(type="text", text=mutation.record.model_dump_json())],
        structured_content=structured,
        meta=meta,
    )


@tool(_hints("Create a note", read_only=False, destructive=False, idempotent=False))
async def create_note(
    ctx: ToolContext,
    title: Annotated[str, Field(description="Short title, 1 to 200 characters.")],
    body: Annotated[str, Field(description="The text, up to 20000 characters.")] = "",
    tags: Tags | None = None,
) -> ChangeResult:
    """Create a note for the user and return it."""
    call = _ToolCall("create_note", ctx)
    mutation = await call(
        lambda: call.runtime.notes.create(
            call.user_id, "chat", title=title, body=body, tags=tags or []
        )
    )
    return change_result(mutation)


@tool(_hints("Search notes", read_only=True, destructive=False, idempotent=True))
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
    call = _ToolCall("search_notes", ctx)
    search = NoteSearch(
        query=query, tag=tag, pinned=pinned, include_archived=include_archived, limit=limit
    )
    return await call(lambda: call.runtime.notes.search(call.user_id, search))


@tool(_hints("Get a note", read_only=True, destructive=False, idempotent=True))
async def get_note(ctx: ToolContext, note_id: NoteId) -> NotePublic:
    """Return one note by id."""
    call = _ToolCall("get_note", ctx)
    return await call(lambda: call.runtime.notes.get(call.user_id, note_id))


@tool(_hints("Update a note", read_only=False, destructive=False, idempotent=True))
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
    call = _ToolCall("update_note", ctx)
    changes = NoteChanges(title=title, body=body, tags=tags)
    mutation = await call(lambda: call.runtime.notes.update(call.user_id, "chat", note_id, changes))
    return change_result(mutation)


@tool(_hints("Pin a note", read_only=False, destructive=False, idempotent=True))
async def pin_note(
    ctx: ToolContext,
    note_id: NoteId,
    pinned: Annotated[bool, Field(description="true to pin (the default), false to unpin.")] = True,
) -> ChangeResult:
    """Pin a note so that it comes first in searches, or unpin it with pinned=false."""
    call = _ToolCall("pin_note", ctx)
    changes = NoteChanges(pinned=pinned)
    mutation = await call(lambda: call.runtime.notes.update(call.user_id, "chat", note_id, changes))
    return change_result(mutation)


@tool(_hints("Archive a note", read_only=False, destructive=False, idempotent=True))
async def archive_note(
    ctx: ToolContext,
    note_id: NoteId,
    archived: Annotated[
        bool, Field(description="true to archive (the default), false to bring it back.")
    ] = True,
) -> ChangeResult:
    """Archive a note: it stays readable with get_note but leaves searches unless
    include_archived is true. archived=false brings it back."""
    call = _ToolCall("archive_note", ctx)
    changes = NoteChanges(archived=archived)
    mutation = await call(lambda: call.runtime.notes.update(call.user_id, "chat", note_id, changes))
    return change_result(mutation)


@tool(_hints("Delete a note", read_only=False, destructive=True, idempotent=False))
async def delete_note(ctx: ToolContext, note_id: NoteId) -> ChangeResult:
    """Delete a note. revert_change with the answer's event_version brings it back.

    Only call this when the user clearly asked to delete this note.
    """
    call = _ToolCall("delete_note", ctx)
    mutation = await call(lambda: call.runtime.notes.delete(call.user_id, "chat", note_id))
    return change_result(mutation)


@tool(_hints("Undo a change", read_only=False, destructive=False, idempotent=False))
async def revert_change(
    ctx: ToolContext,
    version: Annotated[int, Field(description="The event_version a change answered with.", ge=1)],
) -> ChangeResult:
    """Undo one change: its note goes back to how it was before that change.

    A deleted note comes back. Refused when the note changed after that change.
    """
    call = _ToolCall("revert_change", ctx)
    mutation = await call(lambda: call.runtime.notes.revert(call.user_id, "chat", version))
    return change_result(mutation)
