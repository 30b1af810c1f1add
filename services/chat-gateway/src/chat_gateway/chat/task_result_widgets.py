"""The widgets of mcp-tasks' tool results (a task card, a task list, an outcome), which
override the widgets other services' tools get from their output schema."""

from datetime import date
from typing import Any
from uuid import UUID

from chatkit.widgets import DynamicWidgetRoot

from chat_gateway.chat.change_texts import describe, sentence
from chat_gateway.chat.record_widgets import WidgetOverride
from chat_gateway.chat.widgets import (
    Task,
    ToolGrant,
    every_tool,
    outcome_widget,
    task_card_widget,
    task_list_widget,
)

_HEADLINES = {
    "get_task": "Task",
    "add_task": "Task added",
    "update_task": "Task updated",
    "complete_task": "Task completed",
    "reopen_task": "Task reopened",
    "restore_task": "Task restored",
    "delete_task": "Task deleted",
}

_UNCHANGED = {"complete_task": "Already done", "reopen_task": "Already open"}


def _task_lines(tasks: list[Task]) -> str:
    return "\n".join(
        f"{n}. [{'x' if t.get('completed') else ' '}] {t.get('title', '')}"
        for n, t in enumerate(tasks, start=1)
    )


def result_widget(
    tool: str,
    result: dict[str, Any],
    undo_id: UUID | None,
    *,
    today: date | None = None,
    grants: ToolGrant = every_tool,
) -> tuple[DynamicWidgetRoot, str] | None:
    """The widget (and copy text) showing a successful tool result.

    ``today`` is the user's local date, for due dates ("Due tomorrow"); its buttons are those
    of the tools ``grants`` allows.
    """
    if tool == "list_tasks":
        tasks = [t for t in result.get("tasks") or [] if isinstance(t, dict)]
        more = bool(result.get("next_cursor"))
        widget = task_list_widget(tasks, more=more, today=today, grants=grants)
        return widget, _task_lines(tasks) or "No tasks."
    task = result.get("task")
    if tool in _HEADLINES and isinstance(task, dict):
        # An empty `previous` says the task already was done (or open): nothing changed.
        headline = (
            _UNCHANGED.get(tool, _HEADLINES[tool])
            if result.get("previous") == {}
            else _HEADLINES[tool]
        )
        card = task_card_widget(
            task, headline=headline, undo_id=undo_id, today=today, grants=grants
        )
        return card, str(task["title"])
    if tool == "clear_completed":
        text = sentence(describe(tool, result))
        return outcome_widget(text, undo_id=undo_id), text
    return None


def _task_widget(
    tool: str, result: dict[str, Any], undo_id: UUID | None, today: date, grants: ToolGrant
) -> tuple[DynamicWidgetRoot, str] | None:
    return result_widget(tool, result, undo_id, today=today, grants=grants)


TASK_WIDGETS: dict[str, WidgetOverride] = {
    tool: _task_widget for tool in ("list_tasks", "clear_completed", *_HEADLINES)
}
"""The widget overrides of mcp-tasks' tools: every other tool's widget comes from its schema."""
