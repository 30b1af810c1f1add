"""Fixtures of the chat tests (imported by name into the chat test modules)."""

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from chat_gateway.config import Settings
from chat_harness import ChatClient, TasksRest, chat_gateway
from live_harness import User, ensure_database, gateway_settings
from service_processes import ServiceProcess, migrate
from servicekit.identity import IdentitySigner


@pytest.fixture(scope="session")
def chat_database() -> str:
    url = ensure_database("chat_gateway_test")
    migrate("chat-gateway", url, {"ENVIRONMENT": "test"})
    return url


@pytest.fixture
def chat_settings(
    chat_database: str, mcp_tasks: ServiceProcess, auth: ServiceProcess
) -> Callable[..., Settings]:
    def build(**overrides: Any) -> Settings:
        tasks_url = overrides.pop("mcp_tasks_url", mcp_tasks.url)
        values: dict[str, Any] = {"database_url": chat_database, **overrides}
        return gateway_settings(tasks_url, auth.url, **values)

    return build


@pytest.fixture
async def chat_url(chat_settings: Callable[..., Settings]) -> AsyncIterator[str]:
    async with chat_gateway(chat_settings()) as url:
        yield url


@pytest.fixture
async def alice(new_user: Callable[[], Awaitable[User]], chat_url: str) -> tuple[User, ChatClient]:
    user = await new_user()
    return user, ChatClient(chat_url, user.token)


@pytest.fixture
async def bob(new_user: Callable[[], Awaitable[User]], chat_url: str) -> tuple[User, ChatClient]:
    user = await new_user()
    return user, ChatClient(chat_url, user.token)


@pytest.fixture
def rest(mcp_tasks: ServiceProcess, signer: IdentitySigner) -> TasksRest:
    return TasksRest(mcp_tasks.url, signer)
