"""A request that names no app is for the app whose hosts include its Host: tokens, CORS and
auth follow the host, and a host belongs to one app."""

from typing import Any

import httpx
import pytest
from apps_harness import (
    ERRANDS_HOST,
    ERRANDS_ORIGIN,
    TASKS_ORIGIN,
    SignIn,
    app_endpoints,
    apps_config,
)
from chat_gateway.config import Settings
from pydantic import ValidationError
from service_processes import ServiceProcess

pytestmark = pytest.mark.anyio


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_every_endpoint_of_a_host_selected_app_refuses_another_apps_token_with_401(
    apps_gateway: tuple[str, Settings], sign_in: SignIn
) -> None:
    url, settings = apps_gateway
    person = await sign_in(["tasks", "errands"])
    endpoints = app_endpoints(settings)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for method, path in endpoints:
            answer = await client.request(
                method,
                path,
                headers={**_bearer(person["tasks"].token), "Host": ERRANDS_HOST},
                json={},
            )
            assert answer.status_code == 401, (method, path, answer.text)
        own = await client.get(
            "/api/v1/tasks", headers={**_bearer(person["errands"].token), "Host": ERRANDS_HOST}
        )
        assert own.status_code == 200, own.text
        # the header still wins over the host
        named = await client.get(
            "/api/v1/tasks",
            headers={**person["tasks"].headers, "Host": f"{ERRANDS_HOST}:8080"},
        )
        assert named.status_code == 200, named.text
        branding = await client.get("/api/v1/app", headers={"Host": f"{ERRANDS_HOST}:8080"})
        assert branding.json()["id"] == "errands"
        default = await client.get("/api/v1/app", headers={"Host": "elsewhere.example"})
        assert default.json()["id"] == "tasks"


async def test_auth_issues_a_host_selected_apps_token(
    auth: ServiceProcess, apps_gateway: tuple[str, Settings], sign_in: SignIn
) -> None:
    url, _ = apps_gateway
    person = await sign_in(["errands"])
    by_host = {**_bearer(person["errands"].token), "Host": ERRANDS_HOST}
    async with httpx.AsyncClient(base_url=auth.url) as client:
        me = await client.get("/auth/me", headers=by_host)
        assert me.status_code == 200, me.text
        plain = await client.get("/auth/me", headers=_bearer(person["errands"].token))
        assert plain.status_code == 401, plain.text  # another host: the default app, tasks
    async with httpx.AsyncClient(base_url=url) as client:
        tasks = await client.get("/api/v1/tasks", headers=by_host)
        assert tasks.status_code == 200, tasks.text


@pytest.mark.parametrize(("origin", "allowed"), [(ERRANDS_ORIGIN, True), (TASKS_ORIGIN, False)])
async def test_a_cors_preflight_follows_the_host(
    apps_gateway: tuple[str, Settings], origin: str, allowed: bool
) -> None:
    url, _ = apps_gateway
    preflight = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
        "Host": ERRANDS_HOST,
    }
    async with httpx.AsyncClient(base_url=url) as client:
        answer = await client.options("/api/v1/chatkit", headers=preflight)
    granted = answer.headers.get("access-control-allow-origin")
    assert (answer.status_code == 200 and granted == origin) is allowed, answer.headers


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hosts": [ERRANDS_HOST]}, "host 'errands.localtest.me' is listed by apps"),
        ({"hosts": ["Tasks.Example:80"]}, "String should match pattern"),
    ],
)
def test_a_host_of_two_apps_or_a_malformed_host_refuses_to_start(
    change: dict[str, Any], message: str
) -> None:
    apps = apps_config()
    apps[0] = {**apps[0], **change}
    with pytest.raises(ValidationError, match=message):
        Settings(apps=apps)
