"""Destructive tool calls held back until the user presses Confirm (or Cancel)."""

import json
from typing import Any, Literal
from uuid import UUID, uuid4

from chat_gateway.store import json_text

ConfirmableAction = Literal["delete_task", "clear_completed"]
CONFIRMABLE: frozenset[str] = frozenset({"delete_task", "clear_completed"})


class Confirmations:
    """Pending confirmations in PostgreSQL; each resolves exactly once."""

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    async def create(
        self, user_id: UUID, thread_id: str, action: str, arguments: dict[str, Any]
    ) -> UUID:
        """Hold back one call; returns the id the Confirm and Cancel buttons carry."""
        confirmation_id = uuid4()
        async with self._pool.acquire() as connection:
            await connection.execute(
                "INSERT INTO chat_confirmations (id, user_id, thread_id, action, arguments, status)"
                " VALUES ($1, $2, $3, $4, $5::jsonb, 'pending')",
                confirmation_id,
                user_id,
                thread_id,
                action,
                json_text(json.dumps(arguments)),
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
        async with self._pool.acquire() as connection:
            row = await connection.fetchrow(
                "UPDATE chat_confirmations SET status = $4"
                " WHERE id = $1 AND user_id = $2 AND thread_id = $3 AND status = 'pending'"
                " RETURNING action, arguments",
                confirmation_id,
                user_id,
                thread_id,
                status,
            )
        if row is None:
            return None
        return str(row["action"]), dict(json.loads(row["arguments"]))

    async def reopen(self, user_id: UUID, confirmation_id: UUID) -> None:
        """Make a confirmed call pending again (it could not be run)."""
        async with self._pool.acquire() as connection:
            await connection.execute(
                "UPDATE chat_confirmations SET status = 'pending' WHERE id = $1 AND user_id = $2",
                confirmation_id,
                user_id,
            )
