"""ChatKit widgets for tasks: a task list, a task card and an outcome card (confirmations are
in confirmation_widgets.py, due dates as people read them in due_dates.py).

Widgets are built as plain component trees (``DynamicWidgetRoot``), the form ChatKit stores
and streams. Each root carries a ``key`` naming its kind; task rows carry the task id as their
key, so the tasks a widget showed can be read back from a stored widget (for the model's
history and for widget actions) without any state outside the thread.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from chatkit.widgets import DynamicWidgetRoot

from chat_gateway.chat.due_dates import local_today, task_details

TASK_LIST = "task_list"
TASK_CARD = "task_card"
CONFIRMATION = "confirmation"
RECORD_KIND = "recordKind"
"""Root widget field naming the kind of record a service's widget shows (absent on tasks)."""
OUTCOME = "outcome"

ACTION_COMPLETE = "task.complete"
ACTION_REOPEN = "task.reopen"
ACTION_DELETE = "task.delete"
ACTION_CONFIRM = "confirmation.confirm"
ACTION_CANCEL = "confirmation.cancel"
ACTION_UNDO = "change.undo"

Task = dict[str, Any]

ToolGrant = Callable[[str], bool]
"""Whether the user's app grants a task tool: a widget offers no button for one it does not."""


def every_tool(tool: str) -> bool:
    """The grant of an app that may use every task tool."""
    return True


@dataclass(frozen=True, slots=True)
class ShownTask:
    """A task as a widget displayed it."""

    n: int
    id: str
    title: str
    completed: bool


def widget_action(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A server-handled action of a button, loading in the button itself."""
    return {"type": kind, "payload": payload, "handler": "server", "loadingBehavior": "self"}


def _details_caption(task: Task, today: date) -> dict[str, Any] | None:
    details = task_details(task, today)
    if not details:
        return None
    # The ISO date stays in the tree for programs reading the widget (tests, the client).
    due = task.get("due_date")
    return {"type": "Caption", "id": f"due:{due}" if due else None, "value": details}


def _toggle_button(task: Task, grants: ToolGrant) -> dict[str, Any] | None:
    completed = bool(task.get("completed"))
    if not grants("reopen_task" if completed else "complete_task"):
        return None
    return {
        "type": "Button",
        "key": "toggle",
        "label": "Reopen" if completed else "Complete",
        "size": "sm",
        "variant": "outline",
        "iconStart": "reload" if completed else "check",
        "onClickAction": widget_action(
            ACTION_REOPEN if completed else ACTION_COMPLETE, {"task_id": str(task["id"])}
        ),
    }


def _title_text(task: Task) -> dict[str, Any]:
    return {
        "type": "Text",
        "id": "title",
        "value": str(task["title"]),
        "weight": "semibold",
        "lineThrough": bool(task.get("completed")),
        "color": "secondary" if task.get("completed") else None,
    }


def _status_badge(task: Task) -> dict[str, Any]:
    completed = bool(task.get("completed"))
    label, color = ("Done", "success") if completed else ("Open", "secondary")
    if task.get("deleted_at"):
        label, color = "Deleted", "danger"
    return {"type": "Badge", "key": "status", "label": label, "color": color, "variant": "soft"}


def root_widget(tree: dict[str, Any]) -> DynamicWidgetRoot:
    return DynamicWidgetRoot.model_validate(_drop_none(tree))


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value if v is not None]
    return value


def list_row(
    key: str,
    n: int,
    lines: list[dict[str, Any] | None],
    trailing: list[dict[str, Any] | None],
) -> dict[str, Any]:
    """One numbered row of a list widget (tasks or any service's records): its number, its
    text ``lines`` (title first) and the ``trailing`` badges and buttons."""
    return {
        "type": "ListViewItem",
        "key": key,
        "gap": 3,
        "align": "center",
        "children": [
            {"type": "Text", "key": "n", "value": f"{n}.", "color": "secondary"},
            {"type": "Col", "flex": 1, "gap": 0, "children": lines},
            *trailing,
        ],
    }


def _row(n: int, task: Task, today: date, grants: ToolGrant) -> dict[str, Any]:
    live = not task.get("deleted_at")
    delete = {
        "type": "Button",
        "key": "delete",
        "label": "Delete",
        "size": "sm",
        "variant": "ghost",
        "color": "danger",
        "iconStart": "delete",
        "onClickAction": widget_action(ACTION_DELETE, {"task_id": str(task["id"])}),
    }
    return list_row(
        str(task["id"]),
        n,
        [_title_text(task), _details_caption(task, today)],
        [
            _status_badge(task),
            _toggle_button(task, grants) if live else None,
            delete if live and grants("delete_task") else None,
        ],
    )


def task_list_widget(
    tasks: list[Task],
    *,
    more: bool = False,
    today: date | None = None,
    grants: ToolGrant = every_tool,
) -> DynamicWidgetRoot:
    """A list of tasks, numbered as displayed, each with its state and the action buttons of
    the tools ``grants`` allows.

    Due dates are shown relative to ``today``, the user's local date (UTC when not given).
    """
    day = local_today(today)
    rows = [_row(n, task, day, grants) for n, task in enumerate(tasks, start=1)]
    if not rows:
        rows.append(
            {
                "type": "ListViewItem",
                "key": "empty",
                "children": [{"type": "Text", "value": "No tasks.", "color": "secondary"}],
            }
        )
    if more:
        rows.append(
            {
                "type": "ListViewItem",
                "key": "more",
                "children": [{"type": "Caption", "value": "More tasks not shown."}],
            }
        )
    return root_widget({"type": "ListView", "key": TASK_LIST, "children": rows})


def task_card_widget(
    task: Task,
    *,
    headline: str,
    undo_id: UUID | None,
    today: date | None = None,
    grants: ToolGrant = every_tool,
) -> DynamicWidgetRoot:
    """One task with a headline saying what happened, the buttons of the tools ``grants``
    allows, and Undo while it is possible.

    Its due date is shown relative to ``today``, the user's local date (UTC when not given).
    """
    buttons: list[dict[str, Any]] = []
    toggle = None if task.get("deleted_at") else _toggle_button(task, grants)
    if toggle is not None:
        buttons.append(toggle)
    if undo_id is not None:
        buttons.append(undo_button(undo_id))
    return root_widget(
        {
            "type": "Card",
            "key": TASK_CARD,
            "id": str(task["id"]),
            "size": "sm",
            "children": [
                {"type": "Caption", "key": "headline", "value": headline},
                {
                    "type": "Row",
                    "gap": 2,
                    "align": "center",
                    "children": [_title_text(task), {"type": "Spacer"}, _status_badge(task)],
                },
                _details_caption(task, local_today(today)),
                {"type": "Row", "gap": 2, "children": buttons} if buttons else None,
            ],
        }
    )


def undo_button(undo_id: UUID) -> dict[str, Any]:
    return {
        "type": "Button",
        "key": "undo",
        "label": "Undo",
        "size": "sm",
        "variant": "ghost",
        "iconStart": "reload",
        "onClickAction": widget_action(ACTION_UNDO, {"undo_id": str(undo_id)}),
    }


def outcome_widget(text: str, *, undo_id: UUID | None = None) -> DynamicWidgetRoot:
    """A short statement of what happened, with Undo while it is possible."""
    return root_widget(
        {
            "type": "Card",
            "key": OUTCOME,
            "size": "sm",
            "children": [
                {"type": "Text", "value": text},
                {"type": "Row", "children": [undo_button(undo_id)]} if undo_id else None,
            ],
        }
    )


def record_kind(widget: dict[str, Any]) -> str | None:
    """The kind of record (``note``, ``notes``) a stored widget of another service shows."""
    kind = widget.get(RECORD_KIND)
    return kind if isinstance(kind, str) else None


def widget_kind(widget: dict[str, Any]) -> str | None:
    """The kind key of a stored widget (TASK_LIST, TASK_CARD, ...), or None."""
    key = widget.get("key")
    return key if isinstance(key, str) else None


def _find(component: Any, predicate: Any) -> dict[str, Any] | None:
    if isinstance(component, dict):
        if predicate(component):
            return component
        children = component.get("children")
        for child in children if isinstance(children, list) else [children]:
            found = _find(child, predicate)
            if found is not None:
                return found
    return None


def _shown(component: dict[str, Any], n: int, task_id: str) -> ShownTask:
    title = _find(component, lambda c: c.get("type") == "Text" and c.get("id") == "title")
    status = _find(component, lambda c: c.get("type") == "Badge" and c.get("key") == "status")
    return ShownTask(
        n=n,
        id=task_id,
        title=str(title.get("value", "")) if title else "",
        completed=bool(status and status.get("label") == "Done"),
    )


def shown_tasks(widget: dict[str, Any]) -> list[ShownTask]:
    """The tasks a stored task list widget displayed, in display order."""
    rows = [
        row
        for row in widget.get("children") or []
        if isinstance(row, dict) and row.get("key") not in (None, "empty", "more")
    ]
    return [_shown(row, n, str(row["key"])) for n, row in enumerate(rows, start=1)]


def shown_task(widget: dict[str, Any]) -> ShownTask | None:
    """The task a stored task card (or a delete confirmation) displayed."""
    task_id = widget.get("id")
    if not isinstance(task_id, str):
        return None
    return _shown(widget, 1, task_id)


def row_task(widget: dict[str, Any], task_id: str) -> ShownTask | None:
    """The row of ``task_id`` in a stored task list, if it is there."""
    return next((t for t in shown_tasks(widget) if t.id == task_id), None)


def with_row_replaced(
    widget: dict[str, Any],
    task: Task,
    *,
    today: date | None = None,
    grants: ToolGrant = every_tool,
) -> DynamicWidgetRoot:
    """A stored task list with the row of ``task`` rebuilt from its current state."""
    children: list[Any] = []
    n = 0
    for row in widget.get("children") or []:
        if isinstance(row, dict) and row.get("key") not in (None, "empty", "more"):
            n += 1
            if row.get("key") == str(task["id"]):
                row = _row(n, task, local_today(today), grants)
        children.append(row)
    return root_widget({**widget, "children": children})


def held_confirmation(widget: dict[str, Any]) -> str | None:
    """The confirmation id a stored confirmation widget's buttons carry, or None."""
    pending = [widget]
    while pending:
        node = pending.pop()
        action = node.get("onClickAction")
        if node.get("type") == "Button" and isinstance(action, dict):
            payload = action.get("payload")
            if action.get("type") in (ACTION_CONFIRM, ACTION_CANCEL) and isinstance(payload, dict):
                held = payload.get("confirmation_id")
                return held if isinstance(held, str) else None
        pending.extend(c for c in node.get("children") or [] if isinstance(c, dict))
    return None


def shown_as_deleted(
    widget: dict[str, Any], task_id: str, *, today: date | None = None
) -> DynamicWidgetRoot:
    """A stored task card or list showing ``task_id`` as deleted (no buttons for it)."""
    shown = row_task(widget, task_id) if widget_kind(widget) == TASK_LIST else shown_task(widget)
    gone: Task = {
        "id": task_id,
        "title": shown.title if shown else "",
        "completed": bool(shown and shown.completed),
        "deleted_at": "gone",
    }
    if widget_kind(widget) == TASK_LIST:
        return with_row_replaced(widget, gone, today=today)
    headline = _find(widget, lambda c: c.get("key") == "headline")
    text = str(headline.get("value", "Task")) if headline else "Task"
    return task_card_widget(gone, headline=text, undo_id=None, today=today)


LOOKUP_HEADLINE = "Task"


def headline_of(widget: dict[str, Any]) -> str | None:
    """The headline of a stored task card ("Task added", "Task" for a lookup), or None."""
    for child in widget.get("children") or []:
        if isinstance(child, dict) and child.get("key") == "headline":
            value = child.get("value")
            return value if isinstance(value, str) else None
    return None


def shows_change(widget: dict[str, Any]) -> bool:
    """Whether a stored widget shows a change to tasks (or a confirmation of one)."""
    kind = widget_kind(widget)
    if kind in (OUTCOME, CONFIRMATION):
        return True
    return kind == TASK_CARD and headline_of(widget) not in (None, LOOKUP_HEADLINE)
