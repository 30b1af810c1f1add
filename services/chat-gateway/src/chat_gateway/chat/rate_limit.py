"""Per-user limit on chat turns, counted in Redis in fixed one-minute windows."""

import logging
import time
from dataclasses import dataclass
from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


@dataclass(frozen=True, slots=True)
class RateDecision:
    """Whether a turn may start, and when to retry if not."""

    allowed: bool
    retry_after: int = 0


class TurnRateLimiter:
    """Allows ``per_minute`` turns per user; lets turns through while Redis is unreachable."""

    def __init__(self, redis: Redis, *, per_minute: int, prefix: str = "chat:turns:") -> None:
        self._redis = redis
        self._limit = per_minute
        self._prefix = prefix

    async def check(self, user_id: UUID) -> RateDecision:
        """Count one turn for the user and decide."""
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"{self._prefix}{user_id}:{window}"
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS + 5)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            logger.warning(
                "rate limit store unavailable; allowing the turn", extra={"error": repr(exc)}
            )
            return RateDecision(allowed=True)
        if int(count) <= self._limit:
            return RateDecision(allowed=True)
        retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
        return RateDecision(allowed=False, retry_after=retry_after)
