"""A token is good only at the app it was issued for: every endpoint of every other app
answers 401, and auth refreshes a token only in its own app."""

import uuid
from typing import Any

import httpx
import pytest
from apps_harness import (
    ERRANDS_ORIGIN,
    ERRANDS_TOOLS,
    TASKS_ORIGIN,
    SignIn,
    app_endpoints,
    apps_config,
)
from chat_gateway.apps import APP_HEADER
from chat_gateway.config import Settings
from pydantic import ValidationError
from service_processes import ServiceProcess

pytestmark = pytest.mark.anyio

_PUBLIC = {"/api/v1/app"}
"""Endpoints anyone may call; they still refuse a token of another app (checked below)."""


async def test_every_endpoint_of_an_app_refuses_a_token_of_another_app_with_401(
    apps_gateway: tuple[str, Settings], sign_in: SignIn
) -> None:
    url, settings = apps_gateway
    person = await sign_in(["tasks", "errands"])
    endpoints = app_endpoints(settings)
    assert len(endpoints) >= 14, endpoints
    assert ("POST", "/api/v1/chatkit") in endpoints
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for holder, target in (("tasks", "errands"), ("errands", "tasks")):
            headers = {**person[holder].headers, APP_HEADER: target}
            for method, path in endpoints:
                answer = await client.request(method, path, headers=headers, json={})
                assert answer.status_code == 401, (holder, target, method, path, answer.text)
                assert answer.headers["content-type"].startswith("application/problem+json")
            # and the same token is accepted at its own app
            own = await client.get("/api/v1/tasks", headers=person[holder].headers)
            assert own.status_code == 200, own.text


async def test_an_event_ticket_of_one_app_opens_no_stream_at_another(
    apps_gateway: tuple[str, Settings], sign_in: SignIn
) -> None:
    url, _ = apps_gateway
    person = await sign_in(["errands"])
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        issued = await client.post("/api/v1/events/tickets", headers=person["errands"].headers)
        assert issued.status_code == 200, issued.text
        ticket = issued.json()["ticket"]
        answer = await client.get(
            "/api/v1/events", params={"ticket": ticket}, headers={APP_HEADER: "tasks"}
        )
        assert answer.status_code == 401, answer.text


async def test_a_request_naming_an_unknown_app_is_refused_with_400(
    apps_gateway: tuple[str, Settings], sign_in: SignIn
) -> None:
    url, _ = apps_gateway
    person = await sign_in(["tasks"])
    async with httpx.AsyncClient(base_url=url) as client:
        answer = await client.get(
            "/api/v1/tasks", headers={**person["tasks"].headers, APP_HEADER: "nosuch"}
        )
    assert answer.status_code == 400, answer.text
    assert "X-Chat-App" in answer.json()["detail"]


async def test_auth_refreshes_and_answers_only_for_the_app_a_token_was_issued_for(
    auth: ServiceProcess, sign_in: SignIn
) -> None:
    person = await sign_in(["errands"])
    errands = person["errands"]
    async with httpx.AsyncClient(base_url=auth.url) as client:
        me = await client.get("/auth/me", headers={**errands.headers, APP_HEADER: "tasks"})
        assert me.status_code == 401, me.text
        me = await client.get("/auth/me", headers={"Authorization": f"Bearer {errands.token}"})
        assert me.status_code == 401, me.text  # no header: the default app, tasks
    refresh = await _refresh_token(auth, "errands")
    async with httpx.AsyncClient(base_url=auth.url) as client:
        elsewhere = await client.post(
            "/auth/refresh", json={"refresh_token": refresh}, headers={APP_HEADER: "tasks"}
        )
        assert elsewhere.status_code == 401, elsewhere.text
        # refused, not burnt: the token still refreshes in its own app
        home = await client.post(
            "/auth/refresh", json={"refresh_token": refresh}, headers={APP_HEADER: "errands"}
        )
        assert home.status_code == 200, home.text
        token = home.json()["access_token"]
        again = await client.get(
            "/auth/me", headers={"Authorization": f"Bearer {token}", APP_HEADER: "errands"}
        )
        assert again.status_code == 200, again.text


async def _refresh_token(auth: ServiceProcess, app: str) -> str:
    email = f"apps-{uuid.uuid4().hex}@example.com"
    password = "correct horse battery staple"
    async with httpx.AsyncClient(base_url=auth.url) as client:
        await client.post("/auth/register", json={"email": email, "password": password})
        login = await client.post(
            "/auth/login",
            json={"email": email, "password": password, "refresh_token_in_body": True},
            headers={APP_HEADER: app},
        )
    assert login.status_code == 200, login.text
    token: str = login.json()["refresh_token"]
    return token


async def test_app_config_is_public_but_refuses_another_apps_token(
    apps_gateway: tuple[str, Settings], sign_in: SignIn
) -> None:
    url, _ = apps_gateway
    person = await sign_in(["tasks"])
    async with httpx.AsyncClient(base_url=url) as client:
        errands = await client.get("/api/v1/app", headers={APP_HEADER: "errands"})
        default = await client.get("/api/v1/app")
        foreign = await client.get(
            "/api/v1/app", headers={**person["tasks"].headers, APP_HEADER: "errands"}
        )
    assert errands.json() == {
        "id": "errands",
        "branding": {"name": "Errands", "colour": "#0f766e", "logo": "/errands-logo.svg"},
        "greeting": "What errand shall I note?",
        "domain_key": None,
        "tasks": True,
        "task_tools": ERRANDS_TOOLS,
        "suggestions": [
            "Add buy milk tomorrow",
            "What's due this week?",
            "Show my completed tasks",
        ],
    }
    assert default.json()["id"] == "tasks"
    assert default.json()["task_tools"] is None
    assert foreign.status_code == 401, foreign.text


@pytest.mark.parametrize(
    ("origin", "app", "allowed"),
    [
        (TASKS_ORIGIN, "tasks", True),
        (ERRANDS_ORIGIN, "errands", True),
        (ERRANDS_ORIGIN, "tasks", False),
        (TASKS_ORIGIN, "errands", False),
    ],
)
async def test_each_app_allows_only_its_own_browser_origins(
    apps_gateway: tuple[str, Settings], origin: str, app: str, allowed: bool
) -> None:
    url, _ = apps_gateway
    preflight = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
        APP_HEADER: app,
    }
    async with httpx.AsyncClient(base_url=url) as client:
        answer = await client.options("/api/v1/chatkit", headers=preflight)
        simple = await client.get("/api/v1/app", headers={"Origin": origin, APP_HEADER: app})
    granted = answer.headers.get("access-control-allow-origin")
    assert (answer.status_code == 200 and granted == origin) is allowed, answer.headers
    assert (simple.headers.get("access-control-allow-origin") == origin) is allowed


@pytest.mark.parametrize(
    ("apps", "message"),
    [
        ([{"id": "tasks", "name": "T", "colour": "#fff"}], "Extra inputs are not permitted"),
        ([{"id": "Bad Id", "name": "T"}], "String should match pattern"),
        ([{"id": "a", "name": "A"}, {"id": "a", "name": "B"}], "apps listed twice: a"),
        ([{"id": "a", "name": "A", "tool_services": ["nosuch"]}], "unknown tool services: nosuch"),
        (
            [{"id": "a", "name": "A", "tool_services": ["tasks"], "tools": {"notes": []}}],
            "limits the tools of services it is not granted: notes",
        ),
    ],
)
def test_a_bad_apps_setting_refuses_to_start_with_a_clear_message(
    apps: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(apps=apps)


def test_the_example_apps_are_valid() -> None:
    assert [app.id for app in Settings(apps=apps_config()).served_apps] == [
        "tasks",
        "errands",
        "pantry",
    ]
