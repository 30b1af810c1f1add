"""Alembic environment of the auth tables."""

from servicekit.migrations import run_migrations

from auth_service.models import Base

run_migrations(Base.metadata, service="auth", version_table="alembic_version_auth_service")
