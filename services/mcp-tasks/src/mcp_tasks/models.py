"""Database tables: tasks, the task event log and the per-user event version counter."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    DateTime,
    Index,
    MetaData,
    String,
    Text,
    Uuid,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Tasks without a due date sort last; 'infinity' keeps that order inside one btree index.
SORT_DUE: ColumnElement[date] = literal_column("coalesce(due_date, 'infinity'::date)", Date)


class Base(DeclarativeBase):
    """Declarative base holding the service's metadata."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Task(Base):
    """One task of one user. ``deleted_at`` marks a soft delete."""

    __tablename__ = "tasks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    priority: Mapped[str] = mapped_column(String(10), nullable=False, server_default="normal")
    tags: Mapped[list[str]] = mapped_column(
        ARRAY(String(32)), nullable=False, server_default=text("'{}'::varchar[]")
    )
    completed: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        CheckConstraint("priority IN ('low', 'normal', 'high')", name="priority"),
        CheckConstraint("char_length(description) <= 5000", name="description_length"),
        CheckConstraint("cardinality(tags) <= 10", name="tag_count"),
        # Listing by status: the user's live tasks of one completion state in display order.
        Index(
            "ix_tasks_user_status_order",
            "user_id",
            "completed",
            SORT_DUE,
            "created_at",
            "id",
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # Listing every live task of the user in display order.
        Index(
            "ix_tasks_user_order",
            "user_id",
            SORT_DUE,
            "created_at",
            "id",
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )


class TaskEventRow(Base):
    """One entry of a user's task event log (also the audit trail)."""

    __tablename__ = "task_events"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    task_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    actor: Mapped[str] = mapped_column(String(16), nullable=False)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)
    trace_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )

    __table_args__ = (Index("ix_task_events_occurred_at", "occurred_at"),)


class UserVersion(Base):
    """The last event version handed out for a user; its row lock orders that user's writers."""

    __tablename__ = "task_user_versions"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
