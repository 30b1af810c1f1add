"""The migration lock: a second migrator waits until the first one's connection closes."""

import asyncio
import uuid

import pytest
from servicekit.migrations import hold_migration_lock, migration_database_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

pytestmark = pytest.mark.anyio


async def test_a_second_migrator_waits_until_the_first_is_done(database_url: str) -> None:
    service = f"probe-{uuid.uuid4().hex}"
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        first = await engine.connect()
        await first.run_sync(hold_migration_lock, service)
        async with engine.connect() as second:
            waiting = asyncio.create_task(second.run_sync(hold_migration_lock, service))
            await asyncio.sleep(0.3)
            held_back = not waiting.done()
            await first.close()
            await asyncio.wait_for(waiting, 5)

        assert held_back
    finally:
        await engine.dispose()


async def test_services_do_not_wait_for_each_other(database_url: str) -> None:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as first, engine.connect() as second:
            await first.run_sync(hold_migration_lock, f"probe-{uuid.uuid4().hex}")
            await asyncio.wait_for(
                second.run_sync(hold_migration_lock, f"probe-{uuid.uuid4().hex}"), 5
            )
    finally:
        await engine.dispose()


def test_the_migration_url_prefers_the_service_prefixed_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@db:5432/shared")
    monkeypatch.setenv("MCP_TASKS_DATABASE_URL", "postgres://tasks@db:5432/tasks")

    assert migration_database_url("mcp-tasks") == "postgresql+asyncpg://tasks@db:5432/tasks"
    assert migration_database_url("chat-gateway") == "postgresql+asyncpg://postgres@db:5432/shared"
