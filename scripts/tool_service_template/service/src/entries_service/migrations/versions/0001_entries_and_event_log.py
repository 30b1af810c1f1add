"""Entries, the entry event log and the per-user version counter.

Revision ID: 0001
Revises:
Create Date: 2026-01-01 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "tags",
            postgresql.ARRAY(sa.String(32)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("char_length(body) <= 20000", name="ck_entries_body_length"),
        sa.CheckConstraint("cardinality(tags) <= 10", name="ck_entries_tag_count"),
        sa.PrimaryKeyConstraint("id", name="pk_entries"),
    )
    op.create_index(
        "ix_entries_user_order",
        "entries",
        ["user_id", "updated_at", "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "entry_events",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(48), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("actor", sa.String(16), nullable=False),
        sa.Column("before", postgresql.JSONB(), nullable=True),
        sa.Column("after", postgresql.JSONB(), nullable=True),
        sa.Column("trace_id", sa.String(32), nullable=True),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("user_id", "version", name="pk_entry_events"),
    )
    op.create_index("ix_entry_events_occurred_at", "entry_events", ["occurred_at"])
    op.create_index(
        "ix_entry_events_user_record", "entry_events", ["user_id", "record_id", "version"]
    )
    op.create_table(
        "entry_user_versions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_entry_user_versions"),
    )


def downgrade() -> None:
    op.drop_table("entry_user_versions")
    op.drop_index("ix_entry_events_user_record", table_name="entry_events")
    op.drop_index("ix_entry_events_occurred_at", table_name="entry_events")
    op.drop_table("entry_events")
    op.drop_index("ix_entries_user_order", table_name="entries")
    op.drop_table("entries")
