"""Revoked sessions in Redis: recorded with a lifetime, announced on one channel."""

import uuid
from collections.abc import AsyncIterator

import anyio
import pytest
from redis.asyncio import Redis
from servicekit.sessions import (
    REVOKED_SESSIONS_CHANNEL,
    RevokedSession,
    is_session_revoked,
    revoke_session,
    revoked_session_key,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url("redis://127.0.0.1:6379/2")
    yield client
    await client.aclose()


async def test_a_revoked_session_is_recorded_for_its_lifetime_and_published(redis: Redis) -> None:
    session = RevokedSession(uuid.uuid4().hex, uuid.uuid4())
    pubsub = redis.pubsub()
    await pubsub.subscribe(REVOKED_SESSIONS_CHANNEL)
    try:
        before = await is_session_revoked(redis, session.session_id)
        await revoke_session(redis, session, ttl_seconds=900)
        with anyio.fail_after(5):
            message = None
            while message is None or message["type"] != "message":
                message = await pubsub.get_message(timeout=1)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py

    assert before is False
    assert await is_session_revoked(redis, session.session_id) is True
    assert await is_session_revoked(redis, None) is False
    assert 890 <= await redis.ttl(revoked_session_key(session.session_id)) <= 900
    assert RevokedSession.from_json(message["data"]) == session
    assert RevokedSession.from_json(b"{not json") is None
