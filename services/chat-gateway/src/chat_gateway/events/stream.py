"""One client's event stream: missed events from the log, then live ones, in version order.

A stream follows one service's events for one user: mcp-tasks' task events, or a configured
tool service's record events. The stream keeps the version of the last event it wrote. A live
event at or below it is a duplicate and is dropped; one further ahead than the next version
means pub/sub lost something, and the gap is filled from the service's durable log before
going on. When the log no longer holds
the gap, or the client cannot keep up, the client gets a ``resync`` event and the stream ends.
"""

import asyncio
import json
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from servicekit.record_events import RecordEventPage

from chat_gateway.errors import TaskServiceUnavailableError
from chat_gateway.events.hub import EventHub, GapCheck, Listener, sse_frame
from chat_gateway.events.metrics import (
    EVENT_CLIENTS,
    EVENT_DELIVERY_LAG,
    EVENT_RESYNCS,
    EVENTS_DELIVERED,
)
from chat_gateway.tasks.client import EventPage, EventsGoneError

logger = logging.getLogger(__name__)

HEARTBEAT = b": heartbeat\n\n"


class EventLog(Protocol):
    """A service's durable per-user event log: mcp-tasks' TasksClient or a RecordEventLog."""

    async def events(
        self, user_id: UUID, *, after: int, limit: int = 500
    ) -> EventPage | RecordEventPage:
        """The user's events with versions above ``after`` (at most ``limit``)."""
        ...

    async def latest_version(self, user_id: UUID) -> int:
        """The version of the user's most recent event (0 when there is none)."""
        ...


@dataclass(frozen=True, slots=True)
class StreamSettings:
    """Timings of the event stream."""

    heartbeat_seconds: float = 15.0
    subscribe_wait_seconds: float = 2.0
    retry_millis: int = 3000
    page_size: int = 500
    catch_up_retry_max_seconds: float = 5.0
    max_streams_per_user: int = 10


class _Resync(Exception):
    def __init__(self, reason: str, latest_version: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.latest_version = latest_version


def resync_frame(reason: str, latest_version: int) -> bytes:
    """The SSE frame telling the client to reload its task list."""
    data = json.dumps({"reason": reason, "latest_version": latest_version})
    return f"id: {latest_version}\nevent: resync\ndata: {data}\n\n".encode()


class EventStream:
    """The event stream of one connected client.

    ``open`` registers with the hub and waits (briefly) for the user's channel subscription,
    so that nothing committed after it returns can be missed; ``frames`` then yields SSE
    frames until the client leaves, its token expires, or a resync ends the stream. ``close``
    unregisters and is safe to call more than once.
    """

    def __init__(
        self,
        user_id: UUID,
        *,
        after: int | None,
        hub: EventHub,
        tasks: EventLog,
        settings: StreamSettings,
        expires_at: float | None = None,
        session_id: str | None = None,
        service: str | None = None,
    ) -> None:
        self._service = service
        self._user_id = user_id
        self._session_id = session_id
        self._after = after
        self._hub = hub
        self._tasks = tasks
        self._settings = settings
        self._expires_at = expires_at
        self._listener: Listener | None = None
        self._closed = False
        self.last_version = 0

    async def open(self) -> None:
        """Register for live events, then (for a fresh client) read the current version.

        Raises TaskServiceUnavailableError when a fresh client's starting version cannot be read.
        """
        self._listener = self._hub.register(self._user_id, self._session_id, self._service)
        EVENT_CLIENTS.inc()
        if self._hub.connected:
            try:
                async with asyncio.timeout(self._settings.subscribe_wait_seconds):
                    await self._listener.wait_subscribed()
            except TimeoutError:
                logger.info("event stream starts before its subscription is confirmed")
        # Otherwise Redis is away: serve the log now; the hub asks for a gap check once it is
        # back (it does so for every listener already reading the log).
        self._listener.reading_log = True
        if self._after is None:
            try:
                self.last_version = await self._tasks.latest_version(self._user_id)
            except BaseException:
                self.close()
                raise

    def end(self) -> None:
        """End the stream at its next step (the client left): ``frames`` then returns."""
        if self._listener is not None:
            self._listener.end()

    def close(self) -> None:
        """Unregister from the hub."""
        if self._closed or self._listener is None:
            return
        self._closed = True
        self._hub.discard(self._listener)
        EVENT_CLIENTS.dec()

    async def frames(self) -> AsyncGenerator[bytes]:
        """The SSE frames for this client, beginning with the reconnection delay."""
        listener = self._listener
        if listener is None:
            raise RuntimeError("EventStream.open() was not called")
        try:
            if self._after is None:
                yield f"retry: {self._settings.retry_millis}\nid: {self.last_version}\n\n".encode()
            else:
                yield f"retry: {self._settings.retry_millis}\n\n".encode()
                self.last_version = self._after
                async for frame in self._catch_up():
                    yield frame
            async for frame in self._live(listener):
                yield frame
        except _Resync as resync:
            EVENT_RESYNCS.labels(resync.reason).inc()
            yield resync_frame(resync.reason, resync.latest_version)
        finally:
            self.close()

    async def _live(self, listener: Listener) -> AsyncIterator[bytes]:
        heartbeat = self._settings.heartbeat_seconds
        while True:
            if listener.ending:
                return  # the client reconnects, to another process, with its Last-Event-ID
            if listener.overflowed:
                raise _Resync("overflow", max(listener.newest_version, self.last_version))
            wait = heartbeat
            if self._expires_at is not None:
                wait = min(wait, self._expires_at - time.time())
                if wait <= 0:
                    return  # the client reconnects with a fresh token and its Last-Event-ID
            try:
                async with asyncio.timeout(wait):
                    delivery = await listener.next()
            except TimeoutError:
                yield HEARTBEAT
                continue
            if delivery is None:
                continue  # ended or overflowed: the top of the loop says which
            if isinstance(delivery, GapCheck):
                async for frame in self._catch_up():
                    yield frame
                continue
            version = delivery.event.version
            if version <= self.last_version:
                continue
            if version > self.last_version + 1:
                async for frame in self._catch_up():
                    yield frame
                continue
            EVENT_DELIVERY_LAG.observe(
                max(0.0, (datetime.now(UTC) - delivery.event.occurred_at).total_seconds())
            )
            EVENTS_DELIVERED.labels("live").inc()
            self.last_version = version
            yield delivery.frame

    async def _catch_up(self) -> AsyncIterator[bytes]:
        """Yield every logged event after ``last_version`` up to the log's latest."""
        delay = 0.2
        while True:
            try:
                page = await self._tasks.events(
                    self._user_id, after=self.last_version, limit=self._settings.page_size
                )
            except EventsGoneError as gone:
                raise _Resync("expired", gone.latest_version) from gone
            except TaskServiceUnavailableError:
                if self._listener is not None and self._listener.ending:
                    return
                # Keep the connection (and the client's place) while mcp-tasks is away.
                yield HEARTBEAT
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._settings.catch_up_retry_max_seconds)
                continue
            if self.last_version > page.latest_version:
                raise _Resync("ahead", page.latest_version)
            for event in page.events:
                if event.version <= self.last_version:
                    continue
                if event.version != self.last_version + 1:
                    raise _Resync("gap", page.latest_version)
                EVENTS_DELIVERED.labels("log").inc()
                self.last_version = event.version
                yield sse_frame(event)
            if not page.events or self.last_version >= page.latest_version:
                return
