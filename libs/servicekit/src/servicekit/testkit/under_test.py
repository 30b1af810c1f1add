"""The service a test run checks, and the types of the kit's fixtures."""

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx2
from fastapi import FastAPI
from mcp import Client
from mcp.server.mcpserver import MCPServer
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from servicekit.testkit.clients import REDIS_URL, TEST_KEY_ID, TEST_SECRET, Acting
from servicekit.tool_service_settings import ToolServiceSettings

MemoryMCP = Callable[[UUID], AbstractAsyncContextManager[Client]]
SignedClient = Callable[[Acting], httpx2.AsyncClient]
UserRows = Callable[[UUID], Awaitable[tuple[list[Any], list[Any]]]]


@dataclass(frozen=True)
class ToolServiceUnderTest:
    """What the fixtures need of a service: its factories, folder and table names."""

    name: str
    port: int
    settings: type[ToolServiceSettings]
    create_app: Callable[[Any], FastAPI]
    build_server: Callable[[Any], MCPServer[Any]]
    service_dir: Path
    """The folder holding alembic.ini."""
    records_table: str
    events_table: str

    @property
    def base_url(self) -> str:
        """The in-process clients' base URL (a Host the MCP endpoint accepts)."""
        return f"http://{self.name}:{self.port}"

    def make_settings(self, database_url: str, **overrides: object) -> ToolServiceSettings:
        """Test settings: the test database, Redis db 2 and a non-placeholder identity key."""
        values: dict[str, object] = {
            "environment": "test",
            "database_url": database_url,
            "redis_url": REDIS_URL,
            "identity_keys": {TEST_KEY_ID: SecretStr(TEST_SECRET)},
            "log_level": "WARNING",
        }
        values.update(overrides)
        return self.settings.model_validate(values)

    async def user_rows(self, engine: AsyncEngine, user: UUID) -> tuple[list[Any], list[Any]]:
        """Every record row and event row of ``user``."""
        async with engine.connect() as connection:
            records = await connection.execute(
                text(f"SELECT * FROM {self.records_table} WHERE user_id = :u ORDER BY id"),  # noqa: S608
                {"u": user},
            )
            events = await connection.execute(
                text(f"SELECT * FROM {self.events_table} WHERE user_id = :u ORDER BY version"),  # noqa: S608
                {"u": user},
            )
            return list(records.all()), list(events.all())


StartedApp = Callable[..., AbstractAsyncContextManager[httpx2.AsyncClient]]
