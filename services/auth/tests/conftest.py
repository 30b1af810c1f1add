"""Fixtures: the migrated auth_test database, Redis db 1 and the app served in process."""

import asyncio
import random
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from alembic import command
from alembic.config import Config
from auth_service.config import Settings
from auth_service.keys import generate_private_key_pem
from auth_service.main import create_app
from fastapi import FastAPI
from pydantic import SecretStr
from pydantic_settings import BaseSettings
from servicekit.database import create_database_if_missing

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"
REDIS_URL = "redis://127.0.0.1:6379/1"


class TestEnvironment(BaseSettings):
    """Where the tests find PostgreSQL (TEST_DATABASE_URL overrides the default)."""

    test_database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/auth_test"


def _alembic_config(database_url: str) -> Config:
    """The service's alembic.ini pointed at ``database_url``."""
    config = Config(str(ALEMBIC_INI))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


@pytest.fixture(scope="session")
def database_url() -> str:
    """auth_test, created if missing and migrated from scratch to head."""
    url = TestEnvironment().test_database_url
    asyncio.run(create_database_if_missing(url))
    config = _alembic_config(url)
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    return url


@pytest.fixture(scope="session")
def signing_key_pem() -> str:
    """One RSA key for the whole run (generating one costs about 100 ms)."""
    return generate_private_key_pem().decode()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings(database_url: str, signing_key_pem: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=REDIS_URL,
        signing_key=SecretStr(signing_key_pem),
        signing_key_id="test-key",
        # The weakest argon2id parameters allowed keep the suite fast on a busy machine.
        password_time_cost=1,
        password_memory_kib=8192,
        password_parallelism=1,
        # Delays after many failures for one email are real seconds in production.
        max_login_delay_seconds=0.01,
        # The global registration counter outlives a run; tests that need it set their own.
        max_registrations=1_000_000,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
def alembic_config(database_url: str) -> Config:
    """The service's alembic.ini pointed at the test database."""
    return _alembic_config(database_url)


def _random_address() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


ClientFactory = Callable[[], httpx.AsyncClient]


@pytest.fixture
def client_factory(app: FastAPI) -> ClientFactory:
    """Makes in-process clients of the app, each from a client address of its own.

    Own addresses keep the per-address login counters of different tests apart.
    """

    def make() -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(_random_address(), 40000))
        return httpx.AsyncClient(transport=transport, base_url="https://auth.test")

    return make


@pytest.fixture
async def client(client_factory: ClientFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with client_factory() as http:
        yield http


@pytest.fixture
def email_factory() -> Callable[[], str]:
    return lambda: f"user-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def email(email_factory: Callable[[], str]) -> str:
    return email_factory()


@pytest.fixture
def tmp_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path
