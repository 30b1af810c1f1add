"""Failed-login counters in Redis: per (email, address) pair, per address and per email."""

import hashlib
from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass(frozen=True, slots=True)
class LoginVerdict:
    """What the throttle decided for one attempt: refuse it, or slow it down (seconds)."""

    retry_after: int | None = None
    delay_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    """Counts failed logins in fixed windows that start at the first attempt.

    Refusals (429) only ever hit the party that failed: an (email, address) pair over its
    limit, or an address over its limit. Failures of an email from every address together
    never refuse the right password; past ``delay_after_email_failures`` they delay each
    attempt for that email, doubling from one second up to ``max_delay_seconds``, so that
    guessing one account from many addresses stays slow while its owner still gets in.
    A successful login clears the pair's and the email's counters and does not count
    against the address.
    """

    redis: Redis
    window_seconds: int
    max_per_email_and_address: int
    max_per_address: int
    delay_after_email_failures: int
    max_delay_seconds: float
    prefix: str = "auth:login-failures:"

    def _keys(self, email: str, address: str) -> tuple[str, str, str]:
        email_digest = hashlib.sha256(email.encode()).hexdigest()
        pair_digest = hashlib.sha256(f"{email}\n{address}".encode()).hexdigest()
        return (
            f"{self.prefix}pair:{pair_digest}",
            f"{self.prefix}address:{address}",
            f"{self.prefix}email:{email_digest}",
        )

    async def begin_attempt(self, email: str, address: str) -> LoginVerdict:
        """Count a login attempt and decide whether to refuse or delay it.

        Attempts count as failures until ``succeeded`` is called, so a burst of parallel
        guesses cannot slip past the limit before the first failure is recorded.
        """
        keys = self._keys(email, address)
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in keys:
                # SET NX EX starts the window (EXPIRE NX would need Redis 7); INCR keeps the TTL.
                pipe.set(key, 0, ex=self.window_seconds, nx=True)
                pipe.incr(key)
            for key in keys[:2]:
                pipe.ttl(key)
            results = await pipe.execute()
        pair_count, address_count, email_count = (int(value) for value in results[1:6:2])
        pair_ttl, address_ttl = (int(value) for value in results[6:8])
        waits = []
        if pair_count > self.max_per_email_and_address:
            waits.append(pair_ttl)
        if address_count > self.max_per_address:
            waits.append(address_ttl)
        if waits:
            return LoginVerdict(retry_after=max(1, *waits))
        earlier_failures = email_count - 1
        if earlier_failures < self.delay_after_email_failures:
            return LoginVerdict()
        doublings = min(earlier_failures - self.delay_after_email_failures, 16)
        return LoginVerdict(delay_seconds=min(self.max_delay_seconds, float(2**doublings)))

    async def succeeded(self, email: str, address: str) -> None:
        """Forget the pair's and the email's failures; take this attempt off the address's."""
        pair_key, address_key, email_key = self._keys(email, address)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(pair_key, email_key)
            pipe.decr(address_key)
            await pipe.execute()
