"""The app a refresh token was issued for.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every token issued before apps existed belongs to the default app.
    op.add_column(
        "refresh_tokens",
        sa.Column("app", sa.String(length=32), server_default="tasks", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("refresh_tokens", "app")
