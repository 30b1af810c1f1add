"""The request context: the user's time zone and the writes deferred beside a turn."""

from uuid import uuid4

import anyio
import pytest
from chat_gateway.chat.request_context import RequestContext, parse_timezone


@pytest.mark.parametrize("header", [None, "", "Mars/Olympus", "../../etc/passwd", "x" * 100])
def test_an_absent_or_unknown_time_zone_falls_back_to_utc(header: str | None) -> None:
    assert parse_timezone(header) == "UTC"


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
