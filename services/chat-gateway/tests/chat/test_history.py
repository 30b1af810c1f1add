"""Task widgets as the model reads them back in the thread's history."""

import json
from datetime import datetime
from typing import Any
from uuid import uuid4

import pytest
from agents.models.chatcmpl_converter import Converter
from chat_gateway.chat.history import HistoryCache, TaskHistoryConverter, widget_history_text
from chat_gateway.chat.widgets import task_card_widget, task_list_widget
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    ThreadItem,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)
from pydantic import TypeAdapter
from task_samples import sample_task

ITEM = TypeAdapter[ThreadItem](ThreadItem)


def _stored(widget: Any) -> WidgetItem:
    item = WidgetItem(id="w", thread_id="t", created_at=datetime.now(), widget=widget)
    stored = ITEM.validate_json(item.model_dump_json())
    assert isinstance(stored, WidgetItem)
    return stored


def test_a_stored_task_list_reads_back_as_the_task_list_shown_message() -> None:
    first, second = sample_task("Buy milk"), sample_task("Call “Mum”", completed=True)
    stored = _stored(task_list_widget([first, second]))

    text = widget_history_text(stored.widget.model_dump(mode="json", exclude_none=True))

    assert text == "[task list shown]\n" + json.dumps(
        [
            {"n": 1, "id": first["id"], "title": "Buy milk", "completed": False},
            {"n": 2, "id": second["id"], "title": "Call “Mum”", "completed": True},
        ],
        ensure_ascii=False,
    )


@pytest.mark.anyio
async def test_a_task_card_becomes_an_assistant_task_shown_message() -> None:
    task = sample_task("Pay rent", completed=True)
    stored = _stored(task_card_widget(task, headline="Task completed", undo_id=uuid4()))

    converted = await TaskHistoryConverter().widget_to_input(stored)

    assert converted == {
        "type": "message",
        "role": "assistant",
        "content": "[task shown]\n"
        + json.dumps({"id": task["id"], "title": "Pay rent", "completed": True}),
    }


@pytest.mark.anyio
async def test_replies_and_widgets_read_back_for_chat_completions_models_too() -> None:
    """The Chat Completions converter refuses output parts in input messages: the history
    gives earlier replies and widgets as plain text, which both APIs read."""
    task = sample_task("Pay rent")
    user = UserMessageItem(
        id="u",
        thread_id="t",
        created_at=datetime.now(),
        content=[UserMessageTextContent(text="add pay rent")],
        attachments=[],
        inference_options=InferenceOptions(),
    )
    card = _stored(task_card_widget(task, headline="Task added", undo_id=uuid4()))
    reply = AssistantMessageItem(
        id="a",
        thread_id="t",
        created_at=datetime.now(),
        content=[AssistantMessageContent(text="Added “Pay rent”.")],
    )

    shown = {"id": task["id"], "title": "Pay rent", "completed": False}

    history = await TaskHistoryConverter().to_agent_input([user, card, reply])
    messages = Converter.items_to_messages(history)

    assert [(m["role"], m.get("content")) for m in messages] == [
        ("user", [{"type": "text", "text": "add pay rent"}]),
        ("assistant", "[task shown]\n" + json.dumps(shown)),
        ("assistant", "Added “Pay rent”."),
    ]


def test_an_empty_task_list_reads_back_as_an_empty_list() -> None:
    stored = _stored(task_list_widget([]))

    text = widget_history_text(stored.widget.model_dump(mode="json", exclude_none=True))

    assert text == "[task list shown]\n[]"


@pytest.mark.anyio
async def test_the_history_cache_is_bounded_by_bytes_not_only_by_entries() -> None:
    cache = HistoryCache(TaskHistoryConverter(), size=4096, max_bytes=200_000)
    texts = [
        UserMessageItem(
            id=f"m{n}",
            thread_id="t",
            created_at=datetime.now(),
            content=[UserMessageTextContent(text=f"{n} " + "x" * 20_000)],
            inference_options=InferenceOptions(),
        ).model_dump_json()
        for n in range(40)
    ]
    oversized = texts[0].replace("x" * 20_000, "x" * 100_000)

    await cache.to_agent_input(texts)
    cache.item(oversized)

    assert 0 < cache.held_bytes <= 200_000
    assert len(cache) == 9
    assert cache.item(texts[-1]).id == "m39"


@pytest.mark.anyio
async def test_the_history_cache_reads_a_stored_widget_as_the_converter_does() -> None:
    task = sample_task("Pay rent")
    widget = WidgetItem(
        id="w",
        thread_id="t",
        created_at=datetime.now(),
        widget=task_card_widget(task, headline="Task added", undo_id=uuid4()),
    )
    stored = json.dumps(json.loads(widget.model_dump_json()), separators=(", ", ": "))
    cache = HistoryCache(TaskHistoryConverter())

    history = [await cache.to_agent_input([stored]) for _ in range(2)]

    shown = {"id": task["id"], "title": "Pay rent", "completed": False}
    text = "[task shown]\n" + json.dumps(shown)
    message = {"type": "message", "role": "assistant", "content": text}
    assert history == [[message], [message]]
    assert history[0] == await TaskHistoryConverter().to_agent_input(_stored(widget.widget))
