"""The services' Alembic environment: one function each env.py calls, and the migration lock."""

import asyncio
from logging.config import fileConfig
from typing import Any

from alembic import context
from pydantic_settings import SettingsConfigDict
from sqlalchemy import MetaData, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from servicekit.settings import ServiceSettings

_LOCK = text("SELECT pg_advisory_lock(hashtext(:name))")


def hold_migration_lock(connection: Connection, service: str) -> None:
    """Wait for, then hold, the migration lock of ``service`` until ``connection`` closes.

    Every new pod runs ``alembic upgrade head`` before its server starts; pods that start
    together would otherwise both find the schema behind and race to build it (one fails on
    the tables the other created). Holding the lock, the second finds it at head and does
    nothing. The lock is PostgreSQL's session-level advisory lock: it outlives the
    transaction committed here, so Alembic opens its own as usual.
    """
    connection.execute(_LOCK, {"name": f"alembic:{service}"})
    connection.commit()


def migration_database_url(service: str) -> str:
    """The asyncpg URL the migrations of ``service`` run against, from the environment.

    <SLUG>_DATABASE_URL wins over DATABASE_URL, as in the service's own settings; nothing
    else is read, so migrations run without the service's secrets.
    """

    class _DatabaseSettings(ServiceSettings):
        model_config = SettingsConfigDict(
            env_prefix=service.upper().replace("-", "_") + "_", extra="ignore", frozen=True
        )

    return _DatabaseSettings().async_database_url


def run_migrations(metadata: MetaData, *, service: str, version_table: str) -> None:
    """Run the Alembic command in progress for ``service``: the whole body of its env.py.

    The database URL is, in order: ``config.attributes["database_url"]``, the
    ``sqlalchemy.url`` option, then the environment (``migration_database_url``). Each service
    keeps its own ``version_table`` and compares only its own tables, because the services
    may share one database. Online, the service's migration lock is held first (see
    ``hold_migration_lock``). ``config.attributes["configure_logging"] = False`` keeps the
    caller's logging untouched (tests).
    """
    config = context.config
    if config.config_file_name is not None and config.attributes.get("configure_logging", True):
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = str(
        config.attributes.get("database_url")
        or config.get_main_option("sqlalchemy.url")
        or migration_database_url(service)
    )

    def own_tables(name: str | None, type_: str, _parent: object) -> bool:
        return type_ != "table" or name in metadata.tables

    options: dict[str, Any] = {
        "target_metadata": metadata,
        "version_table": version_table,
        "include_name": own_tables,
    }
    if context.is_offline_mode():
        context.configure(
            url=url, literal_binds=True, dialect_opts={"paramstyle": "named"}, **options
        )
        with context.begin_transaction():
            context.run_migrations()
        return

    def migrate(connection: Connection) -> None:
        hold_migration_lock(connection, service)
        context.configure(connection=connection, compare_type=True, **options)
        with context.begin_transaction():
            context.run_migrations()

    async def run_online() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(migrate)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run_online())
