"""PostgreSQL for the services: SQLAlchemy sessions for transactions, and single statements
run straight on asyncpg (compiled as ``asyncpg_statements`` describes)."""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Executable, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from servicekit.asyncpg_statements import (
    DRIVER_ERRORS,
    PreparedStatement,
    compile_statement,
    json_codecs,
    keep_session,
    translated_error,
)
from servicekit.settings import ServiceSettings

logger = logging.getLogger(__name__)

_POOL_TIMEOUT_SECONDS = 5
_CONNECT_TIMEOUT_SECONDS = 5
_COMMAND_TIMEOUT_SECONDS = 30
_PREPARED_LIMIT = 1024


class Database:
    """Owns PostgreSQL connections; build it in a lifespan, ``dispose`` it after.

    ``session()`` works in transactions, with SQLAlchemy's ORM. ``connection()`` is a SQLAlchemy
    connection in autocommit, for statements built per call. ``execute()`` and ``scalar()`` run
    statements defined once (module constants) in autocommit, on asyncpg connections without
    SQLAlchemy's execution layer, which costs two to three times asyncpg's own CPU per
    statement: each statement is compiled once, and its failures are raised as SQLAlchemy's
    ``DBAPIError`` (``IntegrityError`` for constraint violations), as elsewhere.

    Connections come from two pools, each opened on first use: ``session()``, ``connection()``
    and ``ping()`` share SQLAlchemy's (``pool_size`` kept open, up to ``max_overflow`` more
    under load), ``execute()`` and ``scalar()`` use asyncpg's (up to ``statement_pool_size``).
    ``max_connections`` is their sum: the most this object ever holds, which the server's
    ``max_connections`` must cover for every process (``check_connection_budget``). A caller
    that waits more than ``pool_timeout_seconds`` for a connection gets
    ``sqlalchemy.exc.TimeoutError``, which the services answer 503 with Retry-After.

    A URL ending in ``?prepared_statements=off`` is for PgBouncer in transaction mode: no
    statement is kept prepared on a connection (asyncpg's caches are off, SQLAlchemy's
    statements get unique names), since the next transaction may run on another server
    connection, and ``connection()`` and ``read_sessions`` run in a transaction instead of
    autocommit (committed at the end of the block). The parameter is taken out of the URL
    before connecting.

    With ``pre_ping`` (the default) the session pool tests each connection before handing it
    out, so connections that died while PostgreSQL restarted are replaced before a query fails.
    That test is one round trip per checkout; code on a latency-critical path that makes many
    short checkouts may turn it off (``pre_ping=False``). The statement pool never pings: a
    connection the server closed is replaced when it is next taken, and one that dies in use
    fails its statement and makes the pool replace every idle connection before their next use.
    """

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 5,
        max_overflow: int = 5,
        statement_pool_size: int = 5,
        pool_timeout_seconds: float = _POOL_TIMEOUT_SECONDS,
        pre_ping: bool = True,
        echo: bool = False,
    ) -> None:
        if pool_size < 1 or max_overflow < 0 or statement_pool_size < 0:
            raise ValueError("pool sizes must be positive (overflow and statements may be 0)")
        parsed = make_url(url)
        connect_args: dict[str, Any] = {
            "timeout": _CONNECT_TIMEOUT_SECONDS,
            "command_timeout": _COMMAND_TIMEOUT_SECONDS,
        }
        # ?prepared_statements=off: behind PgBouncer in transaction mode, where consecutive
        # transactions of one connection may run on different server connections.
        self._statement_cache_size: int | None = None
        if parsed.query.get("prepared_statements") == "off":
            parsed = parsed.difference_update_query(["prepared_statements"])
            self._statement_cache_size = 0
            connect_args |= {
                "statement_cache_size": 0,
                "prepared_statement_cache_size": 0,
                "prepared_statement_name_func": _unique_statement_name,
            }
        self.engine: AsyncEngine = create_async_engine(
            parsed,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_pre_ping=pre_ping,
            pool_timeout=pool_timeout_seconds,
            echo=echo,
            connect_args=connect_args,
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # The same pool as sessions: a separate engine would be a third pool to budget for.
        # Behind PgBouncer, SQLAlchemy's prepare and execute must share a transaction, or
        # they may run on different server connections: no autocommit there.
        self._transaction_pooling = self._statement_cache_size == 0
        self._autocommit = (
            self.engine
            if self._transaction_pooling
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self.read_sessions = async_sessionmaker(self._autocommit, expire_on_commit=False)
        """ORM sessions for reads: autocommit (a read needs no BEGIN and COMMIT round trips),
        or behind PgBouncer a transaction that ends with the session."""
        self._pool_limit = pool_size + max_overflow
        self._statement_pool_size = statement_pool_size
        self._pool_timeout = pool_timeout_seconds
        self._pool: asyncpg.Pool | None = None
        self._pool_opening = asyncio.Lock()
        self._prepared: dict[int, tuple[Executable, PreparedStatement]] = {}

    @classmethod
    def for_service(cls, settings: ServiceSettings, *, pre_ping: bool = True) -> "Database":
        """The service's database with the pool sizes of its settings (DATABASE_* budget)."""
        return cls(
            settings.async_database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            statement_pool_size=settings.database_statement_pool_size,
            pre_ping=pre_ping,
        )

    @property
    def max_connections(self) -> int:
        """The most connections this object opens at once: both pools full."""
        return self._pool_limit + self._statement_pool_size

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
        if self._transaction_pooling:
            async with self.engine.begin() as connection:
                yield connection
            return
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
        if self._statement_pool_size == 0:
            raise RuntimeError("this Database has no statement pool (statement_pool_size=0)")
        prepared = self._prepare(statement)
        values = prepared.values(parameters or {})
        pool = self._pool or await self._open_pool()
        try:
            # asyncio.timeout, not acquire's own timeout, which wraps the wait in a task.
            async with asyncio.timeout(self._pool_timeout):
                connection = await pool.acquire()
        except TimeoutError as exc:
            raise PoolTimeoutError(
                f"no database connection free within {self._pool_timeout:g} s"
            ) from exc
        except DRIVER_ERRORS as exc:
            raise translated_error(prepared.sql, exc) from exc
        try:
            return await connection.fetch(prepared.sql, *values)
        except DRIVER_ERRORS as exc:
            error = translated_error(prepared.sql, exc)
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

    def _prepare(self, statement: Executable) -> PreparedStatement:
        # The entry keeps its statement alive, so its id is not reused for another one while
        # it is cached; the bound keeps statements built per call by mistake from piling up.
        entry = self._prepared.get(id(statement))
        if entry is None:
            if len(self._prepared) >= _PREPARED_LIMIT:
                self._prepared.clear()
            entry = (statement, compile_statement(statement, self.engine))
            self._prepared[id(statement)] = entry
        return entry[1]

    async def _open_pool(self) -> asyncpg.Pool:
        async with self._pool_opening:
            if self._pool is None:
                _, options = self.engine.dialect.create_connect_args(self.engine.url)
                if self._statement_cache_size is not None:
                    options["statement_cache_size"] = self._statement_cache_size
                self._pool = await asyncpg.create_pool(
                    **options,
                    min_size=0,
                    max_size=self._statement_pool_size,
                    max_inactive_connection_lifetime=300,
                    timeout=_CONNECT_TIMEOUT_SECONDS,
                    command_timeout=_COMMAND_TIMEOUT_SECONDS,
                    init=json_codecs,
                    reset=keep_session,
                )
            return self._pool

    async def ping(self) -> None:
        """Raise when the database does not answer a trivial query."""
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def check_connection_budget(self) -> "ConnectionBudget | None":
        """Compare ``max_connections`` with what the server has left; warn when it does not fit.

        For service startup. The server's limit less its reserved slots, less the connections
        other clients hold now (other services and replicas that already opened theirs), must
        cover this object at its fullest: otherwise, under load, PostgreSQL refuses
        connections ("too many clients already"). Behind PgBouncer the figures are the
        server's, not the bouncer's. None, with a warning, when the server does not answer:
        startup goes on and readiness reports the outage.
        """
        try:
            async with self.engine.connect() as connection:
                row = (await connection.execute(_SERVER_CONNECTION_LIMITS)).one()
        except (DBAPIError, OSError) as exc:
            logger.warning("database connection budget not checked", extra={"error": repr(exc)})
            return None
        budget = ConnectionBudget(
            server_limit=int(row.max_connections) - int(row.reserved),
            held_by_others=int(row.others),
            this_process=self.max_connections,
        )
        if not budget.fits:
            logger.warning(
                "database connection budget exceeds the server's limit",
                extra={
                    "pool_connections": budget.this_process,
                    "held_by_others": budget.held_by_others,
                    "server_limit": budget.server_limit,
                },
            )
        return budget

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


@dataclass(frozen=True, slots=True)
class ConnectionBudget:
    """This process's pools at their fullest against what the server has room for."""

    server_limit: int
    held_by_others: int
    this_process: int

    @property
    def fits(self) -> bool:
        """True when the pools can fill without the server refusing a connection."""
        return self.held_by_others + self.this_process <= self.server_limit


_SERVER_CONNECTION_LIMITS = text(
    "SELECT current_setting('max_connections')::int AS max_connections,"
    " current_setting('superuser_reserved_connections')::int"
    " + coalesce(current_setting('reserved_connections', true), '0')::int AS reserved,"
    " (SELECT count(*) FROM pg_stat_activity"
    "  WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()) AS others"
)


def _unique_statement_name() -> str:
    # SQLAlchemy prepares each statement to learn its columns; behind PgBouncer a name used
    # twice could meet the first one on another client's server connection.
    return f"__asyncpg_{uuid.uuid4()}__"


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
            try:
                await connection.execute(text(f'CREATE DATABASE "{quoted}"'))
            except DBAPIError as exc:  # created meanwhile, e.g. by a parallel test worker
                if getattr(exc.orig, "sqlstate", None) not in ("42P04", "23505"):
                    raise
                return False
            return True
    finally:
        await engine.dispose()
