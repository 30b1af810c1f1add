"""What the services' Alembic environments share."""

from sqlalchemy import text
from sqlalchemy.engine import Connection

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
