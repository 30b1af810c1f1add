"""Notes can be pinned and archived; searches list pinned notes first.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-02 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "notes", sa.Column("pinned", sa.Boolean(), server_default="false", nullable=False)
    )
    op.add_column(
        "notes", sa.Column("archived", sa.Boolean(), server_default="false", nullable=False)
    )
    op.drop_index("ix_notes_user_order", table_name="notes")
    op.create_index(
        "ix_notes_user_pinned_order",
        "notes",
        ["user_id", "archived", sa.text("pinned DESC"), sa.text("updated_at DESC"), "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_notes_user_pinned_order", table_name="notes")
    op.create_index(
        "ix_notes_user_order",
        "notes",
        ["user_id", "updated_at", "id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.drop_column("notes", "archived")
    op.drop_column("notes", "pinned")
