"""Tool operations shared by the agent's tools and the widget actions.

The agent's tools are the MCP tools of mcp-tasks and of every configured tool service (as
their servers list them) plus the local ``undo_last_change``. Every successful call renders a
widget into the thread (the task widgets for mcp-tasks, widgets from the output schema for the
others); every mutation stores its inverse for Undo (for a configured service:
``revert_change`` of the event version the call reported); ``delete_task``,
``clear_completed`` and the tools a service's configuration lists under ``confirm`` are held
back behind a confirmation widget and run only when the user presses Confirm.
"""

import json
import time
from datetime import date
from typing import Any, cast
from uuid import UUID, uuid4

import mcp_types
from agents import FunctionTool
from agents.tool_context import ToolContext
from chatkit.agents import AgentContext
from chatkit.widgets import DynamicWidgetRoot

from chat_gateway.chat.change_texts import NOTHING_TO_UNDO, UndoOutcome, describe
from chat_gateway.chat.confirmation_widgets import confirmation_widget, question_widget
from chat_gateway.chat.confirmations import CONFIRMABLE, Confirmations
from chat_gateway.chat.function_tools import function_tool, undo_function_tool
from chat_gateway.chat.mcp_connection import ToolResult
from chat_gateway.chat.metrics import TOOL_CALLS, TOOL_SECONDS
from chat_gateway.chat.record_widgets import (
    WidgetOverride,
    is_lookup,
    output_shape,
    record_title,
    schema_widget,
)
from chat_gateway.chat.request_context import RequestContext
from chat_gateway.chat.tool_router import REVERT_TOOL, ToolRouter, ToolService, UnknownToolError
from chat_gateway.chat.undo import Step, UndoLog, inverse_of
from chat_gateway.chat.widgets import (
    Task,
    ToolGrant,
)
from chat_gateway.config import TASKS_SERVICE
from chat_gateway.errors import TaskServiceUnavailableError

ChatAgentContext = AgentContext[RequestContext]

# Tools that only read: their result is the turn's answer only if nothing follows them.
LOOKUPS = frozenset({"list_tasks", "get_task"})

# Idempotent tools that change nothing when the task is already in the wanted state; their
# inverse is only right if the call really changed the task, so its state is read first.
# Deleting and restoring report no change of their own; completing and reopening say it in
# their result (an empty `previous`), which `inverse_of` reads.
_STATE_CHANGES = frozenset({"delete_task", "restore_task"})


def event_version(result: ToolResult) -> int | None:
    """The event version a tool service's mutation reported (``_meta`` or the result)."""
    for source in (result.meta, result.structured):
        value = source.get("event_version") if source else None
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


class TaskOperations:
    """Calls tools for a user, records undo, and holds back destructive calls."""

    def __init__(
        self,
        client: ToolRouter,
        undo: UndoLog,
        confirmations: Confirmations,
        *,
        widget_overrides: dict[str, WidgetOverride],
    ) -> None:
        self.client = client
        self.undo = undo
        self.confirmations = confirmations
        self.widget_overrides = widget_overrides
        self._tools: dict[str, tuple[list[mcp_types.Tool], list[FunctionTool]]] = {}

    async def _extra_owner(self, user_id: UUID, tool: str) -> ToolService | None:
        """The configured service (not mcp-tasks) offering ``tool``, if any."""
        if not self.client.extra_services:
            return None
        try:
            owner = await self.client.owner(user_id, tool)
        except UnknownToolError:
            return None
        return None if owner.name == TASKS_SERVICE else owner

    async def widget_for(
        self, user_id: UUID, tool: str, result: dict[str, Any], undo_id: UUID | None, today: date
    ) -> tuple[DynamicWidgetRoot, str] | None:
        """The widget of a successful result: the tool's override, or one from its schema."""
        override = self.widget_overrides.get(tool)
        if override is not None:
            return override(tool, result, undo_id, today, self.grants(user_id))
        listed = await self.client.tool(user_id, tool)
        return schema_widget(listed, result, undo_id) if listed is not None else None

    def grants(self, user_id: UUID) -> ToolGrant:
        """Whether the app ``user_id`` came through grants a task tool (mcp-tasks' tools)."""
        app = self.client.apps.of(user_id)
        return lambda tool: app.grants_tool(TASKS_SERVICE, tool)

    async def needs_confirmation(self, user_id: UUID, tool: str) -> bool:
        """Whether ``tool`` is held back until the user confirms."""
        if tool in CONFIRMABLE:
            return True
        owner = await self._extra_owner(user_id, tool)
        return owner is not None and tool in owner.confirm

    async def is_lookup(self, user_id: UUID, tool: str) -> bool:
        """Whether ``tool`` only reads (its widget waits until the reply starts)."""
        if tool in LOOKUPS:
            return True
        if tool in self.widget_overrides:
            return False
        listed = await self.client.tool(user_id, tool)
        return listed is not None and is_lookup(listed)

    async def call(self, user_id: UUID, tool: str, arguments: dict[str, Any]) -> ToolResult:
        """One MCP tool call, measured."""
        started = time.perf_counter()
        try:
            result = await self.client.call_tool(user_id, tool, arguments)
        except TaskServiceUnavailableError:
            TOOL_CALLS.labels(tool, "unavailable").inc()
            raise
        finally:
            TOOL_SECONDS.labels(tool).observe(time.perf_counter() - started)
        TOOL_CALLS.labels(tool, "error" if result.is_error else "ok").inc()
        return result

    async def mutate(
        self, context: RequestContext, thread_id: str, tool: str, arguments: dict[str, Any]
    ) -> tuple[ToolResult, UUID | None]:
        """Call a tool; for a successful mutation, store its inverse and return the undo id.

        A call that changed nothing (completing a completed task, restoring a live one) gets
        no undo record: undoing it must leave the task as it was. The record is written
        beside the rest of the request, which settles it before it ends.
        """
        changes = True
        if tool in _STATE_CHANGES:
            changes = await self._would_change(context.user_id, tool, arguments)
        result = await self.call(context.user_id, tool, arguments)
        if result.is_error or result.structured is None or not changes:
            return result, None
        owner = await self._extra_owner(context.user_id, tool)
        steps: list[Step] | None
        if owner is None:
            steps = inverse_of(tool, arguments, result.structured)
            grants = self.grants(context.user_id)
            if steps and not all(grants(str(step["tool"])) for step in steps):
                steps = None  # an undo the app could not carry out is not offered
        else:
            steps = self._revert_steps(owner, result)
        if not steps:
            return result, None
        undo_id = uuid4()
        description = describe(tool, result.structured)
        context.defer(self.undo.record(undo_id, context.user_id, thread_id, description, steps))
        return result, undo_id

    @staticmethod
    def _revert_steps(owner: ToolService, result: ToolResult) -> list[Step] | None:
        # A call that committed no event (a lookup, or a change to the same state) has no version.
        version = event_version(result)
        if not owner.undo or version is None:
            return None
        return [{"service": owner.name, "tool": REVERT_TOOL, "arguments": {"version": version}}]

    async def _would_change(self, user_id: UUID, tool: str, arguments: dict[str, Any]) -> bool:
        found = await self.call(user_id, "get_task", {"task_id": arguments.get("task_id")})
        task = found.structured.get("task") if found.structured and not found.is_error else None
        live = isinstance(task, dict)
        if tool == "delete_task":
            return live
        # restore_task: get_task only finds live tasks, so a found task is not deleted.
        return not live

    async def undo_change(
        self, context: RequestContext, thread_id: str, undo_id: UUID | None = None
    ) -> UndoOutcome | None:
        """Apply the inverse of one live change (the given one or the thread's latest)."""
        await context.settle()
        pending = await self.undo.claim(context.user_id, thread_id, undo_id)
        if pending is None:
            return None
        task: Task | None = None
        errors: list[str] = []
        try:
            for step in pending.steps:
                if "service" in step:
                    result = await self.client.call_on(
                        str(step["service"]), context.user_id, step["tool"], step["arguments"]
                    )
                else:
                    result = await self.call(context.user_id, step["tool"], step["arguments"])
                if result.is_error:
                    errors.append(result.text)
                elif result.structured and isinstance(result.structured.get("task"), dict):
                    task = result.structured["task"]
        except TaskServiceUnavailableError:
            await self.undo.release(context.user_id, pending.id)
            raise
        return UndoOutcome(
            description=pending.description, task=task, errors=errors, steps=len(pending.steps)
        )

    async def hold_back(
        self, context: RequestContext, thread_id: str, tool: str, arguments: dict[str, Any]
    ) -> tuple[dict[str, Any] | str, DynamicWidgetRoot | None]:
        """Prepare a destructive call for confirmation instead of running it.

        Returns the tool output for the model (or the tool's error text, written for the
        model) and the confirmation widget; no question for a tool the app is not granted.
        """
        if await self.client.tool(context.user_id, tool) is None:
            return f"No tool {tool}.", None
        if tool not in CONFIRMABLE:
            return await self._hold_back_record_change(context, thread_id, tool, arguments)
        if tool == "delete_task":
            task_id = arguments.get("task_id")
            found = await self.call(context.user_id, "get_task", {"task_id": task_id})
            if found.is_error or not found.structured:
                return found.text, None
            task = found.structured["task"]
            confirmation_id = await self.confirmations.create(
                context.user_id, thread_id, tool, {"task_id": str(task["id"])}
            )
            widget = confirmation_widget(confirmation_id, "delete_task", task=task, count=None)
            output: dict[str, Any] = {
                "status": "confirmation_required",
                "action": "delete_task",
                "task": task,
                "count": None,
            }
            return output, widget
        completed = await self.call(
            context.user_id, "list_tasks", {"status": "completed", "limit": 200}
        )
        if completed.is_error or not completed.structured:
            return completed.text, None
        shown = [str(task["id"]) for task in completed.structured.get("tasks") or []]
        count = len(shown)
        if count == 0:
            return {"count": 0, "task_ids": []}, None
        # Confirm clears what the question counted, not what was completed in the meantime.
        confirmation_id = await self.confirmations.create(
            context.user_id, thread_id, tool, {"task_ids": shown}
        )
        widget = confirmation_widget(confirmation_id, "clear_completed", task=None, count=count)
        output = {
            "status": "confirmation_required",
            "action": "clear_completed",
            "task": None,
            "count": count,
        }
        return output, widget

    async def _hold_back_record_change(
        self, context: RequestContext, thread_id: str, tool: str, arguments: dict[str, Any]
    ) -> tuple[dict[str, Any] | str, DynamicWidgetRoot | None]:
        """Hold back a configured service's tool; the question names the record when the
        service has a ``get_<thing>(<thing>_id)`` tool to read it with."""
        verb, _, thing = tool.partition("_")
        record: dict[str, Any] | None = None
        record_id = arguments.get(f"{thing}_id")
        reader = await self.client.tool(context.user_id, f"get_{thing}")
        if record_id is not None and reader is not None:
            found = await self.call(context.user_id, reader.name, {f"{thing}_id": record_id})
            if found.is_error or not found.structured:
                return found.text, None
            shape = output_shape(reader)
            if shape is not None and shape.kind == "record":
                record = found.structured
        words = f"{verb.capitalize()} {thing.replace('_', ' ')}".strip()
        question = f"{words} “{record_title(record)}”?" if record else f"{words}?"
        confirmation_id = await self.confirmations.create(
            context.user_id, thread_id, tool, arguments
        )
        shown_id = str(record["id"]) if record and "id" in record else None
        widget = question_widget(
            confirmation_id, question, record_id=shown_id, kind=thing.replace("_", " ") or None
        )
        output = {"status": "confirmation_required", "action": tool, "record": record}
        return output, widget

    async def run_for_model(self, agent_context: ChatAgentContext, tool: str, raw: str) -> str:
        """Run one tool call the model asked for; stream its widget; return its output."""
        try:
            arguments = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return "The tool arguments were not valid JSON. Call the tool again with a JSON object."
        if not isinstance(arguments, dict):
            return "The tool arguments must be a JSON object."
        context = agent_context.request_context
        thread_id = agent_context.thread.id
        if await self.needs_confirmation(context.user_id, tool):
            output, widget = await self.hold_back(context, thread_id, tool, arguments)
            if widget is not None:
                context.lookup_widget = None
                await agent_context.stream_widget(widget, copy_text="Confirmation required")
            return output if isinstance(output, str) else json.dumps(output)
        result, undo_id = await self.mutate(context, thread_id, tool, arguments)
        if not result.is_error and result.structured is not None:
            shown = await self.widget_for(
                context.user_id, tool, result.structured, undo_id, context.now().date()
            )
            if await self.is_lookup(context.user_id, tool):
                # Held until the turn's reply starts; an empty list is said in the reply.
                empty = _empty_listing(result.structured)
                context.lookup_widget = None if empty else shown
            elif shown is not None:
                context.lookup_widget = None
                await agent_context.stream_widget(shown[0], copy_text=shown[1])
        return result.for_model()

    async def run_undo_for_model(self, agent_context: ChatAgentContext) -> str:
        """The local undo_last_change tool.

        It shows no widget of its own: the model's reply says what was undone, and a widget
        saying it too would show the same sentence twice.
        """
        agent_context.request_context.lookup_widget = None
        outcome = await self.undo_change(agent_context.request_context, agent_context.thread.id)
        if outcome is None:
            return NOTHING_TO_UNDO
        return json.dumps({"undone": outcome.description, "task": outcome.task})

    async def agent_tools(self, user_id: UUID) -> list[FunctionTool]:
        """The caller's app's MCP tools as agent function tools (rebuilt on a new listing)."""
        listing = await self.client.list_tools(user_id)
        app = self.client.apps.of(user_id).id
        cached = self._tools.get(app)
        if cached is not None and cached[0] is listing:
            return cached[1]
        tools = [self._mcp_tool(tool) for tool in listing]
        tools.append(self._undo_tool())
        self._tools[app] = (listing, tools)
        return tools

    def _mcp_tool(self, tool: mcp_types.Tool) -> FunctionTool:
        name = tool.name

        async def invoke(tool_context: ToolContext[Any], raw: str) -> str:
            return await self.run_for_model(cast(ChatAgentContext, tool_context.context), name, raw)

        return function_tool(tool, invoke)

    def _undo_tool(self) -> FunctionTool:
        async def invoke(tool_context: ToolContext[Any], raw: str) -> str:
            return await self.run_undo_for_model(cast(ChatAgentContext, tool_context.context))

        return undo_function_tool(invoke)


def _empty_listing(result: dict[str, Any]) -> bool:
    """Whether a lookup's result is a listing with nothing in it."""
    lists = [value for value in result.values() if isinstance(value, list)]
    return len(lists) == 1 and not lists[0] and "id" not in result
