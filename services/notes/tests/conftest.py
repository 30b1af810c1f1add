"""Fixtures: the migrated test database, the app in process, signed HTTP and MCP clients."""

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from mcp import Client
from mcp.server.mcpserver import MCPServer
from notes_service.config import Settings
from notes_service.main import create_app
from notes_service.runtime import Runtime
from notes_service.server import build_server
from redis.asyncio import Redis
from servicekit.database import create_database_if_missing
from servicekit.identity import IdentitySigner
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

sys.path.insert(0, str(Path(__file__).parent))

from notes_testkit import (
    BASE_URL,
    REDIS_URL,
    TEST_KEY_ID,
    TEST_SECRET,
    Acting,
    MemoryMCP,
    SignedClient,
    UserRows,
    http_mcp_client,
    make_settings,
    memory_client,
    signed_client,
    user_rows,
)

SERVICE_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def database_url() -> str:
    """The test database (TEST_DATABASE_URL), created if missing and migrated to head."""
    default = "postgresql+asyncpg://postgres@127.0.0.1:5432/notes_test"
    url = os.environ.get("TEST_DATABASE_URL", default)
    asyncio.run(create_database_if_missing(url))
    config = Config(str(SERVICE_DIR / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")
    return url


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def signer() -> IdentitySigner:
    return IdentitySigner(TEST_KEY_ID, TEST_SECRET.encode())


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    started = create_app(settings)
    async with started.router.lifespan_context(started):
        yield started


@pytest.fixture
def runtime(app: FastAPI) -> Runtime:
    shared: Runtime = app.state.runtime
    return shared


@pytest.fixture
def acting() -> Acting:
    return Acting()


@pytest.fixture
async def http(
    app: FastAPI, signer: IdentitySigner, acting: Acting
) -> AsyncIterator[httpx2.AsyncClient]:
    async with signed_client(app, signer, acting) as client:
        yield client


@pytest.fixture
async def raw_http(app: FastAPI) -> AsyncIterator[httpx2.AsyncClient]:
    """An in-process HTTP client that signs nothing (tests set headers themselves)."""
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url=BASE_URL
    ) as client:
        yield client


@pytest.fixture
def server(settings: Settings) -> MCPServer[Runtime]:
    return build_server(settings)


@pytest.fixture
def memory_mcp(server: MCPServer[Runtime]) -> MemoryMCP:
    """Opens the in-memory MCP client for a user."""
    return lambda user: memory_client(server, user)


@pytest.fixture
def make_signed_client(app: FastAPI, signer: IdentitySigner) -> SignedClient:
    """Builds in-process HTTP clients signing for an Acting holder."""
    return lambda acting: signed_client(app, signer, acting)


@pytest.fixture(params=["memory", "http"])
async def tools(
    request: pytest.FixtureRequest,
    server: MCPServer[Runtime],
    app: FastAPI,
    signer: IdentitySigner,
    acting: Acting,
) -> AsyncIterator[Client]:
    """An MCP client acting as ``acting.user``, in memory or over signed streamable HTTP."""
    if request.param == "memory":
        async with memory_client(server, acting.user) as client:
            yield client
    else:
        async with (
            signed_client(app, signer, acting) as http,
            http_mcp_client(http) as client,
        ):
            yield client


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A separate engine for checking rows behind the service's back."""
    created = create_async_engine(database_url)
    yield created
    await created.dispose()


@pytest.fixture
def rows(engine: AsyncEngine) -> UserRows:
    """Reads every note row and event row of a user."""
    return lambda user: user_rows(engine, user)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()
