"""The services the HTTP model benchmarks run a chat-gateway against: auth and mcp-tasks on
their own migrated databases, and the scripted model server. Each benchmark starts its own
gateways on top (``HttpModelStack.start_gateway``); everything started stops on exit."""

import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from chat_turn_bench import KEY_ID, POSTGRES, REDIS_URL, SECRET
from chat_turns import signing_key
from service_processes import (
    LOGS,
    ROOT,
    ServiceProcess,
    ensure_database,
    migrate,
    start,
    uvicorn_app,
)

sys.path.insert(0, str(ROOT / "services" / "chat-gateway" / "tests"))
from model_server import ModelServer  # type: ignore[import-not-found]

_COMMON = {"ENVIRONMENT": "test", "REDIS_URL": REDIS_URL, "OPENAI_AGENTS_DISABLE_TRACING": "1"}


@dataclass
class HttpModelStack:
    auth: ServiceProcess
    model: ModelServer
    gateway_env: dict[str, str]
    """A gateway's settings without the model's (``model_env``)."""
    processes: list[ServiceProcess] = field(default_factory=list)

    def model_env(self, provider: str) -> dict[str, str]:
        """The model settings of a gateway with ``provider`` (local, openai, openai_compatible)."""
        if provider == "local":
            return {"CHAT_GATEWAY_MODEL_PROVIDER": "local"}
        return {
            "CHAT_GATEWAY_MODEL_PROVIDER": provider,
            "CHAT_GATEWAY_MODEL_BASE_URL": self.model.base_url,
            "CHAT_GATEWAY_MODEL_NAME": "scripted-model",
            "CHAT_GATEWAY_OPENAI_API_KEY": "sk-bench",
        }

    def start_gateway(self, command: list[str], env: dict[str, str], log: Path) -> ServiceProcess:
        """A chat-gateway run by ``command`` with ``env`` over the stack's settings."""
        gateway = start(command, self.gateway_env | env, log)
        self.processes.append(gateway)
        return gateway


@asynccontextmanager
async def http_model_stack() -> AsyncIterator[HttpModelStack]:
    auth_db = await ensure_database("http_model_bench_auth", POSTGRES)
    tasks_db = await ensure_database("http_model_bench_tasks", POSTGRES)
    gateway_db = await ensure_database("http_model_bench_gateway", POSTGRES)
    migrate("auth", auth_db)
    migrate("mcp-tasks", tasks_db)
    migrate("chat-gateway", gateway_db)
    model = ModelServer().start()
    processes: list[ServiceProcess] = []
    try:
        auth_env = {"DATABASE_URL": auth_db, "AUTH_SIGNING_KEY": signing_key()}
        auth = start(
            uvicorn_app("auth_service.main:create_app"),
            _COMMON | auth_env | {"AUTH_SIGNING_KEY_ID": "b"},
            LOGS / "auth.log",
        )
        processes.append(auth)
        tasks = start(
            uvicorn_app("mcp_tasks.main:create_app"),
            _COMMON
            | {"DATABASE_URL": tasks_db, "MCP_TASKS_IDENTITY_KEYS": json.dumps({KEY_ID: SECRET})},
            LOGS / "mcp-tasks.log",
        )
        processes.append(tasks)
        gateway_env = _COMMON | {
            "DATABASE_URL": gateway_db,
            "CHAT_GATEWAY_LOG_LEVEL": "WARNING",
            "CHAT_GATEWAY_IDENTITY_KEY_ID": KEY_ID,
            "CHAT_GATEWAY_IDENTITY_SECRET": SECRET,
            "CHAT_GATEWAY_MCP_TASKS_URL": tasks.url,
            "CHAT_GATEWAY_JWKS_URL": auth.url + "/.well-known/jwks.json",
            "CHAT_GATEWAY_CHAT_TURNS_PER_MINUTE": "100000",
        }
        yield HttpModelStack(auth, model, gateway_env, processes)
    finally:
        model.stop()
        for service in processes:
            service.stop()
