"""How task changes reach the database: one transaction per change that also appends its
events, changes of one user serialised in this process (so events are queued, and published,
in version order), and one retry on a connection that died in the pool.

The pool does not test connections before handing them out (that test costs three round
trips per checkout on asyncpg). A connection that died meanwhile (PostgreSQL restarted)
fails on first use before anything was committed; the pool then drops every older
connection and the work is retried once on a fresh one.
"""

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from servicekit.database import Database
from servicekit.event_publisher import EventPublisher
from servicekit.events import Actor, TaskEvent
from servicekit.telemetry import current_trace_id
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from mcp_tasks.task_events import PendingEvent, append_events
from mcp_tasks.task_input import utc_now

T = TypeVar("T")
C = TypeVar("C")

Change = Callable[[AsyncSession, datetime], Awaitable[tuple[T, list[PendingEvent]]]]


def _stale_connection(exc: DBAPIError, attempt: int) -> bool:
    """True when the first attempt failed because its pooled connection had died."""
    return attempt == 0 and exc.connection_invalidated


async def retried(
    open_: Callable[[], AbstractAsyncContextManager[C]], work: Callable[[C], Awaitable[T]]
) -> T:
    """Run ``work`` on what ``open_`` gives, once more on a stale connection.

    ``work`` must be safe to run twice: a read, or a write that changes nothing the
    second time.
    """
    for attempt in range(2):
        try:
            async with open_() as handle:
                return await work(handle)
        except DBAPIError as exc:
            if not _stale_connection(exc, attempt):
                raise
    raise AssertionError("unreachable")


class TaskTransactions:
    """Logged, per-user serialised changes to tasks, published after commit."""

    def __init__(self, database: Database, publisher: EventPublisher) -> None:
        self._database = database
        self._publisher = publisher
        self._user_locks: weakref.WeakValueDictionary[UUID, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def serialised(self, user_id: UUID) -> asyncio.Lock:
        """The lock every change of this user holds from its transaction to its publishing."""
        lock = self._user_locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._user_locks[user_id] = lock
        return lock

    def publish(self, user_id: UUID, events: Sequence[TaskEvent] | None) -> None:
        """Queue committed events for Redis (None: nothing new to publish)."""
        self._publisher.publish(user_id, events or ())

    async def run(self, user_id: UUID, actor: Actor, change: Change[T]) -> T:
        """Run ``change`` in a transaction that logs the events it returns; publish them."""
        async with self.serialised(user_id):
            for attempt in range(2):
                now = utc_now()
                committing = False
                try:
                    async with self._database.session() as session:
                        result, pending = await change(session, now)
                        events = await append_events(
                            session,
                            user_id,
                            pending,
                            actor=actor,
                            trace_id=current_trace_id(),
                            occurred_at=now,
                        )
                        committing = True
                    break
                except DBAPIError as exc:
                    # Only retried when it failed before COMMIT was sent: nothing was stored.
                    if committing or not _stale_connection(exc, attempt):
                        raise
            self.publish(user_id, events)
        return result
