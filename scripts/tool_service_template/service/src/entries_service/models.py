"""Database tables: entries, the entry event log and the per-user event version
counter."""

from servicekit.event_log import EventLogRow, UserVersionRow
from servicekit.record_writer import SoftDeletedRecord
from sqlalchemy import CheckConstraint, Index, MetaData, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base holding the service's metadata."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Entry(SoftDeletedRecord, Base):
    """One entry of one user (id, user_id, timestamps and the soft delete come from
    SoftDeletedRecord; revert_change undoes a delete)."""

    __tablename__ = "entries"

    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    tags: Mapped[list[str]] = mapped_column(
        ARRAY(String(32)), nullable=False, server_default=text("'{}'::varchar[]")
    )

    __table_args__ = (
        CheckConstraint("char_length(body) <= 20000", name="body_length"),
        CheckConstraint("cardinality(tags) <= 10", name="tag_count"),
        # The user's live entries, newest change first.
        Index(
            "ix_entries_user_order",
            "user_id",
            "updated_at",
            "id",
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )


class EntryEventRow(EventLogRow, Base):
    """One row of a user's entry event log."""

    __tablename__ = "entry_events"


class UserVersion(UserVersionRow, Base):
    """The last entry event version handed out for a user."""

    __tablename__ = "entry_user_versions"
