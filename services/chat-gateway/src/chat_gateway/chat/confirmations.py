"""Destructive tool calls held back until the user presses Confirm (or Cancel)."""

import json
from typing import Any, Literal
from uuid import UUID, uuid4

from servicekit.database import Database
from sqlalchemy import String, Text, Uuid, bindparam, insert, update

from chat_gateway.chat.models import PendingConfirmation
from chat_gateway.chat.store_statements import json_param, json_text, table

ConfirmableAction = Literal["delete_task", "clear_completed"]
CONFIRMABLE: frozenset[str] = frozenset({"delete_task", "clear_completed"})


_confirmations = table(PendingConfirmation)
_USER = bindparam("user", type_=Uuid)
_CONFIRMATION = bindparam("confirmation", type_=Uuid)

_CREATE = insert(_confirmations).values(
    id=_CONFIRMATION,
    user_id=_USER,
    thread_id=bindparam("thread", type_=Text),
    action=bindparam("action", type_=String),
    arguments=json_param("arguments"),
    status="pending",
)
_RESOLVE = (
    update(_confirmations)
    .where(
        _confirmations.c.id == _CONFIRMATION,
        _confirmations.c.user_id == _USER,
        _confirmations.c.thread_id == bindparam("thread", type_=Text),
        _confirmations.c.status == "pending",
    )
    .values(status=bindparam("status", type_=String))
    .returning(_confirmations.c.action, _confirmations.c.arguments)
)
_REOPEN = (
    update(_confirmations)
    .where(_confirmations.c.id == _CONFIRMATION, _confirmations.c.user_id == _USER)
    .values(status="pending")
)


class Confirmations:
    """Pending confirmations in PostgreSQL; each resolves exactly once."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def create(
        self, user_id: UUID, thread_id: str, action: str, arguments: dict[str, Any]
    ) -> UUID:
        """Hold back one call; returns the id the Confirm and Cancel buttons carry."""
        confirmation_id = uuid4()
        await self._database.execute(
            _CREATE,
            {
                "confirmation": confirmation_id,
                "user": user_id,
                "thread": thread_id,
                "action": action,
                "arguments": json_text(json.dumps(arguments)),
            },
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
        rows = await self._database.execute(
            _RESOLVE,
            {
                "confirmation": confirmation_id,
                "user": user_id,
                "thread": thread_id,
                "status": status,
            },
        )
        row = rows[0] if rows else None
        if row is None:
            return None
        return str(row["action"]), dict(row["arguments"])

    async def reopen(self, user_id: UUID, confirmation_id: UUID) -> None:
        """Make a confirmed call pending again (it could not be run)."""
        await self._database.execute(_REOPEN, {"confirmation": confirmation_id, "user": user_id})
