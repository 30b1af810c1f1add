"""Isolation as a property: random interleaved operations by several users, through MCP and
REST; each user's view always equals a model of that user's own tasks, and no answer ever
carries another user's data."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.types import CallToolResult
from servicekit.testkit.clients import Acting, http_mcp_client
from servicekit.testkit.under_test import SignedClient

pytestmark = pytest.mark.anyio

USERS = 3
OPERATIONS = ("add", "complete", "reopen", "delete", "restore", "retitle", "get", "clear")


@dataclass
class Modelled:
    title: str
    completed: bool = False
    deleted: bool = False


@dataclass
class World:
    """The expected state: each user's tasks, and who owns every task id."""

    users: list[uuid.UUID] = field(default_factory=lambda: [uuid.uuid4() for _ in range(USERS)])
    tasks: dict[uuid.UUID, dict[str, Modelled]] = field(default_factory=dict)
    owner: dict[str, uuid.UUID] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def foreign_ids(self, user: uuid.UUID) -> set[str]:
        return {task_id for task_id, owner in self.owner.items() if owner != user}


@dataclass(frozen=True)
class Step:
    user: int
    via: str
    operation: str
    target: int
    title: str


steps = st.lists(
    st.builds(
        Step,
        user=st.integers(0, USERS - 1),
        via=st.sampled_from(["mcp", "rest"]),
        operation=st.sampled_from(OPERATIONS),
        target=st.integers(0, 50),
        title=st.text(
            alphabet=st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=12
        ),
    ),
    min_size=1,
    max_size=15,
)


@pytest.fixture
async def channels(
    make_signed_client: SignedClient, acting: Acting
) -> AsyncIterator[tuple[httpx2.AsyncClient, Client]]:
    async with (
        make_signed_client(acting) as http,
        http_mcp_client(http) as mcp,
    ):
        yield http, mcp


def tool_payload(result: CallToolResult) -> tuple[bool, Any]:
    if result.is_error:
        return False, result.content[0].model_dump_json()
    return True, result.structured_content


async def perform(
    http: httpx2.AsyncClient, mcp: Client, step: Step, task_id: str | None
) -> tuple[bool, Any, str]:
    """Run one operation; returns (succeeded, payload, raw answer text)."""
    if step.via == "mcp":
        arguments: dict[str, Any] = {"task_id": task_id}
        name = {
            "add": "add_task",
            "complete": "complete_task",
            "reopen": "reopen_task",
            "delete": "delete_task",
            "restore": "restore_task",
            "retitle": "update_task",
            "get": "get_task",
            "clear": "clear_completed",
        }[step.operation]
        if step.operation == "add":
            arguments = {"title": step.title}
        elif step.operation == "retitle":
            arguments["title"] = step.title
        elif step.operation == "clear":
            arguments = {}
        result = await mcp.call_tool(name, arguments)
        succeeded, payload = tool_payload(result)
        return succeeded, payload, result.model_dump_json()
    url = f"/internal/v1/tasks/{task_id}"
    if step.operation == "add":
        response = await http.post("/internal/v1/tasks", json={"title": step.title})
    elif step.operation in ("complete", "reopen"):
        response = await http.patch(url, json={"completed": step.operation == "complete"})
    elif step.operation == "delete":
        response = await http.delete(url)
    elif step.operation == "restore":
        response = await http.post(f"{url}/restore")
    elif step.operation == "retitle":
        response = await http.patch(url, json={"title": step.title})
    elif step.operation == "get":
        response = await http.get(url)
    else:
        response = await http.get("/internal/v1/tasks", params={"status": "completed"})
        for task in response.json()["tasks"]:
            await http.delete(f"/internal/v1/tasks/{task['id']}")
        return True, {"task_ids": [t["id"] for t in response.json()["tasks"]]}, response.text
    assert response.status_code < 500, response.text
    return response.status_code in (200, 201), response.json(), response.text


def apply_to_model(
    world: World, user: uuid.UUID, step: Step, task_id: str | None, payload: Any
) -> None:
    mine = world.tasks.setdefault(user, {})
    if step.operation == "add":
        new_id = payload["task"]["id"] if step.via == "mcp" else payload["id"]
        mine[new_id] = Modelled(title=step.title.strip())
        world.owner[new_id] = user
        world.order.append(new_id)
    elif step.operation == "clear":
        for task in mine.values():
            if task.completed and not task.deleted:
                task.deleted = True
    elif task_id is not None and task_id in mine:
        task = mine[task_id]
        if step.operation == "complete":
            task.completed = True
        elif step.operation == "reopen":
            task.completed = False
        elif step.operation == "delete":
            task.deleted = True
        elif step.operation == "restore":
            task.deleted = False
        elif step.operation == "retitle":
            task.title = step.title.strip()


def expected_success(world: World, user: uuid.UUID, step: Step, task_id: str | None) -> bool:
    if step.operation in ("add", "clear"):
        return True
    task = world.tasks.get(user, {}).get(task_id or "")
    if task is None:
        return False
    if step.operation in ("delete", "restore"):
        return True
    return not task.deleted


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
async def test_each_user_sees_exactly_their_own_tasks_whatever_the_interleaving(
    channels: tuple[httpx2.AsyncClient, Client], acting: Acting, plan: list[Step]
) -> None:
    http, mcp = channels
    world = World()
    for step in plan:
        user = world.users[step.user]
        acting.user = user
        task_id = world.order[step.target % len(world.order)] if world.order else str(uuid.uuid4())

        succeeded, payload, raw = await perform(http, mcp, step, task_id)

        assert succeeded == expected_success(world, user, step, task_id), (step, raw)
        # A not-found error echoes the id the caller sent; anything else of another user is a leak.
        answer = raw.replace(task_id, "<requested id>")
        for foreign in world.foreign_ids(user):
            assert foreign not in answer, (step, raw)
        if succeeded:
            apply_to_model(world, user, step, task_id, payload)
        for viewer in world.users:
            acting.user = viewer
            response = await http.get("/internal/v1/tasks", params={"status": "all", "limit": 200})
            seen = {
                task["id"]: (task["title"], task["completed"]) for task in response.json()["tasks"]
            }
            expected = {
                task_id: (task.title, task.completed)
                for task_id, task in world.tasks.get(viewer, {}).items()
                if not task.deleted
            }
            assert seen == expected, (step, viewer)
            for foreign in world.foreign_ids(viewer):
                assert foreign not in response.text
        acting.user = user
        listed = await mcp.call_tool("list_tasks", {"status": "all", "limit": 200})
        assert listed.structured_content is not None
        assert {t["id"] for t in listed.structured_content["tasks"]} == {
            task_id for task_id, task in world.tasks.get(user, {}).items() if not task.deleted
        }
