"""The connections and domain service one tool-service process holds for its lifetime, and
the periodic pruning of its event log."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from prometheus_client import Counter
from redis.asyncio import Redis
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from servicekit.database import Database
from servicekit.event_publisher import EventPublisher
from servicekit.record_events import service_user_channel
from servicekit.tool_service_settings import ToolServiceSettings

logger = logging.getLogger(__name__)

SettingsT = TypeVar("SettingsT", bound=ToolServiceSettings)
DomainT = TypeVar("DomainT")


class PrunableLog(Protocol):
    """An event log whose old events the runtime deletes (servicekit's EventLog is one)."""

    async def prune(self, session: AsyncSession, older_than: datetime) -> int:
        """Delete logged events that occurred before ``older_than``; return how many."""
        ...


@dataclass(frozen=True, slots=True)
class ToolRuntime(Generic[SettingsT, DomainT]):
    """What the MCP tools and the REST routes share; ``domain`` is the service's own."""

    settings: SettingsT
    database: Database
    redis: Redis
    log: PrunableLog
    domain: DomainT

    async def prune_expired_events(self) -> int:
        """Delete events older than the retention period; return how many."""
        cutoff = datetime.now(UTC) - timedelta(days=self.settings.event_retention_days)
        async with self.database.session() as session:
            return await self.log.prune(session, cutoff)


def connect_redis(url: str) -> Redis:
    """A Redis client that gives up quickly, so an outage never stalls a write for long."""
    return Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1.0)


async def _prune_periodically(runtime: ToolRuntime[Any, Any]) -> None:
    while True:
        try:
            removed = await runtime.prune_expired_events()
            if removed:
                logger.info("pruned events", extra={"removed": removed})
        except (SQLAlchemyError, OSError):
            logger.exception("pruning events failed")
        await asyncio.sleep(runtime.settings.event_prune_interval_seconds)


@asynccontextmanager
async def open_tool_runtime(
    settings: SettingsT,
    *,
    log: PrunableLog,
    domain: Callable[[Database, EventPublisher], DomainT],
    published: Counter,
    redis: Redis | None = None,
    prune: bool = True,
    channel: Callable[[UUID], str] | None = None,
    pre_ping: bool = True,
) -> AsyncIterator[ToolRuntime[SettingsT, DomainT]]:
    """Open the database (and Redis, unless given), build the domain service over them and
    start pruning; close them on exit.

    ``published`` counts the publisher's outcomes; ``channel`` names a user's Redis channel
    (``<service>:user:<id>`` unless given); ``pre_ping`` False skips the test of a pooled
    connection at checkout, for a domain service that retries work a dead connection broke.
    """
    database = Database.for_service(settings, pre_ping=pre_ping)
    await database.check_connection_budget()
    redis = redis if redis is not None else connect_redis(settings.redis_url)
    publisher = EventPublisher(
        redis,
        channel=channel or partial(service_user_channel, settings.service_name),
        published=published,
    )
    runtime = ToolRuntime(
        settings=settings,
        database=database,
        redis=redis,
        log=log,
        domain=domain(database, publisher),
    )
    pruner = asyncio.create_task(_prune_periodically(runtime)) if prune else None
    try:
        yield runtime
    finally:
        if pruner is not None:
            pruner.cancel()
            with suppress(asyncio.CancelledError):
                await pruner
        await publisher.close()
        await redis.aclose()
        await database.dispose()
