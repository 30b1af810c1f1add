"""The connection budget: what a Database may hold, the check against the server's limit, and
503 + Retry-After (never 500) when no connection can be had."""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from servicekit.database import Database
from servicekit.errors import install_problem_handlers
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

pytestmark = pytest.mark.anyio

_SELECT_ONE = text("SELECT 1")
_RUNNING = text(
    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE :marker AND pid <> pg_backend_pid()"
)
_CANCEL = text(
    "SELECT pg_cancel_backend(pid) FROM pg_stat_activity"
    " WHERE query LIKE :marker AND pid <> pg_backend_pid()"
)


def _app(database: Database) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/statement")
    async def statement() -> dict[str, int]:
        return {"value": int(await database.scalar(_SELECT_ONE))}

    @app.get("/session")
    async def session() -> dict[str, int]:
        async with database.session() as opened:
            return {"value": int(await opened.scalar(_SELECT_ONE) or 0)}

    return app


async def _get(app: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as http:
        return await http.get(path)


def test_max_connections_is_both_pools_at_their_fullest() -> None:
    database = Database(
        "postgresql+asyncpg://postgres@127.0.0.1/none",
        pool_size=3,
        max_overflow=2,
        statement_pool_size=7,
    )

    assert database.max_connections == 12


def test_a_database_without_a_statement_pool_counts_none() -> None:
    database = Database(
        "postgresql+asyncpg://postgres@127.0.0.1/none",
        pool_size=1,
        max_overflow=0,
        statement_pool_size=0,
    )

    assert database.max_connections == 1


async def test_statements_need_a_statement_pool(database_url: str) -> None:
    database = Database(database_url, pool_size=1, max_overflow=0, statement_pool_size=0)
    try:
        with pytest.raises(RuntimeError, match="no statement pool"):
            await database.execute(_SELECT_ONE)
    finally:
        await database.dispose()


async def test_a_budget_within_the_server_limit_fits_without_a_warning(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    database = Database(database_url, pool_size=1, max_overflow=0, statement_pool_size=1)
    try:
        with caplog.at_level(logging.WARNING, logger="servicekit.database"):
            budget = await database.check_connection_budget()
    finally:
        await database.dispose()

    assert budget is not None
    assert budget.fits is True
    assert budget.this_process == 2
    assert budget.server_limit > 0
    assert budget.held_by_others >= 0
    assert not caplog.records


async def test_a_budget_over_the_server_limit_is_logged_at_startup(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    database = Database(database_url, pool_size=1, max_overflow=0, statement_pool_size=100_000)
    try:
        with caplog.at_level(logging.WARNING, logger="servicekit.database"):
            budget = await database.check_connection_budget()
    finally:
        await database.dispose()

    assert budget is not None
    assert budget.fits is False
    [record] = caplog.records
    assert record.getMessage() == "database connection budget exceeds the server's limit"
    assert record.__dict__["pool_connections"] == 100_001
    assert record.__dict__["server_limit"] == budget.server_limit


@pytest.mark.parametrize("path", ["/statement", "/session"])
async def test_an_exhausted_pool_answers_503_with_retry_after(database_url: str, path: str) -> None:
    database = Database(
        database_url,
        pool_size=1,
        max_overflow=0,
        statement_pool_size=1,
        pool_timeout_seconds=0.2,
    )
    app = _app(database)
    marker = f"held_{uuid.uuid4().hex}"
    sleeper = text(f"SELECT pg_sleep(3) AS {marker}")
    # A second Database watches: inside the held transaction, pg_stat_activity would not change.
    watcher = Database(database_url, pool_size=1, max_overflow=0, statement_pool_size=1)
    try:
        async with database.session() as session:
            await session.execute(_SELECT_ONE)
            statement = asyncio.create_task(database.execute(sleeper))
            # Polls another server's state; nothing here could set an event for it.
            while not await watcher.scalar(_RUNNING, {"marker": f"%{marker}%"}):  # noqa: ASYNC110
                await asyncio.sleep(0.02)
            response = await _get(app, path)
            await watcher.execute(_CANCEL, {"marker": f"%{marker}%"})
        with pytest.raises(DBAPIError):
            await statement
    finally:
        await watcher.dispose()
        await database.dispose()

    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.headers["content-type"] == "application/problem+json"


@pytest.fixture
async def refused_url(database_url: str) -> AsyncIterator[str]:
    """A URL whose role PostgreSQL turns away: "too many connections" (SQLSTATE 53300)."""
    role = f"servicekit_full_{uuid.uuid4().hex[:10]}"
    admin = Database(database_url, pool_size=1, max_overflow=0, statement_pool_size=1)
    await admin.execute(text(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0"))
    try:
        yield make_url(database_url).set(username=role).render_as_string(hide_password=False)
    finally:
        await admin.execute(text(f"DROP ROLE {role}"))
        await admin.dispose()


@pytest.mark.parametrize("path", ["/statement", "/session"])
async def test_postgresql_refusing_a_connection_answers_503_not_500(
    refused_url: str, path: str
) -> None:
    database = Database(refused_url, pool_size=1, max_overflow=0, statement_pool_size=1)
    try:
        response = await _get(_app(database), path)
    finally:
        await database.dispose()

    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"


async def test_an_unreachable_server_is_reported_without_failing_startup(
    unused_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    database = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{unused_port}/none")
    try:
        with caplog.at_level(logging.WARNING, logger="servicekit.database"):
            budget = await database.check_connection_budget()
    finally:
        await database.dispose()

    assert budget is None
    assert [r.getMessage() for r in caplog.records] == ["database connection budget not checked"]
