"""Database: sessions commit on success and roll back on error; ping reports outages."""

import uuid
from collections.abc import AsyncIterator

import pytest
from servicekit.database import Database, create_database_if_missing
from sqlalchemy import text
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.anyio


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url, pool_size=2)
    async with db.session() as session:
        await session.execute(
            text("CREATE TABLE IF NOT EXISTS servicekit_probe (id uuid PRIMARY KEY)")
        )
    try:
        yield db
    finally:
        await db.dispose()


async def _exists(database: Database, row_id: uuid.UUID) -> bool:
    async with database.session() as session:
        found = await session.scalar(
            text("SELECT count(*) FROM servicekit_probe WHERE id = :id"), {"id": row_id}
        )
    return bool(found == 1)


async def test_a_session_commits_when_the_block_succeeds(database: Database) -> None:
    row_id = uuid.uuid4()

    async with database.session() as session:
        await session.execute(text("INSERT INTO servicekit_probe VALUES (:id)"), {"id": row_id})

    assert await _exists(database, row_id) is True


async def test_a_session_rolls_back_when_the_block_raises(database: Database) -> None:
    row_id = uuid.uuid4()

    async def insert_then_fail() -> None:
        async with database.session() as session:
            await session.execute(text("INSERT INTO servicekit_probe VALUES (:id)"), {"id": row_id})
            raise LookupError("abort")

    with pytest.raises(LookupError):
        await insert_then_fail()

    assert await _exists(database, row_id) is False


async def test_ping_succeeds_against_a_running_database(database_url: str) -> None:
    database = Database(database_url, pool_size=1)
    try:
        await database.ping()

        assert "Current Checked out connections: 0" in database.engine.pool.status()
        assert "Connections in pool: 1" in database.engine.pool.status()
    finally:
        await database.dispose()


async def test_ping_raises_when_nothing_listens(unused_port: int) -> None:
    database = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{unused_port}/none")
    try:
        with pytest.raises(OSError, match=r"Connect call failed|refused"):
            await database.ping()
    finally:
        await database.dispose()


async def test_create_database_if_missing_creates_once_then_leaves_it(database_url: str) -> None:
    name = f"servicekit_created_{uuid.uuid4().hex[:12]}"
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    try:
        assert await create_database_if_missing(url) is True
        assert await create_database_if_missing(url) is False
        probe = Database(url, pool_size=1)
        await probe.ping()
        await probe.dispose()
    finally:
        admin = Database(
            make_url(database_url).set(database="postgres").render_as_string(hide_password=False),
            pool_size=1,
        )
        async with admin.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as c:
            await c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await admin.dispose()
