"""The per-user turn limit is a sliding window in Redis: no burst fits across a boundary."""

from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from chat_gateway.chat.rate_limit import TurnRateLimiter
from live_harness import REDIS_URL
from redis.asyncio import Redis

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def test_a_burst_across_a_minute_boundary_is_refused(redis: Redis) -> None:
    clock = Clock(1_800_000_059.5)
    limiter = TurnRateLimiter(redis, per_minute=3, clock=clock)
    user = uuid4()

    before = [await limiter.check(user) for _ in range(3)]
    clock.now = 1_800_000_060.5
    after = [await limiter.check(user) for _ in range(3)]

    assert [decision.allowed for decision in before] == [True, True, True]
    assert [decision.allowed for decision in after] == [False, False, False]
    assert all(1 <= decision.retry_after <= 60 for decision in after)


async def test_turns_are_allowed_again_once_the_oldest_leaves_the_window(redis: Redis) -> None:
    clock = Clock(1_800_000_000.0)
    limiter = TurnRateLimiter(redis, per_minute=2, clock=clock)
    user = uuid4()

    first = await limiter.check(user)
    clock.now += 30
    second = await limiter.check(user)
    refused = await limiter.check(user)
    clock.now += 30.5
    third = await limiter.check(user)
    refused_again = await limiter.check(user)

    assert (first.allowed, second.allowed, third.allowed) == (True, True, True)
    assert (refused.allowed, refused.retry_after) == (False, 30)
    assert (refused_again.allowed, refused_again.retry_after) == (False, 30)


async def test_without_an_injected_clock_the_window_uses_redis_time(redis: Redis) -> None:
    limiter = TurnRateLimiter(redis, per_minute=1)
    user = uuid4()

    assert (await limiter.check(user)).allowed is True
    refused = await limiter.check(user)

    assert refused.allowed is False
    assert 59 <= refused.retry_after <= 60
