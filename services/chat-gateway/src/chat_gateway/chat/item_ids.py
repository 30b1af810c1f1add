"""Item ids for what a Chat Completions model streams under one placeholder id."""

from collections.abc import AsyncIterator, Callable

from chatkit.types import (
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemUpdatedEvent,
    ThreadStreamEvent,
)

FAKE_ID = "__fake_id__"


async def remap_fake_ids(
    events: AsyncIterator[ThreadStreamEvent], new_id: Callable[[], str]
) -> AsyncIterator[ThreadStreamEvent]:
    """Give every item a chat-completions model streams under the placeholder id its own id."""
    current: str | None = None
    async for event in events:
        if isinstance(event, ThreadItemAddedEvent) and event.item.id == FAKE_ID:
            current = new_id()
            event = event.model_copy(update={"item": event.item.model_copy(update={"id": current})})
        elif isinstance(event, ThreadItemUpdatedEvent) and event.item_id == FAKE_ID:
            current = current or new_id()
            event = event.model_copy(update={"item_id": current})
        elif isinstance(event, ThreadItemDoneEvent) and event.item.id == FAKE_ID:
            item_id = current or new_id()
            event = event.model_copy(update={"item": event.item.model_copy(update={"id": item_id})})
            current = None
        yield event
