"""Alembic environment of the mcp-tasks tables."""

from servicekit.migrations import run_migrations

from mcp_tasks.models import Base

run_migrations(Base.metadata, service="mcp-tasks", version_table="alembic_version_mcp_tasks")
