"""Server-Sent Events in batches: ready events share a write, none waits for a later one."""

from collections.abc import AsyncIterator

import anyio
import pytest
from chat_gateway.chat.event_batches import coalesced


@pytest.mark.anyio
async def test_events_ready_together_go_in_one_write_and_a_later_one_is_not_waited_for() -> None:
    more = anyio.Event()

    async def events() -> AsyncIterator[bytes]:
        yield b"data: 1\n\n"
        yield b"data: 2\n\n"
        await more.wait()
        yield b"data: 3\n\n"

    writes = coalesced(events())
    with anyio.fail_after(5):
        assert await anext(writes) == b"data: 1\n\ndata: 2\n\n"
        more.set()
        assert [write async for write in writes] == [b"data: 3\n\n"]


@pytest.mark.anyio
async def test_a_failing_stream_writes_what_came_before_then_raises_its_error() -> None:
    async def events() -> AsyncIterator[bytes]:
        yield b"data: 1\n\n"
        raise RuntimeError("the model broke off")

    writes = coalesced(events())
    with anyio.fail_after(5):
        assert await anext(writes) == b"data: 1\n\n"
        with pytest.raises(RuntimeError, match="the model broke off"):
            await anext(writes)


@pytest.mark.anyio
async def test_a_reader_that_goes_away_cancels_the_stream_and_waits_for_its_cleanup() -> None:
    never = anyio.Event()
    cleaned_up: list[str] = []

    async def events() -> AsyncIterator[bytes]:
        try:
            yield b"data: 1\n\n"
            await never.wait()
            yield b"data: 2\n\n"
        finally:
            await anyio.sleep(0.01)
            cleaned_up.append("partial answer kept")

    writes = coalesced(events())
    with anyio.fail_after(5):
        assert await anext(writes) == b"data: 1\n\n"
        await writes.aclose()  # type: ignore[attr-defined]  # an async generator
    assert cleaned_up == ["partial answer kept"]
