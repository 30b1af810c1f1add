"""One Redis pub/sub connection per process, fanning events out to every listening stream.

A stream listens to one user's channel of one service: mcp-tasks' ``tasks:user:<id>``
(TaskEvent) or a configured tool service's ``<service>:user:<id>`` (RecordEvent).

Redis pub/sub delivers at most once: whatever is published while the connection is down is
lost. The hub therefore never claims completeness; it tells every listener when its channel
subscription is (re)established after the listener began reading the log, and the listener
fills the gap from mcp-tasks' durable event log (see event_stream).
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID

from pydantic import ValidationError
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry
from servicekit.events import TaskEvent, user_channel
from servicekit.record_events import RecordEvent, service_user_channel
from servicekit.sessions import REVOKED_SESSIONS_CHANNEL, RevokedSession
from servicekit.subjects import DEFAULT_APP, Subject

from chat_gateway.events.metrics import EVENT_HUB_RECONNECTS

logger = logging.getLogger(__name__)


AnyEvent = TaskEvent | RecordEvent


def sse_frame(event: AnyEvent) -> bytes:
    """The Server-Sent Events frame of one task or record event."""
    return f"id: {event.version}\nevent: {event.type}\ndata: {event.model_dump_json()}\n\n".encode()


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """An event received from Redis, with its SSE frame serialized once for all listeners."""

    event: AnyEvent
    frame: bytes


class GapCheck:
    """Marker: the subscription was (re)established; compare with the log before going on."""


GAP_CHECK: Final = GapCheck()

Delivery = LiveEvent | GapCheck


class Listener:
    """One stream's view of the hub: a bounded queue of deliveries for one user.

    A process holds one per open stream, thousands at a time, so it keeps only a list and, while
    the stream waits, one future (an asyncio.Queue and Events would cost a few kB each).
    """

    __slots__ = (
        "_capacity",
        "_pending",
        "_subscribed_waiter",
        "_waiter",
        "channel",
        "ending",
        "newest_version",
        "overflowed",
        "reading_log",
        "session_id",
        "subscribed",
        "user_id",
    )

    def __init__(
        self,
        user_id: UUID,
        capacity: int,
        session_id: str | None = None,
        channel: str | None = None,
    ) -> None:
        self.user_id = user_id
        self.session_id = session_id
        """The sign-in session of the stream's token: its logout ends the stream."""
        self.channel = channel or user_channel(user_id)
        self._capacity = capacity
        self._pending: list[Delivery] = []
        self._waiter: asyncio.Future[None] | None = None
        self._subscribed_waiter: asyncio.Future[None] | None = None
        self.subscribed = False
        """Whether the user's channel subscription is confirmed by Redis."""
        self.reading_log = False
        """Set by the stream before it reads the log; later confirmations then ask for a check."""
        self.overflowed = False
        self.ending = False
        """Set when the process shuts down or the client left: the stream ends when it looks."""
        self.newest_version = 0
        """The newest version offered to this listener, delivered or not."""

    def end(self) -> None:
        """Ask the stream to end; wakes it if it waits for a delivery."""
        self.ending = True
        self._wake()

    def mark_subscribed(self) -> None:
        """Note that Redis confirmed the user's channel subscription."""
        self.subscribed = True
        if self._subscribed_waiter is not None and not self._subscribed_waiter.done():
            self._subscribed_waiter.set_result(None)

    async def wait_subscribed(self) -> None:
        """Return once the user's channel subscription is confirmed."""
        if self.subscribed:
            return
        self._subscribed_waiter = asyncio.get_running_loop().create_future()
        try:
            await self._subscribed_waiter
        finally:
            self._subscribed_waiter = None

    def offer(self, delivery: Delivery) -> None:
        """Queue a delivery without ever waiting; a full queue marks the listener overflowed."""
        if isinstance(delivery, LiveEvent):
            self.newest_version = max(self.newest_version, delivery.event.version)
        if self.overflowed:
            return
        if len(self._pending) >= self._capacity:
            self.overflowed = True
        else:
            self._pending.append(delivery)
        self._wake()

    async def next(self) -> Delivery | None:
        """The oldest queued delivery, waiting for one; None once the listener overflowed or
        was ended (the stream looks at ``overflowed`` and ``ending`` to tell which).

        Cancel it (a timeout) to stop waiting; nothing is lost then.
        """
        while not self._pending:
            if self.overflowed or self.ending:
                return None
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self.overflowed or self.ending:
            return None
        # Rarely more than one or two are queued: popping the head of a list is cheap here.
        return self._pending.pop(0)

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


class EventHub:
    """Holds ONE Redis subscription connection and the per-user channels listened to.

    A user's channel is subscribed while at least one listener is registered and unsubscribed
    when the last one leaves. If the connection fails it is re-established with exponential
    backoff, every channel is subscribed again and every listener receives a GapCheck. The
    backoff stays short (at most a second by default): it bounds how long after Redis is back
    clients wait for what they missed, and one connection attempt a second costs nothing.
    """

    def __init__(
        self,
        redis_url: str,
        *,
        client_buffer: int = 256,
        reconnect_initial_seconds: float = 0.05,
        reconnect_max_seconds: float = 1.0,
        ping_interval_seconds: float = 10.0,
        record_services: tuple[str, ...] = (),
        data_domains: tuple[str, ...] = (DEFAULT_APP,),
    ) -> None:
        self._redis: Redis = Redis.from_url(
            redis_url,
            retry=Retry(NoBackoff(), 0),
            socket_connect_timeout=2.0,
            socket_keepalive=True,
        )
        self._client_buffer = client_buffer
        self._record_services = record_services
        self._data_domains = data_domains
        self._reconnect_initial = reconnect_initial_seconds
        self._reconnect_max = reconnect_max_seconds
        self._ping_interval = ping_interval_seconds
        self._listeners: dict[str, set[Listener]] = {}
        self._confirmed: set[str] = set()
        self._subscribed_on_connection: set[str] = set()
        self._dirty: set[str] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._draining = False

    @property
    def connected(self) -> bool:
        """Whether the subscription connection is currently up."""
        return self._connected.is_set()

    @property
    def channel_count(self) -> int:
        """How many user channels are listened to."""
        return len(self._listeners)

    def user_channels(self, user_id: UUID) -> list[str]:
        """Every channel of the user: tasks', then each record service's."""
        return [user_channel(user_id)] + [
            service_user_channel(service, user_id) for service in self._record_services
        ]

    def listener_count(self, user_id: UUID) -> int:
        """How many streams currently listen to the user's events (of any service)."""
        return sum(len(self._listeners.get(c, ())) for c in self.user_channels(user_id))

    async def wait_connected(self) -> None:
        """Return once the subscription connection is up."""
        await self._connected.wait()

    async def start(self) -> None:
        """Start the reader task (it connects, and reconnects, in the background)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="event-hub")

    async def stop(self) -> None:
        """Stop the reader task and close the connection."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self._redis.aclose()

    def drain(self) -> None:
        """End every stream, and any opened from now on: the process is shutting down."""
        self._draining = True
        for listeners in self._listeners.values():
            for listener in listeners:
                listener.end()

    def register(
        self, user_id: UUID, session_id: str | None = None, service: str | None = None
    ) -> Listener:
        """A new listener for the user's events (of mcp-tasks, or of the record ``service``);
        pair with ``discard``."""
        channel = service_user_channel(service, user_id) if service is not None else None
        listener = Listener(user_id, self._client_buffer, session_id, channel)
        if self._draining:
            listener.end()
        channel = listener.channel
        self._listeners.setdefault(channel, set()).add(listener)
        if channel in self._confirmed:
            listener.mark_subscribed()
        else:
            self._mark_dirty(channel)
        return listener

    @contextlib.asynccontextmanager
    async def listen(self, user_id: UUID) -> AsyncIterator[Listener]:
        """A listener registered for the duration of the block."""
        listener = self.register(user_id)
        try:
            yield listener
        finally:
            self.discard(listener)

    def discard(self, listener: Listener) -> None:
        """Remove a listener; the last one of a user unsubscribes the user's channel."""
        listeners = self._listeners.get(listener.channel)
        if listeners is None or listener not in listeners:
            return
        listeners.discard(listener)
        if not listeners:
            del self._listeners[listener.channel]
            self._mark_dirty(listener.channel)

    def _mark_dirty(self, channel: str) -> None:
        self._dirty.add(channel)
        self._wake.set()

    async def _run(self) -> None:
        delay = self._reconnect_initial
        failed_before = False
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.connect()  # type: ignore[no-untyped-call]  # untyped in redis-py
                self._subscribed_on_connection = set(self._listeners)
                self._dirty.clear()
                await pubsub.subscribe(REVOKED_SESSIONS_CHANNEL, *self._subscribed_on_connection)
                self._connected.set()
                if failed_before:
                    EVENT_HUB_RECONNECTS.inc()
                    logger.info("event subscription restored")
                delay = self._reconnect_initial
                async with asyncio.TaskGroup() as group:
                    group.create_task(self._read(pubsub))
                    group.create_task(self._send_commands(pubsub))
            except* (RedisError, OSError) as failure:
                if not failed_before or self._connected.is_set():
                    logger.warning(
                        "event subscription lost", extra={"error": repr(failure.exceptions[0])}
                    )
                failed_before = True
            except* Exception:
                # Never let the reader die: without it no stream of this process gets events.
                logger.exception("event subscription failed unexpectedly")
                failed_before = True
            finally:
                self._connected.clear()
                self._confirmed.clear()
                self._subscribed_on_connection = set()
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._reconnect_max)

    async def _send_commands(self, pubsub: PubSub) -> None:
        # One task sends every (un)subscribe so that they reach Redis in the order decided.
        while True:
            await self._wake.wait()
            self._wake.clear()
            dirty, self._dirty = self._dirty, set()
            sent = self._subscribed_on_connection
            wanted = [c for c in dirty if c in self._listeners and c not in sent]
            unwanted = [c for c in dirty if c not in self._listeners and c in sent]
            if unwanted:
                sent.difference_update(unwanted)
                self._confirmed.difference_update(unwanted)
                await pubsub.unsubscribe(*unwanted)
            if wanted:
                sent.update(wanted)
                await pubsub.subscribe(*wanted)

    async def _read(self, pubsub: PubSub) -> None:
        awaiting_pong = False
        while True:
            message = await pubsub.get_message(timeout=self._ping_interval)
            if message is None:
                if awaiting_pong:
                    raise ConnectionError("Redis did not answer a ping")
                awaiting_pong = True
                await pubsub.ping()
                continue
            awaiting_pong = False
            self._handle(message)

    def _handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        channel = _text(message.get("channel"))
        if channel is None:
            return
        if channel == REVOKED_SESSIONS_CHANNEL:
            if kind == "message":
                self._end_session(message["data"])
            return
        listeners = self._listeners.get(channel)
        if kind == "subscribe":
            if listeners:
                self._confirmed.add(channel)
                for listener in list(listeners):
                    if listener.reading_log:
                        listener.offer(GAP_CHECK)
                    listener.mark_subscribed()
        elif kind == "message" and listeners:
            model: type[AnyEvent] = TaskEvent if channel.startswith("tasks:") else RecordEvent
            try:
                event: AnyEvent = model.model_validate_json(message["data"])
            except ValidationError:
                logger.warning("ignoring a malformed event", extra={"channel": channel})
                return
            delivery = LiveEvent(event, sse_frame(event))
            for listener in list(listeners):
                listener.offer(delivery)
                if listener.overflowed:
                    self.discard(listener)

    def _end_session(self, data: str | bytes) -> None:
        revoked = RevokedSession.from_json(data)
        if revoked is None:
            logger.warning("ignoring a malformed session revocation")
            return
        # A session signs in to one app; its streams are on the user's subject in that app.
        subjects = {Subject(revoked.user_id, domain) for domain in self._data_domains}
        channels = {channel for subject in subjects for channel in self.user_channels(subject)}
        for channel in channels:
            for listener in list(self._listeners.get(channel, ())):
                if listener.session_id == revoked.session_id:
                    listener.end()


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        return value.decode()
    return value if isinstance(value, str) else None
