"""Statements compiled once by SQLAlchemy and run straight on asyncpg: their SQL and
parameters, the connection setup they need, and their failures as SQLAlchemy's exceptions."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg
from sqlalchemy import Executable
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

# What asyncpg raises for a failed statement or connection.
DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)
_MISSING = object()


@dataclass(frozen=True, slots=True)
class PreparedStatement:
    """A statement compiled once for asyncpg: its SQL and how to order its parameters."""

    sql: str
    # Each positional parameter: its name, the value it takes when not given, and the
    # processor of its SQLAlchemy type (JSON serialisation, for instance), if any.
    parameters: tuple[tuple[str, Any, Callable[[Any], Any] | None], ...]

    def values(self, given: Mapping[str, Any]) -> list[Any]:
        """The positional values for ``given`` named parameters, processed by their types."""
        values = []
        for name, default, process in self.parameters:
            value = given.get(name, default)
            if value is _MISSING:
                raise KeyError(f"the statement needs the parameter {name!r}")
            values.append(process(value) if process is not None else value)
        return values


def compile_statement(statement: Executable, engine: AsyncEngine) -> PreparedStatement:
    """``statement`` in the SQL and parameter order asyncpg takes, for ``engine``'s dialect."""
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
    return PreparedStatement(sql=compiled.string, parameters=tuple(parameters))


async def json_codecs(connection: asyncpg.Connection) -> None:
    # As SQLAlchemy's asyncpg dialect does: JSON arrives decoded, and is sent as text that
    # the statement's type has already serialised.
    for name in ("json", "jsonb"):
        await connection.set_type_codec(
            name, encoder=str, decoder=json.loads, schema="pg_catalog", format="text"
        )


async def keep_session(connection: asyncpg.Connection) -> None:
    # The default reset is a round trip per statement (RESET ALL, UNLISTEN *, ...) to undo
    # session state that single autocommit statements never change.
    return


def translated_error(sql: str, error: BaseException) -> DBAPIError:
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
