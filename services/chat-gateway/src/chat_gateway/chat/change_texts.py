"""What the user and the undo log read about a tool call: a failed call's sentence, a
change's description and what an undo did."""

from dataclasses import dataclass
from typing import Any

from chat_gateway.chat.record_widgets import describe_record_change
from chat_gateway.chat.widgets import Task

NOTHING_TO_UNDO = "There is nothing to undo."
TASK_GONE = "This task no longer exists."
CHANGE_FAILED = "That change could not be made. Please try again."
_VERBS = {
    "add_task": "added",
    "update_task": "updated",
    "complete_task": "completed",
    "reopen_task": "reopened",
    "restore_task": "restored",
    "delete_task": "deleted",
}


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
    if tool not in _VERBS and tool != "clear_completed":
        return describe_record_change(tool, result if "id" in result else None)
    if tool == "clear_completed":
        count = int(result.get("count") or 0)
        return f"cleared {count} completed task{'s' if count != 1 else ''}"
    task = result.get("task") or {}
    return f"{_VERBS.get(tool, tool)} task “{task.get('title', '')}”"


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop."""
    return text[:1].upper() + text[1:] + "."
