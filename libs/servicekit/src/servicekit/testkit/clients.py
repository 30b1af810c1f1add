"""In-process clients of a tool service under test, and reading tool results."""

import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx2
from fastapi import FastAPI
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.mcpserver import MCPServer
from mcp.types import CallToolResult, TextContent

from servicekit.identity import IdentitySigner, signing_hook, verified_user

TEST_KEY_ID = "test"
TEST_SECRET = "tool-service-test-secret-0123456789abcdef"
REDIS_URL = "redis://127.0.0.1:6379/2"


@dataclass
class Acting:
    """Whom the signing hook signs for; tests switch it between users."""

    user: UUID = field(default_factory=uuid.uuid4)


def signed_client(
    app: FastAPI, signer: IdentitySigner, acting: Acting, *, base_url: str
) -> httpx2.AsyncClient:
    """An in-process HTTP client that signs every request for ``acting.user``."""
    return httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=app),
        base_url=base_url,
        event_hooks={"request": [signing_hook(signer, lambda: acting.user)]},
    )


@asynccontextmanager
async def memory_client(server: MCPServer[Any], user: UUID) -> AsyncIterator[Client]:
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
    url = f"{http.base_url}".rstrip("/") + "/mcp"
    async with Client(streamable_http_client(url, http_client=http)) as client:
        yield client


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


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
