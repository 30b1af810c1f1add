"""Pooled connections that PostgreSQL dropped (as after a restart) cost no failed call."""

import uuid

import pytest
from mcp_tasks.runtime import Runtime
from mcp_tasks.task_listing import TaskFilters
from servicekit.testkit.under_test import UserRows
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

pytestmark = pytest.mark.anyio


async def drop_service_connections(engine: AsyncEngine) -> int:
    """Terminate every other session of the test database, as a server restart would."""
    async with engine.connect() as connection:
        terminated = await connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    return int(terminated or 0)


async def test_reads_and_writes_succeed_on_the_first_try_after_the_pooled_connections_died(
    runtime: Runtime, engine: AsyncEngine, rows: UserRows
) -> None:
    """A read, a write and a list each succeed right after the pool's connections were
    terminated, and the retried write is stored and logged exactly once."""
    user = uuid.uuid4()
    first = await runtime.domain.add_task(user, "api", title="Before the restart")

    assert await drop_service_connections(engine) >= 1
    fetched = await runtime.domain.get_task(user, first.id)
    assert fetched == first

    assert await drop_service_connections(engine) >= 1
    second = await runtime.domain.add_task(user, "api", title="After the restart")
    assert second.title == "After the restart"

    assert await drop_service_connections(engine) >= 1
    page = await runtime.domain.list_tasks(user, TaskFilters(status="all"))
    assert [task.id for task in page.tasks] == [first.id, second.id]

    tasks, events = await rows(user)
    assert sorted(task.title for task in tasks) == ["After the restart", "Before the restart"]
    assert [(event.version, event.type) for event in events] == [
        (1, "task.created"),
        (2, "task.created"),
    ]
