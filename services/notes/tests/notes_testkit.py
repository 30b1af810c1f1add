"""Helpers shared by the tests (fixtures live in conftest.py)."""

import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx2
from fastapi import FastAPI
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent
from notes_service.config import SERVICE, Settings
from notes_service.runtime import Runtime
from pydantic import SecretStr
from servicekit.identity import IdentitySigner, signing_hook, verified_user
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

TEST_KEY_ID = "test"
TEST_SECRET = "tool-service-test-secret-0123456789abcdef"
REDIS_URL = "redis://127.0.0.1:6379/2"
BASE_URL = f"http://{SERVICE}:8003"
API = "/api/v1/notes"


@dataclass
class Acting:
    """Whom the signing hook signs for; tests switch it between users."""

    user: UUID = field(default_factory=uuid.uuid4)


def signed_client(app: FastAPI, signer: IdentitySigner, acting: Acting) -> httpx2.AsyncClient:
    """An in-process HTTP client that signs every request for ``acting.user``."""
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app),
        base_url=BASE_URL,
        event_hooks={"request": [signing_hook(signer, lambda: acting.user)]},
    )


@asynccontextmanager
async def memory_client(server: MCPServer[Runtime], user: UUID) -> AsyncIterator[Client]:
    """The in-memory MCP client, calling as ``user`` (the verified-user context variable)."""
    token = verified_user.set(user)
    try:
        async with Client(server) as client:
            yield client
    finally:
        verified_user.reset(token)


@asynccontextmanager
async def http_mcp_client(http: httpx2.AsyncClient) -> AsyncIterator[Client]:
    """The official MCP client over streamable HTTP, through a (signing) httpx2 client."""
    async with Client(streamable_http_client(f"{BASE_URL}/mcp", http_client=http)) as client:
        yield client


async def user_rows(engine: AsyncEngine, user: UUID) -> tuple[list[Any], list[Any]]:
    """Every note row and event row of ``user``."""
    async with engine.connect() as connection:
        records = (
            await connection.execute(
                text("SELECT * FROM notes WHERE user_id = :u ORDER BY id"), {"u": user}
            )
        ).all()
        events = (
            await connection.execute(
                text("SELECT * FROM note_events WHERE user_id = :u ORDER BY version"),
                {"u": user},
            )
        ).all()
    return list(records), list(events)


def ok(result: CallToolResult) -> dict[str, Any]:
    """The structured result of a successful tool call."""
    assert result.is_error is False, result.content
    structured: dict[str, Any] | None = result.structured_content
    assert structured is not None
    return structured


def event_version(result: CallToolResult) -> int:
    """The event version a changing tool call answered with in _meta."""
    assert result.meta is not None, result
    version = result.meta["event_version"]
    assert isinstance(version, int)
    return version


def error_text(result: CallToolResult) -> str:
    """The message of a tool error."""
    assert result.is_error is True
    content = result.content[0]
    assert isinstance(content, TextContent)
    return content.text


MemoryMCP = Callable[[UUID], AbstractAsyncContextManager[Client]]
SignedClient = Callable[[Acting], httpx2.AsyncClient]
UserRows = Callable[[UUID], Awaitable[tuple[list[Any], list[Any]]]]


def make_settings(database_url: str, **overrides: object) -> Settings:
    """Test settings: the test database, Redis db 2 and a non-placeholder identity key."""
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "identity_keys": {TEST_KEY_ID: SecretStr(TEST_SECRET)},
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings.model_validate(values)


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
