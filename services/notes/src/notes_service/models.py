"""Database tables: notes, the note event log and the per-user event version counter."""

from servicekit.event_log import EventLogRow, UserVersionRow
from servicekit.record_writer import SoftDeletedRecord
from sqlalchemy import Boolean, CheckConstraint, Index, MetaData, String, Text, text
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


class Note(SoftDeletedRecord, Base):
    """One note of one user. Archived notes stay readable but leave searches unless asked
    for; id, user_id, timestamps and the soft delete come from SoftDeletedRecord
    (revert_change undoes a delete)."""

    __tablename__ = "notes"

    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    tags: Mapped[list[str]] = mapped_column(
        ARRAY(String(32)), nullable=False, server_default=text("'{}'::varchar[]")
    )
    pinned: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    archived: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")

    __table_args__ = (
        CheckConstraint("char_length(body) <= 20000", name="body_length"),
        CheckConstraint("cardinality(tags) <= 10", name="tag_count"),
        # The user's live notes in search order: pinned first, then newest change first.
        Index(
            "ix_notes_user_pinned_order",
            "user_id",
            "archived",
            text("pinned DESC"),
            text("updated_at DESC"),
            "id",
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )


class NoteEventRow(EventLogRow, Base):
    """One row of a user's note event log."""

    __tablename__ = "note_events"


class UserVersion(UserVersionRow, Base):
    """The last note event version handed out for a user."""

    __tablename__ = "note_user_versions"
