"""The widget of a held-back change: its question, Confirm and Cancel; nothing runs before
Confirm."""

from typing import Literal
from uuid import UUID

from chatkit.widgets import DynamicWidgetRoot

from chat_gateway.chat.widgets import (
    ACTION_CANCEL,
    ACTION_CONFIRM,
    CONFIRMATION,
    RECORD_KIND,
    Task,
    root_widget,
    widget_action,
)


def confirmation_widget(
    confirmation_id: UUID,
    action: Literal["delete_task", "clear_completed"],
    *,
    task: Task | None,
    count: int | None,
) -> DynamicWidgetRoot:
    """Asks the user to confirm a destructive change to tasks."""
    if action == "delete_task" and task is not None:
        question = f"Delete “{task['title']}”?"
    else:
        question = f"Clear {count} completed task{'s' if count != 1 else ''}?"
    record_id = str(task["id"]) if task is not None else None
    return question_widget(confirmation_id, question, record_id=record_id)


def question_widget(
    confirmation_id: UUID, question: str, *, record_id: str | None, kind: str | None = None
) -> DynamicWidgetRoot:
    """A held-back change: its question, Confirm and Cancel (for any tool service).

    ``kind`` names the record of another service (a note): the history labels it by it.
    """
    payload = {"confirmation_id": str(confirmation_id)}
    return root_widget(
        {
            "type": "Card",
            "key": CONFIRMATION,
            "id": record_id,
            RECORD_KIND: kind,
            "size": "sm",
            "children": [
                {"type": "Text", "id": "title", "value": question, "weight": "semibold"},
                {
                    "type": "Caption",
                    "value": "You can undo this for 10 minutes afterwards.",
                },
                {
                    "type": "Row",
                    "gap": 2,
                    "children": [
                        {
                            "type": "Button",
                            "key": "confirm",
                            "label": "Confirm",
                            "color": "danger",
                            "size": "sm",
                            "onClickAction": widget_action(ACTION_CONFIRM, payload),
                        },
                        {
                            "type": "Button",
                            "key": "cancel",
                            "label": "Cancel",
                            "variant": "outline",
                            "size": "sm",
                            "onClickAction": widget_action(ACTION_CANCEL, payload),
                        },
                    ],
                },
            ],
        }
    )
