"""Fixtures for the dashboard task API and live event tests (servers in live_harness)."""

import sys
from pathlib import Path

# The test modules import their harness by name; the services' processes are started the way
# the benchmarks start them (bench/service_processes.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
sys.path.insert(0, str(Path(__file__).parent))

import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest
from agents import set_tracing_disabled
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from live_harness import (
    IDENTITY_KEY_ID,
    IDENTITY_SECRET,
    REDIS_URL,
    Gateway,
    GatewayFactory,
    RedisServer,
    User,
    ensure_database,
    gateway_settings,
    mcp_tasks_env,
    serve_gateway,
    start_service,
)
from service_processes import (
    ServiceProcess,
    free_port,
    migrate,
    start_tool_service,
    tool_service_env,
)
from servicekit.identity import IdentitySigner


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_agent_trace_export() -> None:
    set_tracing_disabled(True)


@pytest.fixture(scope="session")
def mcp_tasks_database() -> str:
    url = ensure_database("chat_gateway_events_mcp_test")
    migrate("mcp-tasks", url, mcp_tasks_env(url, REDIS_URL))
    return url


@pytest.fixture(scope="session")
def mcp_tasks(
    mcp_tasks_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    service = start_service(
        "mcp_tasks.main:create_app",
        mcp_tasks_env(mcp_tasks_database, REDIS_URL),
        tmp_path_factory.mktemp("mcp-tasks") / "mcp-tasks.log",
    )
    yield service
    service.stop()


@pytest.fixture(scope="session")
def notes_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    """The notes tool service (services/notes), as CHAT_GATEWAY_TOOL_SERVICES configures it."""
    url = ensure_database("chat_gateway_notes_test")
    env = tool_service_env("notes", url, REDIS_URL, IDENTITY_KEY_ID, IDENTITY_SECRET)
    service = start_tool_service("notes", env, tmp_path_factory.mktemp("notes") / "notes.log")
    yield service
    service.stop()


@pytest.fixture
def notes_entry(notes_service: ServiceProcess) -> dict[str, Any]:
    """The gateway's configuration item of the running notes service."""
    return {
        "name": "notes",
        "url": notes_service.url,
        "identity_key_id": IDENTITY_KEY_ID,
        "confirm": ["delete_note"],
        "undo": True,
        "events": True,
    }


@pytest.fixture(scope="session")
def auth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    database_url = ensure_database("chat_gateway_events_auth_test")
    migrate("auth", database_url, {"ENVIRONMENT": "test"})
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    service = start_service(
        "auth_service.main:create_app",
        {
            "ENVIRONMENT": "test",
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "AUTH_SIGNING_KEY": pem,
            "AUTH_SIGNING_KEY_ID": "gateway-test-key",
            # Every test registers its users from 127.0.0.1.
            "AUTH_MAX_REGISTRATIONS_PER_ADDRESS": "100000",
            "AUTH_MAX_REGISTRATIONS": "100000",
            "AUTH_APPS": '["tasks", "errands", "pantry"]',
            "AUTH_APP_HOSTS": '{"errands.localtest.me": "errands"}',
            # The cheapest argon2id auth accepts (as auth's own tests use): these tests need
            # tokens, not password hardening, and register a user or two each, where the
            # default cost spent about a second of CPU per user on hashing and verifying.
            "AUTH_PASSWORD_TIME_COST": "1",
            "AUTH_PASSWORD_MEMORY_KIB": "8192",
        },
        tmp_path_factory.mktemp("auth") / "auth.log",
    )
    yield service
    service.stop()


@pytest.fixture
def new_user(auth: ServiceProcess) -> Callable[[], Awaitable[User]]:
    async def register() -> User:
        email = f"events-{uuid.uuid4().hex}@example.com"
        password = "correct horse battery " + secrets.token_hex(4)
        async with httpx.AsyncClient(base_url=auth.url) as client:
            created = await client.post(
                "/auth/register", json={"email": email, "password": password}
            )
            assert created.status_code == 202, created.text
            login = await client.post("/auth/login", json={"email": email, "password": password})
            assert login.status_code == 200, login.text
            token = login.json()["access_token"]
            me = await client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200, me.text
        refresh_token = login.cookies.get("refresh_token") or ""
        return User(UUID(me.json()["id"]), token, refresh_token)

    return register


@pytest.fixture(scope="session")
def gateway_database() -> str:
    return ensure_database("chat_gateway_test")


@pytest.fixture
def gateway_factory(
    mcp_tasks: ServiceProcess, auth: ServiceProcess, gateway_database: str
) -> GatewayFactory:
    def factory(
        mcp_tasks_url: str | None = None,
        *,
        send_buffer_bytes: int | None = None,
        **overrides: Any,
    ) -> AbstractAsyncContextManager[Gateway]:
        settings = gateway_settings(
            mcp_tasks_url or mcp_tasks.url, auth.url, gateway_database, **overrides
        )
        return serve_gateway(settings, send_buffer_bytes=send_buffer_bytes)

    return factory


@pytest.fixture
async def gateway(gateway_factory: GatewayFactory) -> AsyncIterator[Gateway]:
    async with gateway_factory() as running:
        yield running


@pytest.fixture
def signer() -> IdentitySigner:
    return IdentitySigner(IDENTITY_KEY_ID, IDENTITY_SECRET.encode())


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


# The chat tests' fixtures (threads, users with ChatKit clients, mcp-tasks REST) live apart.
from apps_harness import apps_gateway, sign_in  # noqa: E402, F401
from chat_fixtures import alice, bob, chat_database, chat_settings, chat_url, rest  # noqa: E402, F401
from http_model_fixtures import http_chat, http_gateway, model_server  # noqa: E402, F401
