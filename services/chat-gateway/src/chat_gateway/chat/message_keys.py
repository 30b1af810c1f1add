"""At most one turn per sent message: a resent copy (a network retry) is recognised by its key.

The web app puts a fresh ``message_key`` in the ``metadata`` of every ``threads.create`` and
``threads.add_user_message`` it sends, and the same key in a resend of that request. The first
request with a key runs; a later one with the same key is refused with 409 (the client then
loads the thread, which shows what the first one did). Keys are kept in Redis per user for ten
minutes; while Redis is unreachable, messages are let through.
"""

import logging
import re
from typing import Any
from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

KEY_TTL_SECONDS = 600
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class InvalidMessageKeyError(ValueError):
    """A ``message_key`` that is not 8-64 letters, digits, '-' or '_'."""


def message_key(metadata: dict[str, Any]) -> str | None:
    """The request's message key, None when it has none."""
    key = metadata.get("message_key")
    if key is None:
        return None
    if not isinstance(key, str) or not _KEY.match(key):
        raise InvalidMessageKeyError("metadata.message_key must be 8-64 letters, digits, - or _.")
    return key


async def first_delivery(redis: Redis, user_id: UUID, key: str) -> bool:
    """Record ``key`` for the user; False when it was already recorded (a resend)."""
    try:
        stored = await redis.set(f"chat:message:{user_id}:{key}", "1", nx=True, ex=KEY_TTL_SECONDS)
    except (RedisError, OSError) as exc:
        logger.warning("message keys unavailable; letting it through", extra={"error": repr(exc)})
        return True
    return bool(stored)
