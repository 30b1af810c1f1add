"""Fixtures of the HTTP model tests: the scripted model server, and one chat-gateway process
per provider (``openai`` over the Responses API, ``openai_compatible`` over Chat Completions)
pointed at it, against the real mcp-tasks, PostgreSQL and Redis. Both live for a whole test
module; each test plays its own script and registers its own user."""

import secrets
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from chat_harness import ChatClient
from live_harness import User, gateway_env, start_service
from model_server import ModelServer
from service_processes import ServiceProcess

PROVIDERS = ("openai", "openai_compatible")
API_KEY = "sk-test-" + secrets.token_hex(16)
MODEL_TIMEOUT_SECONDS = 1.5


@dataclass
class HttpModelGateway:
    """A gateway process whose model is the scripted server, reached over HTTP."""

    provider: str
    url: str
    process: ServiceProcess
    model: ModelServer

    def log_text(self) -> str:
        return self.process.log.read_text(errors="replace")


def http_model_env(provider: str, model: ModelServer) -> dict[str, str]:
    """The gateway's model settings for ``provider`` against ``model``."""
    return {
        "CHAT_GATEWAY_MODEL_PROVIDER": provider,
        "CHAT_GATEWAY_MODEL_NAME": "scripted-model",
        "CHAT_GATEWAY_MODEL_BASE_URL": model.base_url,
        "CHAT_GATEWAY_OPENAI_API_KEY": API_KEY,
        "CHAT_GATEWAY_MODEL_TIMEOUT_SECONDS": str(MODEL_TIMEOUT_SECONDS),
        "CHAT_GATEWAY_LOG_LEVEL": "INFO",
    }


def start_http_model_gateway(
    provider: str,
    model: ModelServer,
    mcp_tasks_url: str,
    auth_url: str,
    database_url: str,
    log: Path,
) -> ServiceProcess:
    env = gateway_env(mcp_tasks_url, auth_url, database_url) | http_model_env(provider, model)
    return start_service("chat_gateway.main:create_app", env, log)


@pytest.fixture(scope="module")
def model_server() -> Iterator[ModelServer]:
    server = ModelServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=PROVIDERS)
def http_gateway(
    request: pytest.FixtureRequest,
    model_server: ModelServer,
    mcp_tasks: ServiceProcess,
    auth: ServiceProcess,
    chat_database: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[HttpModelGateway]:
    provider = str(request.param)
    log = tmp_path_factory.mktemp(f"gateway-{provider}") / "chat-gateway.log"
    process = start_http_model_gateway(
        provider, model_server, mcp_tasks.url, auth.url, chat_database, log
    )
    yield HttpModelGateway(provider, process.url, process, model_server)
    process.stop()


@pytest.fixture
async def http_chat(
    http_gateway: HttpModelGateway, new_user: Callable[[], Awaitable[User]]
) -> tuple[User, ChatClient, HttpModelGateway]:
    """A new user with a ChatKit client of the gateway (time zone Europe/Paris)."""
    http_gateway.model.play()
    user = await new_user()
    return user, ChatClient(http_gateway.url, user.token, timezone="Europe/Paris"), http_gateway
