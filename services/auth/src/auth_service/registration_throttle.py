"""Registration counters in Redis: per client address and for the whole service."""

from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass(frozen=True, slots=True)
class RegistrationThrottle:
    """Counts registrations in fixed windows that start at the first one.

    Every attempt counts, whether the email was new or not, so the answer says nothing about
    the email; the global limit bounds how much password hashing strangers can ask for.
    """

    redis: Redis
    window_seconds: int
    max_per_address: int
    max_total: int
    prefix: str = "auth:registrations:"

    async def begin(self, address: str) -> int | None:
        """Count a registration; the seconds to wait when over a limit, else None."""
        keys = (f"{self.prefix}address:{address}", f"{self.prefix}all")
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in keys:
                pipe.set(key, 0, ex=self.window_seconds, nx=True)
                pipe.incr(key)
            for key in keys:
                pipe.ttl(key)
            _, address_count, _, total_count, address_ttl, total_ttl = await pipe.execute()
        waits = []
        if int(address_count) > self.max_per_address:
            waits.append(int(address_ttl))
        if int(total_count) > self.max_total:
            waits.append(int(total_ttl))
        return max(1, *waits) if waits else None
