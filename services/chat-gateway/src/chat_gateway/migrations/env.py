"""Alembic environment of chat-gateway's tables."""

from chat_gateway.chat.models import Base
from servicekit.migrations import run_migrations

run_migrations(Base.metadata, service="chat-gateway", version_table="alembic_version_chat_gateway")
