"""Revoked sign-in sessions: the contract between auth (which records them) and the services.

An access token names its session in the ``sid`` claim (auth's refresh-token family id). On
logout auth stores ``session:revoked:<sid>`` in Redis for as long as an access token of the
session may still be valid, and publishes the session on ``sessions:revoked`` so that
services can end what the session holds open (event streams).
"""

import json
from dataclasses import dataclass
from uuid import UUID

from redis.asyncio import Redis

REVOKED_SESSIONS_CHANNEL = "sessions:revoked"
_REVOKED_KEY_PREFIX = "session:revoked:"


@dataclass(frozen=True, slots=True)
class RevokedSession:
    """A session ended by logout, as published on ``REVOKED_SESSIONS_CHANNEL``."""

    session_id: str
    user_id: UUID

    def to_json(self) -> str:
        """The message published for this session."""
        return json.dumps({"sid": self.session_id, "user_id": str(self.user_id)})

    @classmethod
    def from_json(cls, data: str | bytes) -> "RevokedSession | None":
        """The session of a published message, or None when the message is malformed."""
        try:
            value = json.loads(data)
            return cls(str(value["sid"]), UUID(str(value["user_id"])))
        except (ValueError, KeyError, TypeError):
            return None


def revoked_session_key(session_id: str) -> str:
    """The Redis key marking ``session_id`` as revoked."""
    return _REVOKED_KEY_PREFIX + session_id


async def revoke_session(redis: Redis, session: RevokedSession, ttl_seconds: int) -> None:
    """Record ``session`` as revoked for ``ttl_seconds`` and announce it."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.set(revoked_session_key(session.session_id), "1", ex=ttl_seconds)
        pipe.publish(REVOKED_SESSIONS_CHANNEL, session.to_json())
        await pipe.execute()


async def is_session_revoked(redis: Redis, session_id: str | None) -> bool:
    """Whether ``session_id`` was revoked (a token without a session never is)."""
    if session_id is None:
        return False
    return bool(await redis.exists(revoked_session_key(session_id)))
