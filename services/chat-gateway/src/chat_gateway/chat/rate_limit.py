"""Per-user limit on chat turns and widget actions: a sliding one-minute window in Redis.

Each allowed request is one member of a sorted set scored by its time in milliseconds; a
Lua script drops the members older than the window, counts the rest and adds the new one
only when it is allowed, atomically. Unlike fixed windows, no burst fits across a boundary.
"""

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID, uuid4

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60

# KEYS[1] the user's set; ARGV: limit, window ms, now ms (negative: use Redis TIME), member.
_SLIDING_WINDOW = """
local now = tonumber(ARGV[3])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2]) + window - now
"""


@dataclass(frozen=True, slots=True)
class RateDecision:
    """Whether a request may start, and when to retry if not."""

    allowed: bool
    retry_after: int = 0


class TurnRateLimiter:
    """Allows ``per_minute`` requests per user in any 60 s; lets them through while Redis is down.

    ``clock`` (seconds) replaces Redis' own clock, for tests.
    """

    def __init__(
        self,
        redis: Redis,
        *,
        per_minute: int,
        prefix: str = "chat:turns:",
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._redis = redis
        self._limit = per_minute
        self._prefix = prefix
        self._clock = clock
        self._script = redis.register_script(_SLIDING_WINDOW)

    async def check(self, user_id: UUID) -> RateDecision:
        """Count one request for the user and decide."""
        now_ms = int(self._clock() * 1000) if self._clock is not None else -1
        try:
            wait_ms = await self._script(
                keys=[f"{self._prefix}{user_id}"],
                args=[self._limit, WINDOW_SECONDS * 1000, now_ms, uuid4().hex],
            )
        except (RedisError, OSError) as exc:
            logger.warning(
                "rate limit store unavailable; allowing the request", extra={"error": repr(exc)}
            )
            return RateDecision(allowed=True)
        if int(wait_ms) <= 0:
            return RateDecision(allowed=True)
        return RateDecision(allowed=False, retry_after=max(1, math.ceil(int(wait_ms) / 1000)))
