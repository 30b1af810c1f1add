"""Database: sessions commit on success and roll back on error; autocommit connections;
single statements on asyncpg; ping reports outages; dead connections are replaced."""

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from servicekit.database import Database, create_database_if_missing
from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

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


async def test_each_statement_on_a_connection_commits_on_its_own(database: Database) -> None:
    first, second = uuid.uuid4(), uuid.uuid4()

    async def insert_twice_then_fail() -> None:
        async with database.connection() as connection:
            await connection.execute(
                text("INSERT INTO servicekit_probe VALUES (:id)"), {"id": first}
            )
            # Already visible to other connections: nothing waits for a COMMIT.
            assert await _exists(database, first) is True
            await connection.execute(
                text("INSERT INTO servicekit_probe VALUES (:id)"), {"id": second}
            )
            raise LookupError("abort")

    with pytest.raises(LookupError):
        await insert_twice_then_fail()

    assert await _exists(database, first) is True
    assert await _exists(database, second) is True


async def test_a_failed_statement_leaves_the_connection_usable(database: Database) -> None:
    row_id = uuid.uuid4()

    async with database.connection() as connection:
        await connection.execute(text("INSERT INTO servicekit_probe VALUES (:id)"), {"id": row_id})
        with pytest.raises(DBAPIError, match="duplicate key"):
            await connection.execute(
                text("INSERT INTO servicekit_probe VALUES (:id)"), {"id": row_id}
            )
        found = await connection.scalar(
            text("SELECT count(*) FROM servicekit_probe WHERE id = :id"), {"id": row_id}
        )

    assert found == 1


async def test_execute_runs_one_statement_that_commits_and_returns_its_rows(
    database: Database,
) -> None:
    row_id = uuid.uuid4()

    rows = await database.execute(
        text("INSERT INTO servicekit_probe VALUES (:id) RETURNING id"), {"id": row_id}
    )
    none = await database.execute(
        text("DELETE FROM servicekit_probe WHERE id = :id AND false"), {"id": row_id}
    )

    assert [tuple(row) for row in rows] == [(row_id,)]
    assert none == []
    assert await _exists(database, row_id) is True


async def test_scalar_is_the_first_value_or_none_and_errors_leave_the_pool_usable(
    database: Database,
) -> None:
    row_id = uuid.uuid4()
    await database.execute(text("INSERT INTO servicekit_probe VALUES (:id)"), {"id": row_id})

    with pytest.raises(DBAPIError, match="duplicate key"):
        await database.execute(text("INSERT INTO servicekit_probe VALUES (:id)"), {"id": row_id})
    found = await database.scalar(
        text("SELECT id FROM servicekit_probe WHERE id = :id"), {"id": row_id}
    )
    missing = await database.scalar(
        text("SELECT id FROM servicekit_probe WHERE id = :id"), {"id": uuid.uuid4()}
    )

    assert found == row_id
    assert missing is None


_INSERT_PROBE = text("INSERT INTO servicekit_probe VALUES (:id)")
_ROUND_TRIP_JSON = select(
    bindparam("body", type_=JSONB).label("body"), bindparam("note", "default note").label("note")
)
_PROBE_IN = text("SELECT id FROM servicekit_probe WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_STATEMENT_BACKEND = text("SELECT pg_backend_pid()")
_SLEEP_WITH_PID = text("SELECT pg_sleep(30) /* servicekit sleeper */")
_SLEEPER = text(
    "SELECT pid FROM pg_stat_activity"
    " WHERE query LIKE '%servicekit sleeper%' AND pid <> pg_backend_pid() LIMIT 1"
)


async def test_execute_sends_and_returns_json_and_fills_in_parameters_with_values(
    database: Database,
) -> None:
    body = {"steps": [{"tool": "delete_task"}], "n": 1}

    rows = await database.execute(_ROUND_TRIP_JSON, {"body": body})

    assert rows[0]["body"] == body
    assert rows[0]["note"] == "default note"
    with pytest.raises(KeyError, match="body"):
        await database.execute(_ROUND_TRIP_JSON, {})


async def test_execute_refuses_statements_it_cannot_compile_once(database: Database) -> None:
    with pytest.raises(ValueError, match="expanding"):
        await database.execute(_PROBE_IN, {"ids": [uuid.uuid4()]})


async def test_execute_errors_are_sqlalchemy_errors_that_do_not_list_the_parameters(
    database: Database,
) -> None:
    row_id = uuid.uuid4()
    await database.execute(_INSERT_PROBE, {"id": row_id})

    with pytest.raises(IntegrityError, match="duplicate key") as raised:
        await database.execute(_INSERT_PROBE, {"id": row_id})

    assert "parameters" not in str(raised.value)
    assert raised.value.connection_invalidated is False


async def test_a_statement_whose_connection_dies_fails_as_invalidated_then_the_next_works(
    database_url: str,
) -> None:
    database = Database(database_url, pool_size=1)
    try:
        sleeping = asyncio.create_task(database.execute(_SLEEP_WITH_PID))
        killed = await _sleeping_backend(database_url)
        await _terminate(database_url, killed)

        with pytest.raises(DBAPIError) as raised:
            await sleeping
        again = await database.scalar(_STATEMENT_BACKEND)

        assert raised.value.connection_invalidated is True
        assert again not in (None, killed)
    finally:
        await database.dispose()


async def _sleeping_backend(database_url: str) -> int:
    admin = Database(database_url, pool_size=1)
    try:
        for _ in range(100):
            pid = await admin.scalar(_SLEEPER)
            if pid is not None:
                return int(pid)
            await asyncio.sleep(0.02)
        raise AssertionError("the sleeping statement never started")
    finally:
        await admin.dispose()


async def test_execute_says_the_database_is_unreachable_when_nothing_listens(
    unused_port: int,
) -> None:
    database = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{unused_port}/none")
    try:
        with pytest.raises(DBAPIError, match=r"Connect call failed|refused") as raised:
            await database.execute(_STATEMENT_BACKEND)
        assert raised.value.connection_invalidated is True
    finally:
        await database.dispose()


async def _backend_pid(database: Database) -> int:
    async with database.connection() as connection:
        pid = await connection.scalar(text("SELECT pg_backend_pid()"))
    assert isinstance(pid, int)
    return pid


async def _terminate(database_url: str, pid: int) -> None:
    admin = Database(database_url, pool_size=1)
    try:
        async with admin.connection() as connection:
            ended = await connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert ended is True
    finally:
        await admin.dispose()


async def test_pre_ping_replaces_a_connection_the_server_closed(database_url: str) -> None:
    database = Database(database_url, pool_size=1)
    try:
        killed = await _backend_pid(database)
        await _terminate(database_url, killed)

        assert await _backend_pid(database) != killed
    finally:
        await database.dispose()


async def test_without_pre_ping_a_dead_connection_fails_once_then_is_replaced(
    database_url: str,
) -> None:
    database = Database(database_url, pool_size=1, pre_ping=False)
    try:
        killed = await _backend_pid(database)
        await _terminate(database_url, killed)

        with pytest.raises(DBAPIError):
            await _backend_pid(database)
        assert await _backend_pid(database) != killed
    finally:
        await database.dispose()


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


async def test_processes_creating_the_same_database_at_once_all_succeed_one_creates_it(
    database_url: str,
) -> None:
    name = f"servicekit_raced_{uuid.uuid4().hex[:12]}"
    url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    try:
        created = await asyncio.gather(*(create_database_if_missing(url) for _ in range(6)))

        assert sorted(created) == [False] * 5 + [True]
    finally:
        admin = Database(
            make_url(database_url).set(database="postgres").render_as_string(hide_password=False),
            pool_size=1,
        )
        async with admin.engine.execution_options(isolation_level="AUTOCOMMIT").connect() as c:
            await c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await admin.dispose()
