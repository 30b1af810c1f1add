"""Publishing committed events on their user's Redis channel, after the commit."""

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Protocol
from uuid import UUID

from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

CLOSE_SECONDS = 2.0


class PublishedEvent(Protocol):
    """What is published: a versioned event that serialises itself (TaskEvent, RecordEvent)."""

    @property
    def version(self) -> int: ...

    def model_dump_json(self) -> str: ...


class EventPublisher:
    """Publishes committed events on their user's Redis channel, in the order handed over.

    ``publish`` only queues, so a write never waits on Redis; one task sends the queue. When
    sending fails, everything queued so far is dropped (logged and counted in ``published``
    with outcome "failed", never raised): the events stay in the log, where consumers find
    them through GET /api/v1/events.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        channel: Callable[[UUID], str],
        published: Counter,
        max_queued: int = 10_000,
    ) -> None:
        self._redis = redis
        self._channel = channel
        self._published = published
        self._queue: asyncio.Queue[tuple[str, PublishedEvent]] = asyncio.Queue(max_queued)
        self._sender: asyncio.Task[None] | None = None

    def publish(self, user_id: UUID, events: Sequence[PublishedEvent]) -> None:
        """Queue ``events`` of the user for publishing, after those queued before."""
        channel = self._channel(user_id)
        for event in events:
            try:
                self._queue.put_nowait((channel, event))
            except asyncio.QueueFull:
                self._published.labels("failed").inc()
                logger.warning(
                    "too many events waiting for Redis; they remain in the event log",
                    extra={"version": event.version},
                )
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send())

    async def close(self) -> None:
        """Send what is queued (for at most two seconds), then stop."""
        if self._sender is None:
            return
        with suppress(TimeoutError):
            async with asyncio.timeout(CLOSE_SECONDS):
                await self._queue.join()
        self._sender.cancel()
        with suppress(asyncio.CancelledError):
            await self._sender

    async def _send(self) -> None:
        while True:
            channel, event = await self._queue.get()
            try:
                await self._redis.publish(channel, event.model_dump_json())
                self._published.labels("ok").inc()
            except (RedisError, OSError) as exc:
                dropped = 1 + self._drop_queued()
                self._published.labels("failed").inc(dropped)
                logger.warning(
                    "publishing events failed; they remain in the event log",
                    extra={"version": event.version, "dropped": dropped, "error": repr(exc)},
                )
            finally:
                self._queue.task_done()

    def _drop_queued(self) -> int:
        dropped = 0
        while not self._queue.empty():
            self._queue.get_nowait()
            self._queue.task_done()
            dropped += 1
        return dropped
