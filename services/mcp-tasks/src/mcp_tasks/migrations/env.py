"""Alembic environment of the mcp-tasks tables."""

from mcp_tasks.models import Base
from servicekit.migrations import run_migrations

run_migrations(Base.metadata, service="mcp-tasks", version_table="alembic_version_mcp_tasks")
