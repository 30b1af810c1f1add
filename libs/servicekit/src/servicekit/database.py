"""Async SQLAlchemy on asyncpg: one engine and session factory per application lifespan."""

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Executable, Row, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import greenlet_spawn


class Database:
    """Owns the engine and the session factory; build it in a lifespan, ``dispose`` it after.

    With ``pre_ping`` (the default) the pool tests each connection before handing it out, so
    connections that died while PostgreSQL restarted are replaced before a query fails. That
    test is one round trip per checkout; code on a latency-critical path that makes many short
    checkouts may turn it off (``pre_ping=False``): a dead connection then fails one query,
    and the pool, seeing a disconnect, replaces every connection older than that failure.

    ``session()`` works in transactions; ``connection()``, ``execute()`` and ``scalar()`` run
    single statements in autocommit, on a second pool of the same size that stays empty
    until they are first used.
    """

    def __init__(
        self, url: str, *, pool_size: int = 10, pre_ping: bool = True, echo: bool = False
    ) -> None:
        options: dict[str, Any] = {
            "pool_size": pool_size,
            "max_overflow": pool_size,
            "pool_pre_ping": pre_ping,
            "pool_timeout": 5,
            "echo": echo,
            "connect_args": {"timeout": 5, "command_timeout": 30},
        }
        self.engine: AsyncEngine = create_async_engine(url, **options)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Autocommit connections come from a pool of their own (opened on first use), whose
        # connections stay in autocommit: no isolation level switched at each checkout, and no
        # transaction to roll back when one is returned.
        self._autocommit: AsyncEngine = create_async_engine(
            url,
            isolation_level="AUTOCOMMIT",
            pool_reset_on_return=None,
            pool_use_lifo=True,
            **options,
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on any error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A pooled connection in autocommit mode: each statement commits on its own.

        For work that is one statement at a time (a single INSERT ... ON CONFLICT, an UPDATE
        ... RETURNING, a SELECT): no BEGIN and COMMIT round trips around it. Statements
        run here are not atomic together; use ``session()`` when several must be.
        """
        async with self._autocommit.connect() as connection:
            yield connection

    async def execute(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[Row[*tuple[Any, ...]]]:
        """Run one statement on its own autocommit connection; returns its rows, if any.

        Same as one ``execute`` in ``connection()``, for less work per call: checkout,
        statement and return happen in one switch to SQLAlchemy's synchronous core instead
        of three, which counts on paths that make many single-statement calls.
        """
        return await greenlet_spawn(self._execute, statement, parameters)

    async def scalar(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Any:
        """Run one statement like ``execute``; the first column of its first row, or None."""
        rows = await self.execute(statement, parameters)
        return rows[0][0] if rows else None

    def _execute(
        self, statement: Executable, parameters: Mapping[str, Any] | None
    ) -> Sequence[Row[*tuple[Any, ...]]]:
        with self._autocommit.sync_engine.connect() as connection:
            result = connection.execute(statement, parameters)
            return result.all() if result.returns_rows else []

    async def ping(self) -> None:
        """Raise when the database does not answer a trivial query."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
        await self._autocommit.dispose()


async def create_database_if_missing(url: str) -> bool:
    """Create the database ``url`` names unless it exists; True when it was created.

    Connects to the server's ``postgres`` database with the same credentials. For setting up
    local stacks and test suites; production databases are provisioned by their operators.
    """
    target = make_url(url).set(drivername="postgresql+asyncpg")
    name = target.database
    if not name:
        raise ValueError("the database URL names no database")
    engine = create_async_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if exists:
                return False
            quoted = name.replace('"', '""')
            await connection.execute(text(f'CREATE DATABASE "{quoted}"'))
            return True
    finally:
        await engine.dispose()
