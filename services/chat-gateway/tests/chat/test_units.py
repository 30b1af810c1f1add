"""Pure pieces of the chat path: history text, instructions, titles, undo inverses, ids."""

import json
import re
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any
from uuid import uuid4

import anyio
import pytest
from chat_gateway.chat.assistant import instructions
from chat_gateway.chat.history import HistoryCache, TaskHistoryConverter, widget_history_text
from chat_gateway.chat.request_context import RequestContext, parse_timezone
from chat_gateway.chat.server import remap_fake_ids, title_from
from chat_gateway.chat.store import json_text
from chat_gateway.chat.task_tools import UndoOutcome, user_error
from chat_gateway.chat.undo import inverse_of
from chat_gateway.chat.widgets import due_text, task_card_widget, task_list_widget
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
)
from pydantic import TypeAdapter

ITEM = TypeAdapter[ThreadItem](ThreadItem)


def _task(title: str, *, completed: bool = False) -> dict[str, Any]:
    return {
        "id": str(uuid4()),
        "title": title,
        "description": "",
        "due_date": "2026-12-01",
        "priority": "high",
        "tags": ["home"],
        "completed": completed,
        "completed_at": None,
        "created_at": "2026-11-26T10:00:00Z",
        "updated_at": "2026-11-26T10:00:00Z",
        "deleted_at": None,
    }


def _stored(widget: Any) -> WidgetItem:
    item = WidgetItem(id="w", thread_id="t", created_at=datetime.now(), widget=widget)
    stored = ITEM.validate_json(item.model_dump_json())
    assert isinstance(stored, WidgetItem)
    return stored


def test_a_stored_task_list_reads_back_as_the_task_list_shown_message() -> None:
    first, second = _task("Buy milk"), _task("Call “Mum”", completed=True)
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
    task = _task("Pay rent", completed=True)
    stored = _stored(task_card_widget(task, headline="Task completed", undo_id=uuid4()))

    converted = await TaskHistoryConverter().widget_to_input(stored)

    assert converted == {
        "type": "message",
        "role": "assistant",
        "content": [
            {
                "type": "output_text",
                "text": "[task shown]\n"
                + json.dumps({"id": task["id"], "title": "Pay rent", "completed": True}),
                "annotations": [],
            }
        ],
    }


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


def test_an_empty_task_list_reads_back_as_an_empty_list() -> None:
    stored = _stored(task_list_widget([]))

    text = widget_history_text(stored.widget.model_dump(mode="json", exclude_none=True))

    assert text == "[task list shown]\n[]"


def test_instructions_end_with_the_users_local_time_and_zone() -> None:
    context = RequestContext(user_id=uuid4(), timezone=parse_timezone("Europe/Paris"))

    line = instructions(context).splitlines()[-1]

    match = re.fullmatch(r"Current local time: (\S+) \(Europe/Paris\)", line)
    assert match is not None
    assert datetime.fromisoformat(match.group(1)).utcoffset() is not None


@pytest.mark.parametrize("header", [None, "", "Mars/Olympus", "../../etc/passwd", "x" * 100])
def test_an_absent_or_unknown_time_zone_falls_back_to_utc(header: str | None) -> None:
    assert parse_timezone(header) == "UTC"


def test_titles_come_from_the_first_message_cut_at_a_word() -> None:
    def message(text: str) -> UserMessageItem:
        return UserMessageItem(
            id="m",
            thread_id="t",
            created_at=datetime.now(),
            content=[UserMessageTextContent(text=text)],
            inference_options=InferenceOptions(),
        )

    assert title_from(message("  add   buy milk  ")) == "add buy milk"
    long = title_from(
        message("please remind me to renew the passport before the trip to Lisbon next summer")
    )
    assert long == "please remind me to renew the passport before the trip to…"
    assert len(long) <= 61


def test_the_inverse_of_a_rename_restores_previous_values_and_clears_a_new_due_date() -> None:
    task = _task("New")
    steps = inverse_of(
        "update_task",
        {"task_id": task["id"], "title": "New", "due_date": "2026-12-01"},
        {"task": task, "previous": {"title": "Old", "due_date": None}},
    )

    assert steps == [
        {
            "tool": "update_task",
            "arguments": {"task_id": task["id"], "title": "Old", "clear_due_date": True},
        }
    ]
    assert inverse_of("list_tasks", {}, {"tasks": []}) is None


@pytest.mark.anyio
async def test_placeholder_item_ids_are_replaced_by_fresh_ids() -> None:
    def message(text: str) -> AssistantMessageItem:
        return AssistantMessageItem(
            id="__fake_id__",
            thread_id="t",
            created_at=datetime.now(),
            content=[AssistantMessageContent(text=text)],
        )

    async def events() -> AsyncIterator[ThreadStreamEvent]:
        for text in ("one", "two"):
            yield ThreadItemAddedEvent(item=message(""))
            yield ThreadItemDoneEvent(item=message(text))

    fresh = iter(["msg_a", "msg_b"])
    ids = [
        event.item.id
        async for event in remap_fake_ids(events(), lambda: next(fresh))
        if isinstance(event, ThreadItemAddedEvent | ThreadItemDoneEvent)
    ]

    assert ids == ["msg_a", "msg_a", "msg_b", "msg_b"]


def test_stored_json_never_carries_a_nul_but_keeps_an_escaped_backslash_u0000() -> None:
    raw = json.dumps({"text": "model said NUL\u0000here", "literal": "C:\\u0000"})

    cleaned = json.loads(json_text(raw))

    assert cleaned == {"text": "model said NUL\ufffdhere", "literal": "C:\\u0000"}


@pytest.mark.parametrize(
    ("due", "completed", "shown"),
    [
        ("2026-11-26", False, "Due today"),
        ("2026-11-27", False, "Due tomorrow"),
        ("2026-11-27", True, "Due tomorrow"),
        ("2026-11-30", False, "Due Mon, Nov 30"),
        ("2027-01-08", False, "Due Fri, Jan 8, 2027"),
        ("2026-11-20", False, "Overdue since Nov 20"),
        ("2025-12-31", False, "Overdue since Dec 31, 2025"),
        ("2026-11-25", True, "Due yesterday"),
        ("2026-11-20", True, "Due Fri, Nov 20"),
    ],
)
def test_due_dates_read_relative_to_the_users_day(due: str, completed: bool, shown: str) -> None:
    assert due_text(due, completed=completed, today=date(2026, 11, 26)) == shown


def test_widgets_show_due_dates_for_people_and_keep_the_iso_date_for_programs() -> None:
    task = _task("Pay rent")
    task["due_date"] = "2026-11-27"

    card = task_card_widget(task, headline="Task added", undo_id=None, today=date(2026, 11, 26))
    listed = task_list_widget([task], today=date(2026, 11, 27))

    card_json = json.dumps(card.model_dump(mode="json", exclude_none=True))
    list_json = json.dumps(listed.model_dump(mode="json", exclude_none=True))
    assert '"value": "Due tomorrow \\u00b7 high priority \\u00b7 #home"' in card_json
    assert '"value": "Due today \\u00b7 high priority \\u00b7 #home"' in list_json
    assert '"id": "due:2026-11-27"' in card_json
    assert '"id": "due:2026-11-27"' in list_json
    assert "Due 2026-11-27" not in card_json + list_json


@pytest.mark.parametrize(
    "tool_error",
    [
        "Error executing tool complete_task: No task with id 1234. Call list_tasks to find the "
        "task's id.",
        "No task with id 1234. Call list_tasks to find the task's id.",
    ],
)
def test_a_missing_task_error_reads_as_a_plain_sentence(tool_error: str) -> None:
    assert user_error(tool_error) == "This task no longer exists."


def test_other_tool_errors_never_reach_the_user_as_written_for_the_model() -> None:
    text = user_error("Error executing tool update_task: title must be 1..200 characters.")

    assert text == "That change could not be made. Please try again."


def test_an_undo_whose_steps_failed_says_so_plainly() -> None:
    gone = "Error executing tool restore_task: No task with id 1. Call list_tasks to find it."
    failed = UndoOutcome(description="deleted task “A”", task=None, errors=[gone], steps=1)
    partly = UndoOutcome(description="cleared 3 completed tasks", task=None, errors=[gone], steps=3)
    done = UndoOutcome(description="added task “B”", task=None, errors=[], steps=1)

    assert failed.user_text() == "Could not undo: deleted task “A”. This task no longer exists."
    assert partly.user_text() == (
        "Partly undone: cleared 3 completed tasks. 1 of the tasks no longer exists."
    )
    assert done.user_text() == "Undone: added task “B”."


@pytest.mark.anyio
async def test_item_writes_wait_for_deferred_item_writes_and_the_request_for_all() -> None:
    """An item write settles the item writes deferred before it, not the undo records; the
    end of the request settles everything and raises a deferred failure, even one that
    finished while items were being settled."""
    context = RequestContext(user_id=uuid4())
    order: list[str] = []
    release_message = anyio.Event()
    release_record = anyio.Event()

    async def store_message() -> None:
        await release_message.wait()
        order.append("message")

    async def store_undo_record() -> None:
        await release_record.wait()
        raise RuntimeError("the undo record was not stored")

    context.defer(store_message(), item=True)
    context.defer(store_undo_record())

    async def store_widget() -> None:
        await context.settle(items=True)
        order.append("widget")

    async with anyio.create_task_group() as group:
        group.start_soon(store_widget)
        await anyio.sleep(0.01)
        assert order == []
        release_message.set()
    assert order == ["message", "widget"]

    release_record.set()
    await anyio.sleep(0.01)
    await context.settle(items=True)
    with pytest.raises(RuntimeError, match="undo record"):
        await context.settle()
    await context.settle()
