"""Fixtures: Redis db 0, the servicekit_test database and RSA keys for the JWT tests."""

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic_settings import BaseSettings
from redis.asyncio import Redis
from servicekit.database import create_database_if_missing

REDIS_URL = "redis://127.0.0.1:6379/0"


class TestEnvironment(BaseSettings):
    """Where the tests find PostgreSQL (TEST_DATABASE_URL overrides the default)."""

    test_database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/servicekit_test"


@pytest.fixture(scope="session")
def database_url() -> str:
    """servicekit_test, created if missing."""
    url = TestEnvironment().test_database_url
    asyncio.run(create_database_if_missing(url))
    return url


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def unused_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def other_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
