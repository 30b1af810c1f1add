"""The conversation history given to the model, with widgets as compact text.

Task widgets read ``[task shown]`` / ``[task list shown]``; any other service's widgets read
``[record shown]`` / ``[record list shown]`` and name their kind of record (``"kind": "note"``),
confirmations included.
"""

import json
from collections import OrderedDict
from typing import Any

from agents.items import TResponseInputItem
from chatkit.agents import ThreadItemConverter
from chatkit.types import (
    AssistantMessageItem,
    ThreadItem,
    UserMessageItem,
    UserMessageTagContent,
    WidgetItem,
)
from openai.types.responses import EasyInputMessageParam, ResponseInputTextParam
from openai.types.responses.response_input_content_param import ResponseInputContentParam

from chat_gateway.chat.record_widgets import RECORD_CARD, RECORD_LIST, shown_records
from chat_gateway.chat.store import parse_item
from chat_gateway.chat.widgets import (
    CONFIRMATION,
    OUTCOME,
    TASK_CARD,
    TASK_LIST,
    record_kind,
    shown_task,
    shown_tasks,
    widget_kind,
)

TASK_LIST_MARKER = "[task list shown]"
TASK_MARKER = "[task shown]"
RECORD_LIST_MARKER = "[record list shown]"
RECORD_MARKER = "[record shown]"


def _assistant_text(text: str) -> EasyInputMessageParam:
    # Plain string content: the Chat Completions converter of the Agents SDK refuses output
    # parts in an input message, and both APIs read a string the same way.
    return EasyInputMessageParam(type="message", role="assistant", content=text)


def widget_history_text(widget: dict[str, Any]) -> str | None:
    """The assistant-message text standing for a stored widget, or None to leave it out."""
    kind = widget_kind(widget)
    if kind == TASK_LIST:
        rows = [
            {"n": t.n, "id": t.id, "title": t.title, "completed": t.completed}
            for t in shown_tasks(widget)
        ]
        return f"{TASK_LIST_MARKER}\n{json.dumps(rows, ensure_ascii=False)}"
    records_of = record_kind(widget)
    if kind == CONFIRMATION and records_of is not None:
        held = shown_task(widget)
        if held is None:
            return None
        question = {"kind": records_of, "id": held.id, "title": held.title}
        return f"{RECORD_MARKER}\n{json.dumps(question, ensure_ascii=False)}"
    if kind in (TASK_CARD, CONFIRMATION):
        task = shown_task(widget)
        if task is None:
            return None
        shown = {"id": task.id, "title": task.title, "completed": task.completed}
        return f"{TASK_MARKER}\n{json.dumps(shown, ensure_ascii=False)}"
    if kind == RECORD_LIST:
        listed = {"kind": records_of or "records", "records": shown_records(widget)}
        return f"{RECORD_LIST_MARKER}\n{json.dumps(listed, ensure_ascii=False)}"
    if kind == RECORD_CARD:
        records = shown_records(widget)
        if not records:
            return None
        card = {"kind": records_of or "record", **records[0]}
        return f"{RECORD_MARKER}\n{json.dumps(card, ensure_ascii=False)}"
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
        return self.stored_widget_to_input(item.widget.model_dump(mode="json", exclude_none=True))

    def stored_widget_to_input(self, widget: dict[str, Any]) -> TResponseInputItem | None:
        """``widget_to_input`` for a widget as its stored JSON tree."""
        text = widget_history_text(widget)
        return _assistant_text(text) if text else None

    async def assistant_message_to_input(
        self, item: AssistantMessageItem
    ) -> TResponseInputItem | list[TResponseInputItem] | None:
        """An earlier reply as plain text (the SDK's output parts break Chat Completions)."""
        return _assistant_text("".join(part.text for part in item.content))

    async def tag_to_message_content(self, tag: UserMessageTagContent) -> ResponseInputContentParam:
        """A tag as its plain text."""
        return ResponseInputTextParam(type="input_text", text=tag.text)


def _weight(text: str, entry: tuple[ThreadItem | None, str | None]) -> int:
    return len(text) + len(entry[1] or "")


class HistoryCache:
    """The model input of stored items, remembered by their stored JSON.

    A stored item's JSON fully determines its model input, so the text is the cache key: a
    widget replaced later has new text and is converted again. Each turn therefore validates
    and converts only the items it has not seen (the newest ones), not the whole history; a
    widget is converted from its stored tree as it is read, and kept without its item.
    Converted input is kept as JSON and decoded for each turn: every turn gets its own
    objects (the agent may change what it is given), at a fraction of a deep copy's cost.
    The cache holds at most ``size`` entries and ``max_bytes`` of JSON (keys and converted
    input, by their length); an item larger than an eighth of that is not kept at all.
    """

    def __init__(
        self, converter: TaskHistoryConverter, *, size: int = 4096, max_bytes: int = 32 << 20
    ) -> None:
        self.converter = converter
        self._size = size
        self._max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[ThreadItem | None, str | None]] = OrderedDict()
        self.held_bytes = 0
        """The length of every cached key and converted input, together."""

    def __len__(self) -> int:
        return len(self._entries)

    def item(self, text: str) -> ThreadItem:
        """The item stored as ``text`` (shared: callers that change it must copy it)."""
        return self._entry(text)[0] or parse_item(text)

    def _entry(self, text: str) -> tuple[ThreadItem | None, str | None]:
        entry = self._entries.get(text)
        if entry is not None:
            self._entries.move_to_end(text)
            return entry
        stored = json.loads(text)
        if stored.get("type") == "widget":
            # A widget's input is read from its stored tree, without validating the item
            # and serialising its widget model again (most of a tool turn's widget work).
            converted = self.converter.stored_widget_to_input(stored["widget"])
            entry = (None, json.dumps([] if converted is None else [converted]))
        else:
            entry = (parse_item(text), None)
        self._remember(text, entry)
        return entry

    def _remember(self, text: str, entry: tuple[ThreadItem | None, str | None]) -> None:
        weight = _weight(text, entry)
        previous = self._entries.pop(text, None)
        if previous is not None:
            self.held_bytes -= _weight(text, previous)
        if weight > self._max_bytes // 8:
            return
        self._entries[text] = entry
        self.held_bytes += weight
        while len(self._entries) > self._size or self.held_bytes > self._max_bytes:
            oldest, evicted = self._entries.popitem(last=False)
            self.held_bytes -= _weight(oldest, evicted)

    async def to_agent_input(self, texts: list[str]) -> list[TResponseInputItem]:
        """Model input for items stored as ``texts`` (oldest first)."""
        output: list[TResponseInputItem] = []
        for index, text in enumerate(texts):
            item, converted = self._entry(text)
            if isinstance(item, UserMessageItem):
                # Only a user message's input depends on its place (quoted text when last).
                last = index == len(texts) - 1
                message = await self.converter.user_message_to_input(item, is_last_message=last)
                if isinstance(message, list):
                    output.extend(message)
                elif message is not None:
                    output.append(message)
                continue
            if converted is None:
                assert item is not None  # kept without its item: a widget, converted at once
                converted = json.dumps(await self.converter.to_agent_input(item))
                self._remember(text, (item, converted))
            output.extend(json.loads(converted))
        return output
