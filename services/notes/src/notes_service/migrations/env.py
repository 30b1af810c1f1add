"""Alembic environment of the notes tables."""

from servicekit.migrations import run_migrations

from notes_service.models import Base

run_migrations(Base.metadata, service="notes", version_table="alembic_version_notes")
