"""Fixtures: the migrated test database, the app in process, signed HTTP and MCP clients,
and a real uvicorn server on a free port."""

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from mcp import Client
from mcp.server.mcpserver import MCPServer
from mcp_tasks.config import Settings
from mcp_tasks.main import create_app
from mcp_tasks.runtime import Runtime
from mcp_tasks.server import build_server
from redis.asyncio import Redis
from servicekit.database import create_database_if_missing
from servicekit.identity import IdentitySigner
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

sys.path.insert(0, str(Path(__file__).parent))

from mcp_tasks_testkit import (
    BASE_URL,
    REDIS_URL,
    TEST_KEY_ID,
    TEST_SECRET,
    Acting,
    MemoryMCP,
    SignedClient,
    UserRows,
    free_port,
    http_mcp_client,
    make_settings,
    memory_client,
    signed_client,
    user_rows,
)

SERVICE_DIR = Path(__file__).resolve().parents[1]


def _test_database_url() -> str:
    default = "postgresql+asyncpg://postgres@127.0.0.1:5432/mcp_tasks_test"
    return os.environ.get("TEST_DATABASE_URL", default)


@pytest.fixture(scope="session")
def database_url() -> str:
    """The test database, created if missing and migrated to head."""
    url = _test_database_url()
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
            http_mcp_client(http, f"{BASE_URL}/mcp") as client,
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
    """Reads every task row and event row of a user."""
    return lambda user: user_rows(engine, user)


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


@dataclass(frozen=True)
class LiveServer:
    """A uvicorn process serving the app."""

    base_url: str
    process: "subprocess.Popen[str]"


@pytest.fixture(scope="session")
def live_server(database_url: str) -> Iterator[LiveServer]:
    """uvicorn running ``mcp_tasks.main:create_app`` on a free port, as operators run it."""
    port = free_port()
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "MCP_TASKS_DATABASE_URL": database_url,
        "MCP_TASKS_REDIS_URL": REDIS_URL,
        "MCP_TASKS_IDENTITY_KEYS": json.dumps({TEST_KEY_ID: TEST_SECRET}),
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "mcp_tasks.main:create_app", "--factory"),
            *("--host", "127.0.0.1", "--port", str(port)),
        ],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    started = False
    for line in process.stderr:
        if "Application startup complete" in line:
            started = True
            break
    if not started:
        process.kill()
        pytest.fail(f"uvicorn did not start (exit code {process.wait()})")
    stream = process.stderr
    drain = threading.Thread(target=stream.read, daemon=True)
    drain.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        process.wait(timeout=10)
        drain.join(timeout=10)
        stream.close()
