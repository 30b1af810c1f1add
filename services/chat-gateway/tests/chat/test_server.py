"""Pure pieces of the chat server: thread titles and item ids."""

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from chat_gateway.chat.item_ids import remap_fake_ids
from chat_gateway.chat.titles import title_from
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    InferenceOptions,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTextContent,
)


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
