"""Alembic environment: async migrations of the mcp-tasks tables only."""

import asyncio
from logging.config import fileConfig

from alembic import context
from mcp_tasks.config import Settings
from mcp_tasks.models import Base
from servicekit.migrations import hold_migration_lock
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

VERSION_TABLE = "alembic_version_mcp_tasks"
config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    explicit = config.get_main_option("sqlalchemy.url")
    return explicit if explicit else Settings().async_database_url


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    # The database is shared with other services: only ever compare our own tables.
    if type_ == "table":
        return name in Base.metadata.tables
    return True


def _run(connection: Connection) -> None:
    hold_migration_lock(connection, "mcp-tasks")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=_url(), target_metadata=Base.metadata, version_table=VERSION_TABLE, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
