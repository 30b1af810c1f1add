"""Several apps on one gateway: their configuration, sign-in per app, and a gateway serving them."""

import json
import re
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest
from chat_gateway.apps import APP_HEADER
from chat_gateway.config import Settings
from chat_gateway.main import create_app
from live_harness import User
from service_processes import ServiceProcess

TASKS_ORIGIN = "http://tasks.example"
ERRANDS_ORIGIN = "http://errands.example"
ERRANDS_HOST = "errands.localtest.me"
"""The host name a browser reaches the errands app by (no X-Chat-App header needed)."""
ERRANDS_TOOLS = ["list_tasks", "add_task", "get_task", "complete_task", "reopen_task"]


def apps_config(notes: bool = False) -> list[dict[str, Any]]:
    """Three apps: tasks (everything), errands (some task tools, no notes), and pantry, which
    shares the errands app's data domain."""
    return [
        {
            "id": "tasks",
            "name": "Tasks",
            "allowed_origins": [TASKS_ORIGIN],
        },
        {
            "id": "errands",
            "name": "Errands",
            "allowed_origins": [ERRANDS_ORIGIN],
            "hosts": [ERRANDS_HOST],
            "tool_services": ["tasks"],
            "tools": {"tasks": ERRANDS_TOOLS},
            "greeting": "What errand shall I note?",
            "branding": {"colour": "#0f766e", "logo": "/errands-logo.svg"},
            "instructions": "You are an errands assistant. Act only through the tools.",
        },
        {
            "id": "pantry",
            "name": "Pantry",
            "tool_services": ["tasks"],
            "data_domain": "errands",
        },
    ]


@dataclass(frozen=True)
class AppUser:
    """One person signed in to one app."""

    id: UUID
    app: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", APP_HEADER: self.app}


SignIn = Callable[[list[str]], Awaitable[dict[str, AppUser]]]


@pytest.fixture
def sign_in(auth: ServiceProcess) -> SignIn:
    """Register one person and sign them in to each of ``apps``."""

    async def register(apps: list[str]) -> dict[str, AppUser]:
        email = f"apps-{uuid.uuid4().hex}@example.com"
        password = "correct horse battery " + secrets.token_hex(4)
        signed: dict[str, AppUser] = {}
        async with httpx.AsyncClient(base_url=auth.url) as client:
            created = await client.post(
                "/auth/register", json={"email": email, "password": password}
            )
            assert created.status_code == 202, created.text
            for app in apps:
                login = await client.post(
                    "/auth/login",
                    json={"email": email, "password": password},
                    headers={APP_HEADER: app},
                )
                assert login.status_code == 200, login.text
                token = login.json()["access_token"]
                me = await client.get(
                    "/auth/me", headers={"Authorization": f"Bearer {token}", APP_HEADER: app}
                )
                assert me.status_code == 200, me.text
                signed[app] = AppUser(UUID(me.json()["id"]), app, token)
        return signed

    return register


def as_user(user: AppUser) -> User:
    """The live harness's User of an app user (its headers lack the app)."""
    return User(user.id, user.token)


@pytest.fixture
async def apps_gateway(
    chat_settings: Callable[..., Settings],
) -> AsyncIterator[tuple[str, Settings]]:
    """A gateway (scripted model) serving the three apps; yields its URL and settings."""
    from chat_harness import chat_gateway

    settings = chat_settings(apps=json.loads(json.dumps(apps_config())))
    async with chat_gateway(settings) as url:
        yield url, settings


def app_endpoints(settings: Settings) -> list[tuple[str, str]]:
    """Every (method, path) the gateway serves under /api/v1, as its OpenAPI schema lists
    them (every route is in it), path parameters filled in."""
    filled = {"task_id": str(uuid.uuid4()), "name": "notes"}
    endpoints: list[tuple[str, str]] = []
    for path, operations in create_app(settings).openapi()["paths"].items():
        if path.startswith("/api/v1"):
            concrete = re.sub(r"\{(\w+)\}", lambda m: filled[m.group(1)], path)
            endpoints.extend((method.upper(), concrete) for method in sorted(operations))
    return endpoints
