"""In-memory task tools with the MCP tools' names, arguments and result shapes.

The agent-loop tests give these to an Agent as function tools; delete_task and
clear_completed answer "confirmation_required" as the gateway's interception does.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from agents import RunContextWrapper, Tool, function_tool

NOW = "2027-03-10T09:00:00Z"


def _error_text(context: RunContextWrapper[Any], error: Exception) -> str:
    """Tool errors reach the model as their text, as MCP tool errors do."""
    return str(error)


@dataclass
class TaskBoard:
    """The tasks of one user, and every tool call made against them."""

    tasks: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def add(
        self, title: str, *, due_date: str | None = None, completed: bool = False
    ) -> dict[str, Any]:
        task: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "title": title,
            "description": "",
            "due_date": due_date,
            "priority": "normal",
            "tags": [],
            "completed": completed,
            "completed_at": NOW if completed else None,
            "created_at": NOW,
            "updated_at": NOW,
            "deleted_at": None,
        }
        self.tasks.append(task)
        return task

    def find(self, task_id: str) -> dict[str, Any]:
        for task in self.tasks:
            if task["id"] == task_id:
                return task
        raise ValueError(f"No task with id {task_id}. Call list_tasks to find the task's id.")

    def set_completed(self, task_id: str, completed: bool) -> str:
        """Complete or reopen a task as mcp-tasks does: `previous` is empty when it already was."""
        task = self.find(task_id)
        if task["completed"] == completed:
            return json.dumps({"task": task, "previous": {}})
        previous = {"completed": task["completed"], "completed_at": task["completed_at"]}
        task.update(completed=completed, completed_at=NOW if completed else None)
        return json.dumps({"task": task, "previous": previous})

    def tools(self, *, undo: bool = True) -> list[Tool]:
        board = self

        @function_tool
        def add_task(
            title: str,
            description: str = "",
            due_date: str | None = None,
            priority: str = "normal",
            tags: list[str] | None = None,
        ) -> str:
            """Add a task."""
            board.calls.append(
                ("add_task", {"title": title, "due_date": due_date, "priority": priority})
            )
            task = board.add(title, due_date=due_date)
            task.update(description=description, priority=priority, tags=tags or [])
            return json.dumps({"task": task})

        @function_tool
        def list_tasks(
            status: str = "pending",
            due_on: str | None = None,
            due_before: str | None = None,
            overdue: bool = False,
            tag: str | None = None,
            query: str | None = None,
            limit: int = 50,
        ) -> str:
            """List tasks."""
            board.calls.append(
                ("list_tasks", {"status": status, "query": query, "due_before": due_before})
            )
            found = [
                t
                for t in board.tasks
                if (status == "all" or t["completed"] == (status == "completed"))
                and (query is None or all(w in t["title"].lower() for w in query.lower().split()))
                and (
                    due_before is None
                    or (t["due_date"] is not None and t["due_date"] <= due_before)
                )
                and (due_on is None or t["due_date"] == due_on)
            ]
            return json.dumps({"tasks": found[:limit], "next_cursor": None})

        @function_tool
        def get_task(task_id: str) -> str:
            """Get one task."""
            board.calls.append(("get_task", {"task_id": task_id}))
            return json.dumps({"task": board.find(task_id)})

        @function_tool
        def complete_task(task_id: str) -> str:
            """Complete a task."""
            board.calls.append(("complete_task", {"task_id": task_id}))
            return board.set_completed(task_id, True)

        @function_tool
        def reopen_task(task_id: str) -> str:
            """Reopen a task."""
            board.calls.append(("reopen_task", {"task_id": task_id}))
            return board.set_completed(task_id, False)

        @function_tool
        def update_task(
            task_id: str,
            title: str | None = None,
            description: str | None = None,
            due_date: str | None = None,
            clear_due_date: bool = False,
            priority: str | None = None,
            tags: list[str] | None = None,
        ) -> str:
            """Update a task."""
            changes: dict[str, Any] = {
                k: v
                for k, v in {
                    "title": title,
                    "description": description,
                    "due_date": due_date,
                    "priority": priority,
                    "tags": tags,
                }.items()
                if v is not None
            }
            if clear_due_date:
                changes["due_date"] = None
            board.calls.append(("update_task", {"task_id": task_id, **changes}))
            task = board.find(task_id)
            previous = {k: task[k] for k in changes}
            task.update(changes)
            return json.dumps({"task": task, "previous": previous})

        @function_tool
        def delete_task(task_id: str) -> str:
            """Delete a task (the gateway asks the user to confirm first)."""
            board.calls.append(("delete_task", {"task_id": task_id}))
            task = board.find(task_id)
            return json.dumps(
                {
                    "status": "confirmation_required",
                    "action": "delete_task",
                    "task": task,
                    "count": None,
                }
            )

        @function_tool
        def clear_completed() -> str:
            """Delete completed tasks (the gateway asks the user to confirm first)."""
            board.calls.append(("clear_completed", {}))
            count = sum(1 for t in board.tasks if t["completed"])
            return json.dumps(
                {
                    "status": "confirmation_required",
                    "action": "clear_completed",
                    "task": None,
                    "count": count,
                }
            )

        @function_tool(failure_error_function=_error_text)
        def undo_last_change() -> str:
            """Undo the last change."""
            board.calls.append(("undo_last_change", {}))
            if not board.tasks:
                raise ValueError("There is nothing to undo.")
            task = board.tasks.pop()
            return json.dumps({"undone": f"the creation of '{task['title']}'", "task": task})

        tools: list[Tool] = [
            add_task,
            list_tasks,
            get_task,
            complete_task,
            reopen_task,
            update_task,
            delete_task,
            clear_completed,
        ]
        return [*tools, undo_last_change] if undo else tools
