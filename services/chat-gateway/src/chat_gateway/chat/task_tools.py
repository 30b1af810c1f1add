"""Task operations shared by the agent's tools and the widget actions.

The agent's tools are the MCP tools of mcp-tasks (as listed by the server) plus the local
``undo_last_change``. Every successful call renders a widget into the thread; every mutation
stores its inverse for Undo; ``delete_task`` and ``clear_completed`` are held back behind a
confirmation widget and run only when the user presses Confirm.
"""

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from uuid import UUID, uuid4

import mcp_types
from agents import FunctionTool
from agents.tool_context import ToolContext
from chatkit.agents import AgentContext
from chatkit.widgets import DynamicWidgetRoot

from chat_gateway.chat.confirmations import CONFIRMABLE, Confirmations
from chat_gateway.chat.mcp_connection import TaskToolsClient, ToolResult
from chat_gateway.chat.metrics import TOOL_CALLS, TOOL_SECONDS
from chat_gateway.chat.request_context import RequestContext
from chat_gateway.chat.undo import UndoLog, inverse_of
from chat_gateway.chat.widgets import (
    Task,
    confirmation_widget,
    outcome_widget,
    task_card_widget,
    task_list_widget,
)
from chat_gateway.errors import TaskServiceUnavailableError

UNDO_TOOL = "undo_last_change"
NOTHING_TO_UNDO = "There is nothing to undo."
TASK_GONE = "This task no longer exists."
CHANGE_FAILED = "That change could not be made. Please try again."
_HEADLINES = {
    "get_task": "Task",
    "add_task": "Task added",
    "update_task": "Task updated",
    "complete_task": "Task completed",
    "reopen_task": "Task reopened",
    "restore_task": "Task restored",
    "delete_task": "Task deleted",
}
_VERBS = {
    "add_task": "added",
    "update_task": "updated",
    "complete_task": "completed",
    "reopen_task": "reopened",
    "restore_task": "restored",
    "delete_task": "deleted",
}

ChatAgentContext = AgentContext[RequestContext]

# Tools that only read: their result is the turn's answer only if nothing follows them.
LOOKUPS = frozenset({"list_tasks", "get_task"})

# Idempotent tools that change nothing when the task is already in the wanted state; their
# inverse is only right if the call really changed the task, so its state is read first.
_STATE_CHANGES = frozenset({"complete_task", "reopen_task", "delete_task", "restore_task"})


def user_error(tool_error: str) -> str:
    """A plain sentence for the user about a failed tool call.

    Tool errors are written for the model ("No task with id …. Call list_tasks …") and are
    never shown to users as they are.
    """
    text = tool_error.lower()
    if "no task with id" in text:
        return TASK_GONE
    if NOTHING_TO_UNDO.lower() in text:
        return NOTHING_TO_UNDO
    return CHANGE_FAILED


@dataclass(frozen=True, slots=True)
class UndoOutcome:
    """What an undo did; ``errors`` are the tool errors of the steps that failed."""

    description: str
    task: Task | None
    errors: list[str]
    steps: int = 1

    def user_text(self) -> str:
        """The sentence the user sees, e.g. 'Undone: deleted task “Buy milk”.'."""
        if not self.errors:
            return f"Undone: {self.description}."
        if len(self.errors) < self.steps:
            gone = sum(1 for error in self.errors if user_error(error) == TASK_GONE)
            reason = (
                f"{gone} of the tasks no longer exist{'s' if gone == 1 else ''}."
                if gone == len(self.errors)
                else CHANGE_FAILED
            )
            return f"Partly undone: {self.description}. {reason}"
        reasons = dict.fromkeys(user_error(error) for error in self.errors)
        return f"Could not undo: {self.description}. " + " ".join(reasons)


def describe(tool: str, result: dict[str, Any]) -> str:
    """A short description of a mutation, e.g. 'added task “Buy milk”'."""
    if tool == "clear_completed":
        count = int(result.get("count") or 0)
        return f"cleared {count} completed task{'s' if count != 1 else ''}"
    task = result.get("task") or {}
    return f"{_VERBS.get(tool, tool)} task “{task.get('title', '')}”"


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop."""
    return text[:1].upper() + text[1:] + "."


def _task_lines(tasks: list[Task]) -> str:
    return "\n".join(
        f"{n}. [{'x' if t.get('completed') else ' '}] {t.get('title', '')}"
        for n, t in enumerate(tasks, start=1)
    )


def result_widget(
    tool: str, result: dict[str, Any], undo_id: UUID | None, *, today: date | None = None
) -> tuple[DynamicWidgetRoot, str] | None:
    """The widget (and copy text) showing a successful tool result.

    ``today`` is the user's local date, for due dates ("Due tomorrow").
    """
    if tool == "list_tasks":
        tasks = [t for t in result.get("tasks") or [] if isinstance(t, dict)]
        widget = task_list_widget(tasks, more=bool(result.get("next_cursor")), today=today)
        return widget, _task_lines(tasks) or "No tasks."
    task = result.get("task")
    if tool in _HEADLINES and isinstance(task, dict):
        headline = _HEADLINES[tool]
        card = task_card_widget(task, headline=headline, undo_id=undo_id, today=today)
        return card, str(task["title"])
    if tool == "clear_completed":
        text = sentence(describe(tool, result))
        return outcome_widget(text, undo_id=undo_id), text
    return None


class TaskOperations:
    """Calls tools for a user, records undo, and holds back destructive calls."""

    def __init__(
        self, client: TaskToolsClient, undo: UndoLog, confirmations: Confirmations
    ) -> None:
        self.client = client
        self.undo = undo
        self.confirmations = confirmations
        self._tools: tuple[list[mcp_types.Tool], list[FunctionTool]] | None = None

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
        steps = inverse_of(tool, arguments, result.structured)
        if not steps:
            return result, None
        undo_id = uuid4()
        description = describe(tool, result.structured)
        context.defer(self.undo.record(undo_id, context.user_id, thread_id, description, steps))
        return result, undo_id

    async def _would_change(self, user_id: UUID, tool: str, arguments: dict[str, Any]) -> bool:
        found = await self.call(user_id, "get_task", {"task_id": arguments.get("task_id")})
        task = found.structured.get("task") if found.structured and not found.is_error else None
        live = isinstance(task, dict)
        match tool:
            case "complete_task":
                return live and not cast(Task, task).get("completed")
            case "reopen_task":
                return live and bool(cast(Task, task).get("completed"))
            case "delete_task":
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
        model) and the confirmation widget.
        """
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
        if tool in CONFIRMABLE:
            output, widget = await self.hold_back(context, thread_id, tool, arguments)
            if widget is not None:
                context.lookup_widget = None
                await agent_context.stream_widget(widget, copy_text="Confirmation required")
            return output if isinstance(output, str) else json.dumps(output)
        result, undo_id = await self.mutate(context, thread_id, tool, arguments)
        if not result.is_error and result.structured is not None:
            shown = result_widget(tool, result.structured, undo_id, today=context.now().date())
            if tool in LOOKUPS:
                # Held until the turn's reply starts; an empty list is said in the reply.
                empty = tool == "list_tasks" and not result.structured.get("tasks")
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
        """The MCP tools as agent function tools (rebuilt when the cached listing changes)."""
        listing = await self.client.list_tools(user_id)
        cached = self._tools
        if cached is not None and cached[0] is listing:
            return cached[1]
        tools = [self._mcp_tool(tool) for tool in listing]
        tools.append(self._undo_tool())
        self._tools = (listing, tools)
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


ToolInvoker = Callable[[ToolContext[Any], str], Awaitable[str]]
"""Runs one call of an agent tool: the tool context and the raw JSON arguments in, output out."""


def function_tool(tool: mcp_types.Tool, invoke: ToolInvoker) -> FunctionTool:
    """The agent tool for an MCP tool, under its name, description and input schema."""
    schema = dict(tool.input_schema or {})
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    return FunctionTool(
        name=tool.name,
        description=tool.description or tool.name,
        params_json_schema=schema,
        on_invoke_tool=invoke,
        strict_json_schema=False,
    )


def undo_function_tool(invoke: ToolInvoker) -> FunctionTool:
    """The agent tool that undoes the user's last change in the conversation."""
    return FunctionTool(
        name=UNDO_TOOL,
        description=(
            "Undo the user's last change to their tasks in this conversation (within 10 "
            "minutes): removes an added task, restores a deleted one, reopens a completed "
            "one, or puts back previous values."
        ),
        params_json_schema={"type": "object", "properties": {}, "additionalProperties": False},
        on_invoke_tool=invoke,
        strict_json_schema=False,
    )
