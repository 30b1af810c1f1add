"""Reading a tool service's event log behind its back, and its Redis channel, in tests."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID

import anyio
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from servicekit.record_events import RecordEvent, service_user_channel


@asynccontextmanager
async def subscribed(redis: Redis, service: str, user: UUID) -> AsyncIterator[PubSub]:
    """A subscription to the user's channel of ``service``."""
    pubsub = redis.pubsub()
    await pubsub.subscribe(service_user_channel(service, user))
    try:
        yield pubsub
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated


async def received(pubsub: PubSub, count: int) -> list[RecordEvent]:
    """The next ``count`` events published on the subscription (at most ten seconds)."""
    events: list[RecordEvent] = []
    with anyio.fail_after(10):
        while len(events) < count:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
            if message is not None:
                events.append(RecordEvent.model_validate_json(message["data"]))
    return events


async def logged_versions(engine: AsyncEngine, events_table: str, user: UUID) -> list[int]:
    """Every version in the user's event log, ascending."""
    async with engine.connect() as connection:
        versions = await connection.execute(
            text(f"SELECT version FROM {events_table} WHERE user_id = :u ORDER BY version"),  # noqa: S608
            {"u": user},
        )
        return list(versions.scalars())


async def age_events(
    engine: AsyncEngine, events_table: str, user: UUID, *, up_to: int, days: int
) -> None:
    """Backdate the user's events up to version ``up_to`` by ``days`` days."""
    async with engine.begin() as connection:
        await connection.execute(
            text(
                f"UPDATE {events_table} SET occurred_at = now() - make_interval(days => :d) "  # noqa: S608
                "WHERE user_id = :u AND version <= :v"
            ),
            {"d": days, "u": user, "v": up_to},
        )
