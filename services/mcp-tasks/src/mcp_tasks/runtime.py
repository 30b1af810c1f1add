"""The connections and services one process holds for its lifetime."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis.asyncio import Redis
from servicekit.database import Database
from servicekit.event_publisher import EventPublisher
from servicekit.events import user_channel
from servicekit.identity import IdentityVerifier
from sqlalchemy.exc import SQLAlchemyError

from mcp_tasks.config import Settings
from mcp_tasks.observability import EVENTS_PUBLISHED
from mcp_tasks.task_events import prune_events
from mcp_tasks.tasks import TaskService

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Runtime:
    """What the MCP tools and the REST routes share."""

    settings: Settings
    database: Database
    redis: Redis
    tasks: TaskService


def connect_redis(url: str) -> Redis:
    """A Redis client that gives up quickly, so an outage never stalls a write for long."""
    return Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=1.0)


async def prune_expired_events(runtime: Runtime) -> int:
    """Delete events older than the retention period; return how many."""
    cutoff = datetime.now(UTC) - timedelta(days=runtime.settings.event_retention_days)
    async with runtime.database.session() as session:
        return await prune_events(session, cutoff)


async def _prune_periodically(runtime: Runtime) -> None:
    while True:
        try:
            removed = await prune_expired_events(runtime)
            if removed:
                logger.info("pruned task events", extra={"removed": removed})
        except (SQLAlchemyError, OSError):
            logger.exception("pruning task events failed")
        await asyncio.sleep(runtime.settings.event_prune_interval_seconds)


@asynccontextmanager
async def open_runtime(
    settings: Settings, *, redis: Redis | None = None, prune: bool = True
) -> AsyncIterator[Runtime]:
    """Open the database (and Redis, unless given) and start pruning; close them on exit."""
    # TaskService retries work that met a dead pooled connection, so no test per checkout.
    database = Database.for_service(settings, pre_ping=False)
    await database.check_connection_budget()
    redis = redis if redis is not None else connect_redis(settings.redis_url)
    publisher = EventPublisher(redis, channel=user_channel, published=EVENTS_PUBLISHED)
    runtime = Runtime(
        settings=settings,
        database=database,
        redis=redis,
        tasks=TaskService(database, publisher),
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


def identity_verifier(runtime: Runtime) -> IdentityVerifier:
    """The verifier of X-Identity-* headers, with nonces kept in the runtime's Redis."""
    return IdentityVerifier(runtime.settings.identity_secrets(), runtime.redis)
