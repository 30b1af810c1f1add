"""Pytest fixtures of a record tool service under test.

A service's conftest.py loads this module (``pytest_plugins = ["servicekit.testkit.plugin"]``)
and defines one session fixture, ``tool_service``, returning its ``ToolServiceUnderTest``. The
fixtures then give the migrated test database (TEST_DATABASE_URL), the app in process, signed
HTTP and MCP clients, and readers of the rows behind the service's back.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from mcp import Client
from mcp.server.mcpserver import MCPServer
from pydantic_settings import BaseSettings
from redis.asyncio import Redis
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from servicekit.database import create_database_if_missing
from servicekit.identity import IdentitySigner
from servicekit.testkit.clients import (
    REDIS_URL,
    TEST_KEY_ID,
    TEST_SECRET,
    Acting,
    free_port,
    http_mcp_client,
    memory_client,
    signed_client,
)
from servicekit.testkit.under_test import (
    MemoryMCP,
    SignedClient,
    StartedApp,
    ToolServiceUnderTest,
    UserRows,
)
from servicekit.tool_service_settings import ToolServiceSettings


class _TestEnvironment(BaseSettings):
    test_database_url: str | None = None
    pytest_xdist_worker: str | None = None
    """Set by pytest-xdist in each worker process (gw0, gw1, ...)."""


def worker_database_url(url: str, worker: str | None) -> str:
    """``url`` with the database name suffixed by the xdist worker, if any.

    Some tests act on the whole database, as a PostgreSQL restart would (terminating every
    session of it); with one database shared by parallel workers that killed the other
    worker's connections in the middle of unrelated tests, and both workers migrated it at
    once. Each worker gets a database of its own instead.
    """
    if worker is None:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tool_service: ToolServiceUnderTest) -> str:
    """The test database (TEST_DATABASE_URL, one per xdist worker), created if missing and
    migrated to head."""
    database = tool_service.name.replace("-", "_")
    default = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}_test"
    environment = _TestEnvironment()
    url = worker_database_url(
        environment.test_database_url or default, environment.pytest_xdist_worker
    )
    asyncio.run(create_database_if_missing(url))
    config = Config(str(tool_service.service_dir / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")
    return url


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def settings(tool_service: ToolServiceUnderTest, database_url: str) -> ToolServiceSettings:
    return tool_service.make_settings(database_url)


@pytest.fixture
def signer() -> IdentitySigner:
    return IdentitySigner(TEST_KEY_ID, TEST_SECRET.encode())


@pytest.fixture
async def app(
    tool_service: ToolServiceUnderTest, settings: ToolServiceSettings
) -> AsyncIterator[FastAPI]:
    started = tool_service.create_app(settings)
    async with started.router.lifespan_context(started):
        yield started


@pytest.fixture
def runtime(app: FastAPI) -> Any:
    """The app's shared runtime (the service's ToolRuntime)."""
    return app.state.runtime


@pytest.fixture
def acting() -> Acting:
    return Acting()


@pytest.fixture
async def http(
    tool_service: ToolServiceUnderTest, app: FastAPI, signer: IdentitySigner, acting: Acting
) -> AsyncIterator[httpx2.AsyncClient]:
    async with signed_client(app, signer, acting, base_url=tool_service.base_url) as client:
        yield client


@pytest.fixture
async def raw_http(
    tool_service: ToolServiceUnderTest, app: FastAPI
) -> AsyncIterator[httpx2.AsyncClient]:
    """An in-process HTTP client that signs nothing (tests set headers themselves)."""
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app), base_url=tool_service.base_url
    ) as client:
        yield client


@pytest.fixture
async def unreachable_database_http(
    tool_service: ToolServiceUnderTest,
) -> AsyncIterator[httpx2.AsyncClient]:
    """The app with a database nothing listens on: any query would fail the request (500)."""
    down = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none"
    app = tool_service.create_app(tool_service.make_settings(down))
    async with (
        app.router.lifespan_context(app),
        httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app), base_url=tool_service.base_url
        ) as client,
    ):
        yield client


@pytest.fixture
def server(tool_service: ToolServiceUnderTest, settings: ToolServiceSettings) -> MCPServer[Any]:
    return tool_service.build_server(settings)


@pytest.fixture
def memory_mcp(server: MCPServer[Any]) -> MemoryMCP:
    """Opens the in-memory MCP client for a user."""
    return lambda user: memory_client(server, user)


@pytest.fixture
def make_signed_client(
    tool_service: ToolServiceUnderTest, app: FastAPI, signer: IdentitySigner
) -> SignedClient:
    """Builds in-process HTTP clients signing for an Acting holder."""
    return lambda acting: signed_client(app, signer, acting, base_url=tool_service.base_url)


@pytest.fixture(params=["memory", "http"])
async def tools(
    request: pytest.FixtureRequest,
    tool_service: ToolServiceUnderTest,
    server: MCPServer[Any],
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
            signed_client(app, signer, acting, base_url=tool_service.base_url) as http,
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
def rows(tool_service: ToolServiceUnderTest, engine: AsyncEngine) -> UserRows:
    """Reads every record row and event row of a user."""
    return lambda user: tool_service.user_rows(engine, user)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@pytest.fixture
def started_app(
    tool_service: ToolServiceUnderTest, database_url: str, signer: IdentitySigner, acting: Acting
) -> StartedApp:
    """Starts the app with settings overrides (``started_app(max_body_bytes=1024)``) and opens
    a client signing for ``acting.user``."""

    @asynccontextmanager
    async def start(**overrides: object) -> AsyncIterator[httpx2.AsyncClient]:
        app = tool_service.create_app(tool_service.make_settings(database_url, **overrides))
        async with (
            app.router.lifespan_context(app),
            signed_client(app, signer, acting, base_url=tool_service.base_url) as client,
        ):
            yield client

    return start
