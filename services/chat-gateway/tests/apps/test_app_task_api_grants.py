"""The dashboard's task API obeys the app's tool grants like the assistant does: a call that
stands for a tool the app is not granted is refused with 403 before anything reaches
mcp-tasks, and the task is left as it was."""

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from apps_harness import ERRANDS_TOOLS, AppUser, SignIn, apps_config
from chat_gateway.config import Settings
from chat_gateway.tasks.routes import update_tools
from chat_harness import chat_gateway

pytestmark = pytest.mark.anyio

ADD_ONLY = ["add_task"]


@pytest.fixture
async def gateway_url(chat_settings: Callable[..., Settings]) -> AsyncIterator[str]:
    """The three apps, pantry granted nothing of mcp-tasks but add_task."""
    apps = apps_config()
    apps[2] = {**apps[2], "tools": {"tasks": ADD_ONLY}}
    async with chat_gateway(chat_settings(apps=apps)) as url:
        yield url


def assert_refused(answer: httpx.Response, tool: str) -> None:
    assert answer.status_code == 403, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["status"] == 403
    assert body["title"]
    assert f"'{tool}'" in body["detail"]


async def create(api: httpx.AsyncClient, user: AppUser, title: str) -> dict[str, Any]:
    created = await api.post("/api/v1/tasks", json={"title": title}, headers=user.headers)
    assert created.status_code == 201, created.text
    task: dict[str, Any] = created.json()
    return task


async def test_an_app_without_update_or_delete_cannot_edit_or_delete_through_the_task_api(
    gateway_url: str, sign_in: SignIn
) -> None:
    assert not {"update_task", "delete_task", "restore_task"} & set(ERRANDS_TOOLS)
    user = (await sign_in(["errands"]))["errands"]
    async with httpx.AsyncClient(base_url=gateway_url) as api:
        task = await create(api, user, "post the parcel")
        path = f"/api/v1/tasks/{task['id']}"

        renamed = await api.patch(path, json={"title": "burn the parcel"}, headers=user.headers)
        renamed_and_done = await api.patch(
            path, json={"title": "burn the parcel", "completed": True}, headers=user.headers
        )
        not_json = await api.patch(path, content=b"title=x", headers=user.headers)
        deleted = await api.delete(path, headers=user.headers)
        restored = await api.post(f"{path}/restore", headers=user.headers)
        after = await api.get(path, headers=user.headers)

    assert_refused(renamed, "update_task")
    assert_refused(renamed_and_done, "update_task")
    assert_refused(not_json, "update_task")
    assert_refused(deleted, "delete_task")
    assert_refused(restored, "restore_task")
    assert after.status_code == 200, after.text
    assert after.json() == task


async def test_an_app_granted_complete_and_reopen_ticks_a_task_off_and_back(
    gateway_url: str, sign_in: SignIn
) -> None:
    user = (await sign_in(["errands"]))["errands"]
    async with httpx.AsyncClient(base_url=gateway_url) as api:
        task = await create(api, user, "buy stamps")
        path = f"/api/v1/tasks/{task['id']}"
        done = await api.patch(path, json={"completed": True}, headers=user.headers)
        reopened = await api.patch(path, json={"completed": False}, headers=user.headers)
        listed = await api.get("/api/v1/tasks", headers=user.headers)

    assert done.status_code == 200, done.text
    assert done.json()["completed"] is True
    assert reopened.status_code == 200, reopened.text
    assert reopened.json()["completed"] is False
    assert [t["title"] for t in listed.json()["tasks"]] == ["buy stamps"]


async def test_an_app_granted_every_tool_still_edits_deletes_and_restores(
    gateway_url: str, sign_in: SignIn
) -> None:
    user = (await sign_in(["tasks"]))["tasks"]
    async with httpx.AsyncClient(base_url=gateway_url) as api:
        task = await create(api, user, "water the plants")
        path = f"/api/v1/tasks/{task['id']}"
        renamed = await api.patch(path, json={"title": "water the ferns"}, headers=user.headers)
        deleted = await api.delete(path, headers=user.headers)
        restored = await api.post(f"{path}/restore", headers=user.headers)

    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["title"] == "water the ferns"
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["deleted_at"] is not None
    assert restored.status_code == 200, restored.text
    assert restored.json()["deleted_at"] is None


async def test_an_app_granted_only_add_task_can_add_but_not_read_list_or_follow_tasks(
    gateway_url: str, sign_in: SignIn
) -> None:
    user = (await sign_in(["pantry"]))["pantry"]
    async with httpx.AsyncClient(base_url=gateway_url) as api:
        task = await create(api, user, "flour")
        parsed = await api.post(
            "/api/v1/tasks/parse", json={"text": "sugar #baking"}, headers=user.headers
        )
        listed = await api.get("/api/v1/tasks", headers=user.headers)
        fetched = await api.get(f"/api/v1/tasks/{task['id']}", headers=user.headers)
        completed = await api.patch(
            f"/api/v1/tasks/{task['id']}", json={"completed": True}, headers=user.headers
        )
        followed = await api.get("/api/v1/events", headers=user.headers)

    assert parsed.status_code == 200, parsed.text
    assert parsed.json()["tags"] == ["baking"]
    assert_refused(listed, "list_tasks")
    assert_refused(fetched, "get_task")
    assert_refused(completed, "complete_task")
    assert_refused(followed, "list_tasks")


async def test_the_app_tells_the_web_app_which_task_tools_it_is_granted(
    gateway_url: str,
) -> None:
    async with httpx.AsyncClient(base_url=gateway_url) as api:
        answers = {
            app: (await api.get("/api/v1/app", headers={"X-Chat-App": app})).json()
            for app in ("tasks", "errands", "pantry")
        }
    assert {app: answer["task_tools"] for app, answer in answers.items()} == {
        "tasks": None,
        "errands": ERRANDS_TOOLS,
        "pantry": ADD_ONLY,
    }


@pytest.mark.parametrize(
    ("body", "tools"),
    [
        ({"completed": True}, ["complete_task"]),
        ({"completed": False}, ["reopen_task"]),
        ({"completed": None}, ["update_task"]),
        ({"title": "x"}, ["update_task"]),
        ({"due_date": None, "completed": True}, ["complete_task", "update_task"]),
        ({}, ["update_task"]),
        ([], ["update_task"]),
    ],
)
def test_a_task_change_stands_for_the_tools_its_fields_need(body: object, tools: list[str]) -> None:
    assert update_tools(json.dumps(body).encode()) == tools


def test_a_task_change_that_is_not_json_stands_for_update_task() -> None:
    assert update_tools(b"\xff{") == ["update_task"]
