"""Argon2id password hashing, run off the event loop."""

import os
import secrets

from anyio import CapacityLimiter, to_thread
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    """Hashes and verifies passwords with argon2id (by default the RFC 9106 low-memory profile).

    Verifying against an unknown account still costs one full verification (of a hash made
    at start-up), so response times do not reveal which emails are registered. At most
    ``concurrency`` hashes or verifications run at once (default: one per core); the rest
    wait their turn, so a burst of them cannot take every core and all the memory.
    """

    def __init__(
        self,
        *,
        time_cost: int = 3,
        memory_kib: int = 65_536,
        parallelism: int = 4,
        concurrency: int | None = None,
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
        )
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))
        self.limiter = CapacityLimiter(concurrency or os.cpu_count() or 1)

    async def hash(self, password: str) -> str:
        """The encoded argon2id hash of ``password``."""
        return await to_thread.run_sync(self._hasher.hash, password, limiter=self.limiter)

    async def verify(self, encoded_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; ``None`` (no such account) verifies a dummy hash."""
        return await to_thread.run_sync(
            self._verify_sync, encoded_hash, password, limiter=self.limiter
        )

    def needs_rehash(self, encoded_hash: str) -> bool:
        """Whether the hash was made with weaker parameters than the current ones."""
        return self._hasher.check_needs_rehash(encoded_hash)

    def _verify_sync(self, encoded_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(encoded_hash or self._dummy_hash, password) and (
                encoded_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False
