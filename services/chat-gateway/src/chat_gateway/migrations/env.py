"""Alembic environment: chat-gateway's tables, its own version table, async engine."""

import asyncio
from logging.config import fileConfig

from alembic import context
from chat_gateway.chat.models import Base
from pydantic_settings import SettingsConfigDict
from servicekit.migrations import hold_migration_lock
from servicekit.settings import ServiceSettings
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

VERSION_TABLE = "alembic_version_chat_gateway"

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


class _DatabaseSettings(ServiceSettings):
    """Only what migrations need, so they run without the service's secrets."""

    model_config = SettingsConfigDict(env_prefix="CHAT_GATEWAY_", extra="ignore")


def _url() -> str:
    configured = config.get_main_option("sqlalchemy.url")
    return configured or _DatabaseSettings().async_database_url


def _run(connection: Connection) -> None:
    hold_migration_lock(connection, "chat-gateway")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        include_name=lambda name, type_, _parent: type_ != "table" or name in Base.metadata.tables,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=Base.metadata, version_table=VERSION_TABLE)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
