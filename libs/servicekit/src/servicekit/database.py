"""PostgreSQL for the services: SQLAlchemy sessions for transactions, and single statements
run straight on asyncpg."""

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Executable, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

_POOL_TIMEOUT_SECONDS = 5
_CONNECT_TIMEOUT_SECONDS = 5
_COMMAND_TIMEOUT_SECONDS = 30
# What asyncpg raises for a failed statement or connection.
_DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)
_MISSING = object()
_PREPARED_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A statement compiled once for asyncpg: its SQL and how to order its parameters."""

    sql: str
    # Each positional parameter: its name, the value it takes when not given, and the
    # processor of its SQLAlchemy type (JSON serialisation, for instance), if any.
    parameters: tuple[tuple[str, Any, Callable[[Any], Any] | None], ...]

    def values(self, given: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, default, process in self.parameters:
            value = given.get(name, default)
            if value is _MISSING:
                raise KeyError(f"the statement needs the parameter {name!r}")
            values.append(process(value) if process is not None else value)
        return values


class Database:
    """Owns PostgreSQL connections; build it in a lifespan, ``dispose`` it after.

    ``session()`` works in transactions, with SQLAlchemy's ORM. ``connection()`` is a SQLAlchemy
    connection in autocommit, for statements built per call. ``execute()`` and ``scalar()`` run
    statements defined once (module constants) in autocommit, on asyncpg connections without
    SQLAlchemy's execution layer, which costs two to three times asyncpg's own CPU per
    statement: each statement is compiled once, and its failures are raised as SQLAlchemy's
    ``DBAPIError`` (``IntegrityError`` for constraint violations), as elsewhere. Each of the
    three has a pool of the same size, opened on first use.

    With ``pre_ping`` (the default) the session pool tests each connection before handing it
    out, so connections that died while PostgreSQL restarted are replaced before a query fails.
    That test is one round trip per checkout; code on a latency-critical path that makes many
    short checkouts may turn it off (``pre_ping=False``). The statement pool never pings: a
    connection the server closed is replaced when it is next taken, and one that dies in use
    fails its statement and makes the pool replace every idle connection before their next use.
    """

    def __init__(
        self, url: str, *, pool_size: int = 10, pre_ping: bool = True, echo: bool = False
    ) -> None:
        options: dict[str, Any] = {
            "pool_size": pool_size,
            "max_overflow": pool_size,
            "pool_pre_ping": pre_ping,
            "pool_timeout": _POOL_TIMEOUT_SECONDS,
            "echo": echo,
            "connect_args": {
                "timeout": _CONNECT_TIMEOUT_SECONDS,
                "command_timeout": _COMMAND_TIMEOUT_SECONDS,
            },
        }
        self.engine: AsyncEngine = create_async_engine(url, **options)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Autocommit connections stay in autocommit: no isolation level switched at each
        # checkout, and no transaction to roll back when one is returned.
        self._autocommit: AsyncEngine = create_async_engine(
            url,
            isolation_level="AUTOCOMMIT",
            pool_reset_on_return=None,
            pool_use_lifo=True,
            **options,
        )
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._pool_opening = asyncio.Lock()
        self._prepared: dict[int, tuple[Executable, _Prepared]] = {}

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits on success and rolls back on any error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        """A pooled SQLAlchemy connection in autocommit mode: each statement commits on its own.

        For statements built per call (filters, pages), one at a time; statements run here are
        not atomic together; use ``session()`` when several must be.
        """
        async with self._autocommit.connect() as connection:
            yield connection

    async def execute(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[asyncpg.Record]:
        """Run one statement in autocommit (it commits on its own); returns its rows, if any.

        Rows are asyncpg records: values by position or by column name (``row["id"]``). The
        statement must not change the session (SET, LISTEN, advisory locks): connections go
        back to the pool without a reset.
        """
        prepared = self._prepare(statement)
        values = prepared.values(parameters or {})
        pool = self._pool or await self._open_pool()
        try:
            # asyncio.timeout, not acquire's own timeout, which wraps the wait in a task.
            async with asyncio.timeout(_POOL_TIMEOUT_SECONDS):
                connection = await pool.acquire()
        except TimeoutError as exc:
            raise PoolTimeoutError(
                f"no database connection free within {_POOL_TIMEOUT_SECONDS} s"
            ) from exc
        except _DRIVER_ERRORS as exc:
            raise _translated(prepared.sql, exc) from exc
        try:
            return await connection.fetch(prepared.sql, *values)
        except _DRIVER_ERRORS as exc:
            error = _translated(prepared.sql, exc)
            if error.connection_invalidated:
                # The others were most likely cut off with it (a server restart).
                await pool.expire_connections()
            raise error from exc
        finally:
            await pool.release(connection)

    async def scalar(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Any:
        """Run one statement like ``execute``; the first column of its first row, or None."""
        rows = await self.execute(statement, parameters)
        return rows[0][0] if rows else None

    def _prepare(self, statement: Executable) -> _Prepared:
        # The entry keeps its statement alive, so its id is not reused for another one while
        # it is cached; the bound keeps statements built per call by mistake from piling up.
        entry = self._prepared.get(id(statement))
        if entry is None:
            if len(self._prepared) >= _PREPARED_LIMIT:
                self._prepared.clear()
            entry = (statement, _compile(statement, self.engine))
            self._prepared[id(statement)] = entry
        return entry[1]

    async def _open_pool(self) -> asyncpg.Pool:
        async with self._pool_opening:
            if self._pool is None:
                _, options = self.engine.dialect.create_connect_args(self.engine.url)
                self._pool = await asyncpg.create_pool(
                    **options,
                    min_size=0,
                    max_size=2 * self._pool_size,
                    max_inactive_connection_lifetime=300,
                    timeout=_CONNECT_TIMEOUT_SECONDS,
                    command_timeout=_COMMAND_TIMEOUT_SECONDS,
                    init=_json_codecs,
                    reset=_keep_session,
                )
            return self._pool

    async def ping(self) -> None:
        """Raise when the database does not answer a trivial query."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
        await self._autocommit.dispose()
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


def _compile(statement: Executable, engine: AsyncEngine) -> _Prepared:
    dialect = engine.dialect
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    if "POSTCOMPILE" in compiled.string:
        raise ValueError("statements with expanding (IN list) parameters are not supported")
    parameters = []
    for name in compiled.positiontup or ():
        bind = compiled.binds[name]
        default = bind.effective_value if not bind.required else _MISSING
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        parameters.append((name, default, process))
    return _Prepared(sql=compiled.string, parameters=tuple(parameters))


async def _json_codecs(connection: asyncpg.Connection) -> None:
    # As SQLAlchemy's asyncpg dialect does: JSON arrives decoded, and is sent as text that
    # the statement's type has already serialised.
    for name in ("json", "jsonb"):
        await connection.set_type_codec(
            name, encoder=str, decoder=json.loads, schema="pg_catalog", format="text"
        )


async def _keep_session(connection: asyncpg.Connection) -> None:
    # The default reset is a round trip per statement (RESET ALL, UNLISTEN *, ...) to undo
    # session state that single autocommit statements never change.
    return


def _translated(sql: str, error: BaseException) -> DBAPIError:
    """``error`` as the SQLAlchemy exception sessions raise for it (parameters left out)."""
    state = getattr(error, "sqlstate", None) or ""
    if state.startswith("23"):
        return IntegrityError(sql, None, error)
    lost = (
        state.startswith(("08", "57P"))  # connection exceptions, server shutting down
        or isinstance(error, OSError)
        or (isinstance(error, asyncpg.InterfaceError) and "closed" in str(error))
    )
    return DBAPIError(sql, None, error, connection_invalidated=lost)


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
