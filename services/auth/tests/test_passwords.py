"""Password hashing defaults and verification."""

import anyio
import anyio.lowlevel
import pytest
from auth_service.config import Settings
from auth_service.passwords import Passwords

pytestmark = pytest.mark.anyio


async def test_default_settings_hash_with_argon2id_at_the_rfc_9106_low_memory_profile() -> None:
    settings = Settings(environment="development")
    passwords = Passwords(
        time_cost=settings.password_time_cost,
        memory_kib=settings.password_memory_kib,
        parallelism=settings.password_parallelism,
    )

    encoded = await passwords.hash("a password")

    assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert await passwords.verify(encoded, "a password") is True
    assert await passwords.verify(encoded, "another one") is False


async def test_an_unknown_account_never_verifies() -> None:
    passwords = Passwords(time_cost=1, memory_kib=8192, parallelism=1)

    assert await passwords.verify(None, "anything") is False
    assert await passwords.verify("not-a-hash", "anything") is False


async def test_hashes_made_with_weaker_parameters_need_a_rehash() -> None:
    weak = Passwords(time_cost=1, memory_kib=8192, parallelism=1)
    strong = Passwords(time_cost=2, memory_kib=8192, parallelism=1)

    encoded = await weak.hash("a password")

    assert strong.needs_rehash(encoded) is True
    assert weak.needs_rehash(encoded) is False


async def test_no_more_hashes_run_at_once_than_the_concurrency_allows() -> None:
    passwords = Passwords(time_cost=1, memory_kib=8192, parallelism=1, concurrency=2)
    waiting: list[int] = []

    async def watch() -> None:
        with anyio.fail_after(30):
            while passwords.limiter.statistics().tasks_waiting < 3:
                await anyio.lowlevel.checkpoint()
            waiting.append(passwords.limiter.statistics().tasks_waiting)
            assert passwords.limiter.borrowed_tokens == 2

    async with anyio.create_task_group() as group:
        for index in range(5):
            group.start_soon(passwords.hash, f"password {index}")
        group.start_soon(watch)

    assert waiting == [3]
    assert passwords.limiter.borrowed_tokens == 0
