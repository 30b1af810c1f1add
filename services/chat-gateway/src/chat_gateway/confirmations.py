"""Destructive tool calls held back until the user presses Confirm (or Cancel)."""

from typing import Any, Literal
from uuid import UUID, uuid4

from servicekit.database import Database
from sqlalchemy import update

from chat_gateway.models import PendingConfirmation

ConfirmableAction = Literal["delete_task", "clear_completed"]
CONFIRMABLE: frozenset[str] = frozenset({"delete_task", "clear_completed"})


class Confirmations:
    """Pending confirmations in PostgreSQL; each resolves exactly once."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def create(
        self, user_id: UUID, thread_id: str, action: str, arguments: dict[str, Any]
    ) -> UUID:
        """Hold back one call; returns the id the Confirm and Cancel buttons carry."""
        confirmation_id = uuid4()
        async with self._db.session() as session:
            session.add(
                PendingConfirmation(
                    id=confirmation_id,
                    user_id=user_id,
                    thread_id=thread_id,
                    action=action,
                    arguments=arguments,
                    status="pending",
                )
            )
        return confirmation_id

    async def resolve(
        self,
        user_id: UUID,
        thread_id: str,
        confirmation_id: UUID,
        status: Literal["confirmed", "cancelled"],
    ) -> tuple[str, dict[str, Any]] | None:
        """Move a pending confirmation of this user and thread to ``status``.

        Returns the held-back (action, arguments), or None when it is unknown, someone
        else's, or already resolved (a second click does nothing).
        """
        async with self._db.session() as session:
            result = await session.execute(
                update(PendingConfirmation)
                .where(
                    PendingConfirmation.id == confirmation_id,
                    PendingConfirmation.user_id == user_id,
                    PendingConfirmation.thread_id == thread_id,
                    PendingConfirmation.status == "pending",
                )
                .values(status=status)
                .returning(PendingConfirmation.action, PendingConfirmation.arguments)
            )
            row = result.first()
        return (row.action, dict(row.arguments)) if row is not None else None

    async def reopen(self, user_id: UUID, confirmation_id: UUID) -> None:
        """Make a confirmed call pending again (it could not be run)."""
        async with self._db.session() as session:
            await session.execute(
                update(PendingConfirmation)
                .where(
                    PendingConfirmation.id == confirmation_id,
                    PendingConfirmation.user_id == user_id,
                )
                .values(status="pending")
            )
