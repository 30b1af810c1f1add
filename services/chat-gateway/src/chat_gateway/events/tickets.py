"""Single-use, short-lived tickets that let EventSource connect without a token in the URL.

A ticket is issued to a caller holding a valid access token and redeemed once, within
``ttl_seconds``, by GET /api/v1/events?ticket=... . Redis stores only a hash of the ticket,
so its contents cannot be replayed from a Redis dump.
"""

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError
from servicekit.sessions import is_session_revoked
from servicekit.subjects import DEFAULT_APP

logger = logging.getLogger(__name__)

TICKET_TTL_SECONDS = 30
_MAX_TICKET_CHARS = 128


@dataclass(frozen=True, slots=True)
class TicketHolder:
    """Who a redeemed ticket was issued to, and when that user's access token expires."""

    user_id: UUID
    expires_at: int
    session_id: str | None = None
    app: str = DEFAULT_APP
    """The app whose access token the ticket was issued for."""


class EventTickets:
    """Issues and redeems event stream tickets in Redis."""

    def __init__(
        self, redis: Redis, *, ttl_seconds: int = TICKET_TTL_SECONDS, prefix: str = "events:ticket:"
    ) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._prefix = prefix

    @property
    def ttl_seconds(self) -> int:
        """How long a ticket stays redeemable."""
        return self._ttl

    def _key(self, ticket: str) -> str:
        return self._prefix + hashlib.sha256(ticket.encode()).hexdigest()

    async def issue(
        self,
        user_id: UUID,
        token_expires_at: int,
        session_id: str | None = None,
        app: str = DEFAULT_APP,
    ) -> str:
        """A new ticket for ``user_id`` in ``app``; the stream it opens ends when the token
        would, or when its session ``session_id`` is logged out."""
        ticket = secrets.token_urlsafe(32)
        value = json.dumps(
            {
                "user_id": str(user_id),
                "expires_at": token_expires_at,
                "sid": session_id,
                "app": app,
            }
        )
        await self._redis.set(self._key(ticket), value, ex=self._ttl)
        return ticket

    async def redeem(self, ticket: str) -> TicketHolder | None:
        """The holder of a valid, unused ticket (which is thereby used up), or None."""
        if not ticket or len(ticket) > _MAX_TICKET_CHARS or not ticket.isascii():
            return None
        raw = await self._redis.getdel(self._key(ticket))
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            session_id = data.get("sid")
            return TicketHolder(
                UUID(str(data["user_id"])),
                int(data["expires_at"]),
                session_id if isinstance(session_id, str) else None,
                str(data.get("app", DEFAULT_APP)),
            )
        except (ValueError, KeyError, TypeError):
            logger.warning("discarding a malformed event ticket")
            return None

    async def session_ended(self, session_id: str | None) -> bool:
        """Whether ``session_id`` was logged out; False while Redis cannot say."""
        try:
            return await is_session_revoked(self._redis, session_id)
        except (RedisError, OSError) as exc:
            logger.warning("session revocations unavailable", extra={"error": repr(exc)})
            return False
