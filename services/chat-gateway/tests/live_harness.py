"""Real servers and clients for the dashboard task API and live event tests.

auth and mcp-tasks run as uvicorn subprocesses on free ports, each with its own database; the
gateway runs in-process under uvicorn on a free port, so responses stream over a real socket
exactly as a browser sees them.
"""

import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
import warnings
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import anyio
import httpx
import httpx2
import service_processes
import uvicorn
from chat_gateway.config import Settings
from fastapi import FastAPI
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from pydantic import SecretStr
from service_processes import ServiceProcess, start, uvicorn_app
from servicekit.identity import IdentitySigner, signing_hook

with warnings.catch_warnings():
    # openai-chatkit warns about its own widget classes at import time; not ours to fix here.
    warnings.simplefilter("ignore", DeprecationWarning)
    from chat_gateway.main import create_app

REDIS_URL = "redis://127.0.0.1:6379/3"
IDENTITY_KEY_ID = "gateway-test"
IDENTITY_SECRET = "gateway-events-test-" + secrets.token_hex(8)


def ensure_database(name: str) -> str:
    """Create database ``name`` (on the server of TEST_DATABASE_URL) if missing; its URL."""
    return asyncio.run(service_processes.ensure_database(name, os.environ.get("TEST_DATABASE_URL")))


def start_service(
    app: str,
    env: dict[str, str],
    log: Path,
    *,
    uvicorn_args: tuple[str, ...] = (),
    port: int | None = None,
) -> ServiceProcess:
    """Serve the application factory ``app`` with uvicorn (see service_processes.start)."""
    return start(uvicorn_app(app), env, log, options=uvicorn_args, port=port)


def mcp_tasks_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MCP_TASKS_IDENTITY_KEYS": json.dumps({IDENTITY_KEY_ID: IDENTITY_SECRET}),
    }


def gateway_env(mcp_tasks_url: str, auth_url: str, database_url: str) -> dict[str, str]:
    """The environment of a gateway run as its own uvicorn process (as operators run it)."""
    return {
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CHAT_GATEWAY_IDENTITY_KEY_ID": IDENTITY_KEY_ID,
        "CHAT_GATEWAY_IDENTITY_SECRET": IDENTITY_SECRET,
        "CHAT_GATEWAY_MCP_TASKS_URL": mcp_tasks_url,
        "CHAT_GATEWAY_JWKS_URL": auth_url + "/.well-known/jwks.json",
    }


@dataclass(frozen=True)
class User:
    """A registered user and a valid access token."""

    id: UUID
    token: str
    refresh_token: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Gateway:
    """The gateway served in-process by uvicorn on a free port."""

    url: str
    app: FastAPI
    settings: Settings


def gateway_settings(
    mcp_tasks_url: str, auth_url: str, database_url: str, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "identity_key_id": IDENTITY_KEY_ID,
        "identity_secret": SecretStr(IDENTITY_SECRET),
        "mcp_tasks_url": mcp_tasks_url,
        "jwks_url": auth_url + "/.well-known/jwks.json",
        **overrides,
    }
    return Settings(**values)


@asynccontextmanager
async def serve_gateway(
    settings: Settings, *, send_buffer_bytes: int | None = None
) -> AsyncIterator[Gateway]:
    """Run the gateway app under uvicorn in this event loop.

    ``send_buffer_bytes`` shrinks the kernel send buffer of every accepted connection, so a
    client that stops reading backs up into the gateway after a few frames.
    """
    app = create_app(settings)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if send_buffer_bytes is not None:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer_bytes)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    with anyio.fail_after(15):
        while not server.started:
            if task.done():
                task.result()
            await anyio.sleep(0.01)
    try:
        yield Gateway(f"http://127.0.0.1:{port}", app, settings)
    finally:
        server.should_exit = True
        with anyio.fail_after(15):
            await task
        listener.close()


GatewayFactory = Callable[..., AbstractAsyncContextManager[Gateway]]


@dataclass
class Frame:
    """One SSE block: fields as sent (id, event, data, retry); comments are collected apart."""

    id: str | None = None
    event: str | None = None
    data: str | None = None
    retry: str | None = None

    def json(self) -> Any:
        assert self.data is not None
        return json.loads(self.data)


@dataclass
class EventReader:
    """Reads SSE blocks from a streaming response."""

    response: httpx.Response
    comments: list[str] = field(default_factory=list)
    start: Frame | None = None
    _lines: AsyncIterator[str] | None = None

    async def next_frame(self) -> Frame | None:
        """The next block (fields or comments only); None at the end of the stream."""
        if self._lines is None:
            self._lines = self.response.aiter_lines()
        frame = Frame()
        seen = False
        async for line in self._lines:
            if line == "":
                if seen:
                    return frame
                continue
            if line.startswith(":"):
                self.comments.append(line[1:].strip())
                seen = True
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name in {"id", "event", "data", "retry"}:
                setattr(
                    frame,
                    name,
                    value if name != "data" or frame.data is None else frame.data + "\n" + value,
                )
                seen = True
        return frame if seen else None

    async def next_event(self) -> Frame:
        """The next block that carries data (a task event or a resync)."""
        while True:
            frame = await self.next_frame()
            assert frame is not None, "the stream ended"
            if frame.data is not None:
                return frame

    async def events(self, count: int, within: float = 10) -> list[Frame]:
        """The next ``count`` data blocks, failing after ``within`` seconds."""
        with anyio.fail_after(within):
            return [await self.next_event() for _ in range(count)]


@asynccontextmanager
async def open_events(
    gateway_url: str,
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
    path: str = "/api/v1/events",
) -> AsyncIterator[EventReader]:
    """Connect to GET ``path`` (the task events unless told); returns once the first block
    (the stream's start) arrived."""
    async with (
        httpx.AsyncClient(base_url=gateway_url, timeout=httpx.Timeout(30.0)) as client,
        client.stream("GET", path, headers=headers, params=params) as response,
    ):
        assert response.status_code == 200, (await response.aread()).decode()
        assert response.headers["content-type"].startswith("text/event-stream")
        reader = EventReader(response)
        with anyio.fail_after(10):
            first = await reader.next_frame()
        assert first is not None
        assert first.retry == "3000"
        reader.start = first
        yield reader


async def call_tool_as(
    mcp_tasks_url: str, signer: IdentitySigner, user_id: UUID, tool: str, arguments: dict[str, Any]
) -> dict[str, Any]:
    """Call an MCP tool of mcp-tasks as the chat does: streamable HTTP, signed per user."""
    async with (
        httpx2.AsyncClient(
            event_hooks={"request": [signing_hook(signer, lambda: user_id)]}
        ) as http,
        streamable_http_client(mcp_tasks_url + "/mcp", http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        result = await session.call_tool(tool, arguments)
    assert not result.is_error, result
    assert result.structured_content is not None
    return dict(result.structured_content)


@dataclass
class RedisServer:
    """A private redis-server on a free port, which a test may stop and start again."""

    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is required"
        self.process = subprocess.Popen(
            [
                *(binary, "--port", str(self.port), "--save", "", "--appendonly", "no"),
                *("--bind", "127.0.0.1", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None
