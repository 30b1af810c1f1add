"""Alembic environment of the entries tables."""

from servicekit.migrations import run_migrations

from entries_service.models import Base

run_migrations(Base.metadata, service="entries", version_table="alembic_version_entries")
