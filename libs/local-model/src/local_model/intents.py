"""The intents the local model knows and what it understood of one message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, get_args

__all__ = ["INTENTS", "MUTATING", "TARGETED", "Intent", "Target", "Understanding"]

Intent = Literal[
    "add_task",
    "list_tasks",
    "complete_task",
    "reopen_task",
    "update_task",
    "delete_task",
    "clear_completed",
    "undo",
    "help",
    "none",
]
INTENTS: tuple[Intent, ...] = get_args(Intent)
TARGETED = frozenset({"complete_task", "reopen_task", "update_task", "delete_task"})
MUTATING = frozenset({*TARGETED, "add_task", "clear_completed", "undo"})


@dataclass(frozen=True, slots=True)
class Target:
    """How a message refers to an existing task.

    kind "number": `text` is its number in the latest list shown ("task 3", "the third one");
    "title": `text` is words of its title (as typed); "pronoun": "it" / "that one" with nothing
    in the history to resolve it. `task_id` is set when the history names the task's id.
    """

    kind: Literal["number", "title", "pronoun"]
    text: str
    task_id: str | None = None


@dataclass(slots=True)
class Understanding:
    """The intent of a message and the slots it states (dates already resolved)."""

    intent: Intent
    title: str | None = None
    description: str | None = None
    due: date | None = None
    clear_due: bool = False
    priority: str | None = None
    tags: list[str] = field(default_factory=list)
    status: str | None = None
    due_on: date | None = None
    due_before: date | None = None
    overdue: bool = False
    query: str | None = None
    tag: str | None = None
    target: Target | None = None
    new_title: str | None = None
    shift_days: int | None = None
    focus: bool = False
    language: str | None = None
    unkept: list[str] = field(default_factory=list)
    confidence: float = 1.0
    ask: bool = False

    def slots(self) -> dict[str, object]:
        """The slots in the evaluation format: lowercase titles, dates as YYYY-MM-DD."""
        out: dict[str, object] = {}
        if self.title:
            out["title"] = self.title.lower()
        if self.description:
            out["description"] = self.description.lower()
        if self.due:
            out["due"] = self.due.isoformat()
        if self.clear_due:
            out["clear_due_date"] = True
        if self.priority:
            out["priority"] = self.priority
        if self.tags:
            out["tags"] = list(self.tags)
        if self.status:
            out["status"] = self.status
        if self.due_on:
            out["due_on"] = self.due_on.isoformat()
        if self.due_before:
            out["due_before"] = self.due_before.isoformat()
        if self.overdue:
            out["overdue"] = True
        if self.query:
            out["query"] = self.query.lower()
        if self.tag:
            out["tag"] = self.tag.lower()
        if self.target:
            out["target"] = self.target.text.lower()
        if self.new_title:
            out["new_title"] = self.new_title.lower()
        return out
