"""One step of an agent turn: from the conversation so far, the next tool call or the reply.

The model is called again after every tool output, so each step re-reads the turn: the last
user message, then the function calls it made and their outputs since. The step is a pure
function of that input, which keeps the engine deterministic and stateless.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from . import replies
from .asking import WHICH_TASK, question
from .matching import match_tasks
from .note_turn import note_step
from .references import ShownTask, latest_numbered_list, shown_by_words
from .turn_input import ToolResult, TurnInput, read_items, today_from_instructions
from .understanding import Understanding, understand

__all__ = [
    "Reply",
    "ToolCall",
    "ToolCalls",
    "TurnInput",
    "decide",
    "read_items",
    "today_from_instructions",
]

_ACTIONS = {
    "complete_task": "complete",
    "reopen_task": "reopen",
    "delete_task": "delete",
    "update_task": "change",
}


@dataclass(frozen=True, slots=True)
class ToolCall:
    """Call tool `name` with `arguments`."""

    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ToolCalls:
    """Call several independent tools at once (the runner runs them concurrently)."""

    calls: tuple[ToolCall, ...]


@dataclass(frozen=True, slots=True)
class Reply:
    """Answer the user with `text`; the turn ends."""

    text: str


@dataclass(frozen=True, slots=True)
class _Tools:
    schemas: Mapping[str, Mapping[str, Any]]

    def offered(self, name: str) -> bool:
        return name in self.schemas

    def call(self, name: str, arguments: dict[str, Any]) -> ToolCall | Reply:
        if name not in self.schemas:
            return Reply(replies.tool_missing(name))
        properties = self.schemas[name].get("properties")
        if isinstance(properties, Mapping) and properties:
            arguments = {k: v for k, v in arguments.items() if k in properties}
        return ToolCall(name, arguments)


def _as_title(title: str) -> str:
    """A title as a task list shows it: a capital first letter; a title typed with caps lock
    on ("CALL THE BANK ABOUT THE FRAUD ALERT") in sentence case; any other capitals as typed."""
    if title.isupper() and len(title.split()) > 1:
        title = title.lower()
    return title[0].upper() + title[1:] if title.islower() else title


def _task_args(request: Understanding) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if request.title:
        args["title"] = _as_title(request.title)
    if request.description:
        args["description"] = request.description
    if request.due:
        args["due_date"] = request.due.isoformat()
    if request.priority:
        args["priority"] = request.priority
    if request.tags:
        args["tags"] = list(request.tags)
    return args


def _list_args(request: Understanding) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if request.status:
        args["status"] = request.status
    if request.due_on:
        args["due_on"] = request.due_on.isoformat()
    if request.due_before:
        args["due_before"] = request.due_before.isoformat()
    if request.overdue:
        args["overdue"] = True
    if request.tag:
        args["tag"] = request.tag
    if request.priority:
        args["priority"] = request.priority
    if request.query:
        args["query"] = request.query
    return args


def _update_args(request: Understanding, task_id: str) -> dict[str, Any]:
    args: dict[str, Any] = {"task_id": task_id}
    if request.new_title:
        args["title"] = _as_title(request.new_title)
    if request.description:
        args["description"] = request.description
    if request.due:
        args["due_date"] = request.due.isoformat()
    if request.clear_due:
        args["clear_due_date"] = True
    if request.priority:
        args["priority"] = request.priority
    return args


def _shifted(task: dict[str, Any] | None, days: int, today: date) -> str:
    """The due date `days` later than the task's current one (or than today, if it has none)."""
    current = (task or {}).get("due_date")
    try:
        base = date.fromisoformat(current) if isinstance(current, str) else today
    except ValueError:
        base = today
    return (base + timedelta(days=days)).isoformat()


def _tasks_of(result: ToolResult) -> list[dict[str, Any]]:
    tasks = result.output.get("tasks") if isinstance(result.output, dict) else None
    return [t for t in tasks if isinstance(t, dict)] if isinstance(tasks, list) else []


def _resolve_target(
    request: Understanding, turn: TurnInput, tools: _Tools
) -> tuple[str, dict[str, Any] | None] | ToolCall | Reply:
    """The id (and task, when known) the request is about, or the lookup still needed."""
    target = request.target
    if target is None or target.kind == "pronoun":
        return Reply(WHICH_TASK)
    if target.task_id:
        return target.task_id, None
    lookups = [r for r in turn.results if r.name == "list_tasks"]
    if target.kind == "number":
        number = int(target.text)
        shown = latest_numbered_list(turn.history)
        if shown is not None:
            entry: ShownTask | None = next((t for t in shown if t.n == number), None)
            if number == -1 and shown:
                entry = shown[-1]
            if entry is None:
                return Reply(
                    f"There's no task #{number} in the list I showed — it has {len(shown)}."
                )
            if entry.task_id:
                return entry.task_id, None
            title = entry.title
        else:
            if not lookups:
                return tools.call("list_tasks", {})
            if lookups[0].error is not None:
                return Reply(replies.tool_error(lookups[0].error))
            tasks = _tasks_of(lookups[0])
            index = len(tasks) if number == -1 else number
            if not 1 <= index <= len(tasks):
                return Reply(f"You have {len(tasks)} open tasks, so there's no task #{number}.")
            task = tasks[index - 1]
            return str(task.get("id")), task
    else:
        title = target.text
        # "the invoice one" right after a list: the one task of that list it names.
        named = shown_by_words(title, turn.history)
        if named is not None and named.task_id:
            return named.task_id, None
        title = named.title if named is not None else title
    prefer = {"complete_task": False, "reopen_task": True}.get(request.intent)
    if not lookups:
        return tools.call("list_tasks", {"query": title, "status": "all"})
    for lookup in lookups:
        if lookup.error is not None:
            return Reply(replies.tool_error(lookup.error))
        found = match_tasks(title, _tasks_of(lookup), prefer)
        if found.chosen is not None:
            return str(found.chosen.get("id")), found.chosen
        if found.candidates:
            return Reply(replies.clarify(title, found.candidates, _ACTIONS[request.intent]))
    if len(lookups) == 1:
        return tools.call("list_tasks", {"status": "all", "limit": 200})
    return Reply(replies.not_found(title))


def _finish(request: Understanding, result: ToolResult, today: date) -> Reply:
    """The reply once the action tool has answered."""
    if result.error is not None:
        return Reply(replies.tool_error(result.error))
    output: dict[str, Any] = result.output
    if output.get("status") == "confirmation_required":
        return Reply(replies.confirm(output))
    task = output.get("task") if isinstance(output.get("task"), dict) else None
    if result.name == "add_task" and task:
        return Reply(replies.added(task, today) + replies.unkept(request.unkept))
    # An empty `previous` says the task already was in that state.
    changed = output.get("previous") != {}
    if result.name == "complete_task" and task:
        return Reply(replies.completed(task, changed))
    if result.name == "reopen_task" and task:
        return Reply(replies.reopened(task, changed))
    if result.name == "delete_task" and task:
        return Reply(replies.deleted(task))
    if result.name == "update_task" and task:
        previous = output.get("previous")
        changed = replies.updated(task, previous if isinstance(previous, dict) else {}, today)
        return Reply(changed + replies.unkept(request.unkept))
    if result.name == "clear_completed" and isinstance(output.get("count"), int):
        return Reply(replies.cleared(output["count"]))
    if result.name == "undo_last_change":
        return Reply(replies.undone(output))
    if result.name == "list_tasks":
        tasks = _tasks_of(result)
        if request.focus:
            return Reply(replies.focus(tasks, today))
        return Reply(replies.listed(tasks, bool(output.get("next_cursor")), request, today))
    return Reply("Done.")


def decide(
    turn: TurnInput, tool_schemas: Mapping[str, Mapping[str, Any]], today: date
) -> ToolCall | ToolCalls | Reply:
    """The next step of the turn: a tool call (or independent calls at once), or the reply
    that ends it."""
    tools = _Tools(tool_schemas)
    about_notes = note_step(turn, tool_schemas, today, _task_args)
    if isinstance(about_notes, str):
        return Reply(about_notes)
    if isinstance(about_notes, list):
        return ToolCalls(tuple(ToolCall(name, arguments) for name, arguments in about_notes))
    if about_notes is not None:
        return ToolCall(*about_notes)
    request = understand(turn.history, turn.message, today)
    intent = request.intent
    if request.language is not None:
        if intent == "help":
            return Reply(replies.other_language(request.language, helping=True))
        return Reply(replies.other_language(request.language))
    if request.ask:
        return Reply(question(request, turn.history))
    if intent == "none":
        return Reply(replies.small_talk(turn.message, today))
    if intent == "help":
        return Reply(replies.help_answer(turn.message))
    action = {
        "add_task": "add_task",
        "list_tasks": "list_tasks",
        "clear_completed": "clear_completed",
        "undo": "undo_last_change",
    }.get(intent)
    if action is not None:
        done = [r for r in turn.results if r.name == action]
        if done:
            return _finish(request, done[-1], today)
        if action == "add_task":
            if not request.title:
                return Reply(replies.TITLE_QUESTION)
            return tools.call("add_task", _task_args(request))
        if action == "list_tasks":
            return tools.call("list_tasks", {} if request.focus else _list_args(request))
        return tools.call(action, {})
    done = [r for r in turn.results if r.name == intent]
    if done:
        return _finish(request, done[-1], today)
    if not tools.offered(intent):
        return Reply(replies.tool_missing(intent))
    resolved = _resolve_target(request, turn, tools)
    if isinstance(resolved, (ToolCall, Reply)):
        return resolved
    task_id, task = resolved
    if intent == "update_task":
        args = _update_args(request, task_id)
        if (request.tags or request.shift_days) and task is None:
            fetched = [r for r in turn.results if r.name == "get_task"]
            if not fetched and tools.offered("get_task"):
                return tools.call("get_task", {"task_id": task_id})
            if fetched and isinstance(fetched[-1].output, dict):
                task = fetched[-1].output.get("task")
        if request.tags:
            existing = [str(t) for t in (task or {}).get("tags", [])]
            args["tags"] = existing + [t for t in request.tags if t not in existing]
        if request.shift_days and not request.due:
            args["due_date"] = _shifted(task, request.shift_days, today)
        if len(args) == 1:
            return Reply(
                "What should I change — the title, due date, priority, tags or note? "
                'For example: "move it to Friday".'
            )
        return tools.call("update_task", args)
    return tools.call(intent, {"task_id": task_id})
