"""The second example app (errands) on the same services, through its own front door.

Through its URL (E2E_ERRANDS_URL; `make up` serves it on 127.0.0.1:8081, the kind ingress on
http://errands.localhost:8088) it wears its own
branding, keeps its own task list for the same person, offers only its granted tools, and
refuses the tasks app's tokens, as the tasks app refuses its tokens.
"""

import os
from collections.abc import AsyncIterator

import httpx
import pytest

from .accounts import create_account, login
from .chatkit_wire import send_message

pytestmark = pytest.mark.anyio

ERRANDS_URL = os.environ.get("E2E_ERRANDS_URL", "http://127.0.0.1:8081").rstrip("/")


@pytest.fixture
async def errands(system_ready: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the errands app's origin.

    A ``*.localhost`` host (the kind ingress serves errands on errands.localhost) is reached on
    the loopback with its name as Host, as browsers do: not every resolver knows the name.
    """
    url = httpx.URL(ERRANDS_URL)
    headers: dict[str, str] = {}
    if url.host.endswith(".localhost"):
        headers["Host"] = f"{url.host}:{url.port}" if url.port else url.host
        url = url.copy_with(host="127.0.0.1")
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30.0) as http:
        yield http


async def test_each_app_wears_its_own_branding(
    client: httpx.AsyncClient, errands: httpx.AsyncClient
) -> None:
    tasks_app = await client.get("/api/v1/app")
    errands_app = await errands.get("/api/v1/app")
    assert tasks_app.status_code == 200, tasks_app.text
    assert errands_app.status_code == 200, errands_app.text
    assert tasks_app.json()["id"] == "tasks"
    assert errands_app.json()["id"] == "errands"
    assert errands_app.json()["branding"]["name"] == "Errands"
    assert errands_app.json()["branding"]["colour"] != tasks_app.json()["branding"]["colour"]


async def test_one_person_has_a_separate_task_list_in_each_app_and_tokens_stay_home(
    client: httpx.AsyncClient, errands: httpx.AsyncClient
) -> None:
    person = await create_account(client)
    signed_in = await login(errands, person.email, person.password)
    assert signed_in.status_code == 200, signed_in.text
    errands_headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}

    made = await errands.post(
        "/api/v1/tasks", json={"title": "post a parcel"}, headers=errands_headers
    )
    assert made.status_code == 201, made.text
    in_tasks = await client.get("/api/v1/tasks", params={"status": "all"}, headers=person.headers)
    in_errands = await errands.get(
        "/api/v1/tasks", params={"status": "all"}, headers=errands_headers
    )

    assert in_tasks.json()["tasks"] == []
    assert [task["title"] for task in in_errands.json()["tasks"]] == ["post a parcel"]
    for origin, headers in ((client, errands_headers), (errands, person.headers)):
        for method, path in (
            ("GET", "/api/v1/tasks"),
            ("POST", "/api/v1/events/tickets"),
            ("GET", "/api/v1/events"),
            ("GET", "/api/v1/tool-services"),
            ("POST", "/api/v1/chatkit"),
            ("GET", "/auth/me"),
        ):
            answer = await origin.request(method, path, headers=headers, json={})
            assert answer.status_code == 401, (str(origin.base_url), method, path, answer.text)


async def test_the_errands_assistant_cannot_delete(
    client: httpx.AsyncClient, errands: httpx.AsyncClient
) -> None:
    person = await create_account(client)
    signed_in = await login(errands, person.email, person.password)
    person.access_token = signed_in.json()["access_token"]

    added = await send_message(errands, person, "add renew the passport")
    asked = await send_message(errands, person, "delete the passport task", added.thread_id)

    assert added.errors == []
    assert "confirmation" not in [widget.get("key") for widget in asked.widgets]
    listed = await errands.get("/api/v1/tasks", params={"status": "all"}, headers=person.headers)
    assert [task["title"].lower() for task in listed.json()["tasks"]] == ["renew the passport"]
