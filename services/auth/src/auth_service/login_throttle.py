"""Failed-login counters in Redis, per email and per client address."""

import hashlib
from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    """Counts failed logins in fixed windows that start at the first attempt.

    An email (stored hashed) or an address over its limit is refused until its window ends;
    a successful login clears the email's counter and does not count against the address.
    """

    redis: Redis
    window_seconds: int
    max_per_email: int
    max_per_address: int
    prefix: str = "auth:login-failures:"

    def _keys(self, email: str, address: str) -> tuple[str, str]:
        digest = hashlib.sha256(email.encode()).hexdigest()
        return f"{self.prefix}email:{digest}", f"{self.prefix}address:{address}"

    async def begin_attempt(self, email: str, address: str) -> int | None:
        """Count a login attempt; the seconds to wait when over a limit, else None.

        Attempts count as failures until ``succeeded`` is called, so a burst of parallel
        guesses cannot slip past the limit before the first failure is recorded.
        """
        email_key, address_key = self._keys(email, address)
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in (email_key, address_key):
                # SET NX EX starts the window (EXPIRE NX would need Redis 7); INCR keeps the TTL.
                pipe.set(key, 0, ex=self.window_seconds, nx=True)
                pipe.incr(key)
            pipe.ttl(email_key)
            pipe.ttl(address_key)
            _, email_count, _, address_count, email_ttl, address_ttl = await pipe.execute()
        waits = []
        if int(email_count) > self.max_per_email:
            waits.append(int(email_ttl))
        if int(address_count) > self.max_per_address:
            waits.append(int(address_ttl))
        return max(1, *waits) if waits else None

    async def succeeded(self, email: str, address: str) -> None:
        """Forget the email's failures and take this attempt off the address's count."""
        email_key, address_key = self._keys(email, address)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(email_key)
            pipe.decr(address_key)
            await pipe.execute()
