"""Tasks, the task event log and the per-user version counter.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SORT_DUE = sa.text("coalesce(due_date, 'infinity'::date)")


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("priority", sa.String(10), server_default="normal", nullable=False),
        sa.Column(
            "tags",
            postgresql.ARRAY(sa.String(32)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column("completed", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("priority IN ('low', 'normal', 'high')", name="ck_tasks_priority"),
        sa.CheckConstraint("char_length(description) <= 5000", name="ck_tasks_description_length"),
        sa.CheckConstraint("cardinality(tags) <= 10", name="ck_tasks_tag_count"),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
    )
    op.create_index(
        "ix_tasks_user_status_order",
        "tasks",
        ["user_id", "completed", SORT_DUE, "created_at", "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_tasks_user_order",
        "tasks",
        ["user_id", SORT_DUE, "created_at", "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "task_events",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("actor", sa.String(16), nullable=False),
        sa.Column("before", postgresql.JSONB(), nullable=True),
        sa.Column("after", postgresql.JSONB(), nullable=True),
        sa.Column("trace_id", sa.String(32), nullable=True),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("user_id", "version", name="pk_task_events"),
    )
    op.create_index("ix_task_events_occurred_at", "task_events", ["occurred_at"])
    op.create_table(
        "task_user_versions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_task_user_versions"),
    )


def downgrade() -> None:
    op.drop_table("task_user_versions")
    op.drop_index("ix_task_events_occurred_at", table_name="task_events")
    op.drop_table("task_events")
    op.drop_index("ix_tasks_user_order", table_name="tasks")
    op.drop_index("ix_tasks_user_status_order", table_name="tasks")
    op.drop_table("tasks")
