"""A client of the live task event stream, GET /api/v1/events (Server-Sent Events)."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from .accounts import Account

EVENTS_PATH = "/api/v1/events"


@dataclass(frozen=True)
class Frame:
    """One dispatched SSE event."""

    id: str | None
    event: str
    data: str

    @property
    def payload(self) -> dict[str, Any]:
        """The decoded JSON data."""
        decoded: dict[str, Any] = json.loads(self.data)
        return decoded


class Listener:
    """Frames received on an open event stream, in arrival order."""

    def __init__(self, response: httpx.Response, frames: MemoryObjectReceiveStream[Frame]) -> None:
        self.response = response
        self._frames = frames
        self.received: list[Frame] = []

    async def next(self, within: float = 10.0) -> Frame:
        """The next frame; fails after ``within`` seconds."""
        with anyio.fail_after(within):
            frame = await self._frames.receive()
        self.received.append(frame)
        return frame

    async def task_events(self, count: int, within: float = 10.0) -> list[Frame]:
        """The next ``count`` task events (resync frames included, so a test sees them)."""
        events: list[Frame] = []
        with anyio.fail_after(within):
            while len(events) < count:
                events.append(await self.next(within))
        return events

    async def quiet_for(self, seconds: float) -> list[Frame]:
        """Frames that arrive within ``seconds`` (normally none)."""
        extra: list[Frame] = []
        with anyio.move_on_after(seconds):
            while True:
                extra.append(await self.next(seconds + 1))
        return extra


async def _pump(response: httpx.Response, sink: MemoryObjectSendStream[Frame]) -> None:
    frame_id: str | None = None
    event = "message"
    data: list[str] = []
    async with sink:
        async for line in response.aiter_lines():
            if line == "":
                if data:
                    await sink.send(Frame(frame_id, event, "\n".join(data)))
                event, data = "message", []
                continue
            if line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "id":
                frame_id = value
            elif name == "event":
                event = value
            elif name == "data":
                data.append(value)


@asynccontextmanager
async def listen(
    client: httpx.AsyncClient,
    account: Account | None,
    *,
    last_event_id: int | None = None,
    after: int | None = None,
    ticket: str | None = None,
) -> AsyncIterator[Listener]:
    """Open the event stream (bearer header, or a ticket) and collect frames in the background."""
    headers = {"Accept": "text/event-stream"}
    if account is not None:
        headers["Authorization"] = f"Bearer {account.access_token}"
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    params: dict[str, str] = {}
    if after is not None:
        params["after"] = str(after)
    if ticket is not None:
        params["ticket"] = ticket
    timeout = httpx.Timeout(10.0, read=None)
    async with client.stream(
        "GET", EVENTS_PATH, headers=headers, params=params, timeout=timeout
    ) as response:
        if response.status_code != 200:
            await response.aread()
            raise AssertionError(f"event stream refused: {response.status_code} {response.text}")
        sink, source = anyio.create_memory_object_stream[Frame](1000)
        async with anyio.create_task_group() as group:
            group.start_soon(_pump, response, sink)
            try:
                yield Listener(response, source)
            finally:
                group.cancel_scope.cancel()
                source.close()
