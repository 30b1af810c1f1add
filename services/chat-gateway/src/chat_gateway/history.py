"""The conversation history given to the model, with task widgets as compact text."""

import json
from typing import Any, cast

from agents.items import TResponseInputItem
from chatkit.agents import ThreadItemConverter
from chatkit.types import UserMessageTagContent, WidgetItem
from openai.types.responses import EasyInputMessageParam, ResponseInputTextParam
from openai.types.responses.response_input_content_param import ResponseInputContentParam

from chat_gateway.widgets import (
    CONFIRMATION,
    OUTCOME,
    TASK_CARD,
    TASK_LIST,
    shown_task,
    shown_tasks,
    widget_kind,
)

TASK_LIST_MARKER = "[task list shown]"
TASK_MARKER = "[task shown]"


def _assistant_text(text: str) -> EasyInputMessageParam:
    part = {"type": "output_text", "text": text, "annotations": []}
    return EasyInputMessageParam(
        type="message", role="assistant", content=[cast(ResponseInputContentParam, part)]
    )


def widget_history_text(widget: dict[str, Any]) -> str | None:
    """The assistant-message text standing for a stored widget, or None to leave it out."""
    kind = widget_kind(widget)
    if kind == TASK_LIST:
        rows = [
            {"n": t.n, "id": t.id, "title": t.title, "completed": t.completed}
            for t in shown_tasks(widget)
        ]
        return f"{TASK_LIST_MARKER}\n{json.dumps(rows, ensure_ascii=False)}"
    if kind in (TASK_CARD, CONFIRMATION):
        task = shown_task(widget)
        if task is None:
            return None
        shown = {"id": task.id, "title": task.title, "completed": task.completed}
        return f"{TASK_MARKER}\n{json.dumps(shown, ensure_ascii=False)}"
    if kind == OUTCOME:
        for child in widget.get("children") or []:
            if isinstance(child, dict) and child.get("type") == "Text":
                return str(child.get("value", ""))
    return None


class TaskHistoryConverter(ThreadItemConverter):
    """Turns thread items into model input; task widgets become ``[task ... shown]`` messages."""

    async def widget_to_input(
        self, item: WidgetItem
    ) -> TResponseInputItem | list[TResponseInputItem] | None:
        """A task widget as the assistant message the model contract describes."""
        text = widget_history_text(item.widget.model_dump(mode="json", exclude_none=True))
        return _assistant_text(text) if text else None

    async def tag_to_message_content(self, tag: UserMessageTagContent) -> ResponseInputContentParam:
        """A tag as its plain text."""
        return ResponseInputTextParam(type="input_text", text=tag.text)
