"""Isolation between apps as a property: people signed in to several apps do random task
operations through each; no answer and no live event of one data domain ever reaches
another, while apps that share a data domain (errands and pantry) see the same data."""

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
import pytest
from apps_harness import ERRANDS_TOOLS, AppUser, SignIn
from chat_gateway.config import Settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live_harness import EventReader

pytestmark = pytest.mark.anyio

APPS = ("tasks", "errands", "pantry")
DOMAIN = {"tasks": "tasks", "errands": "errands", "pantry": "errands"}
PEOPLE = 2
OPERATIONS = ("create", "list", "get", "complete", "delete")
OPERATION_TOOL = {"get": "get_task", "complete": "complete_task", "delete": "delete_task"}


def granted(app: str, operation: str) -> bool:
    """Whether ``app`` is granted the tool of ``operation`` (errands has no delete_task)."""
    return app != "errands" or OPERATION_TOOL[operation] in ERRANDS_TOOLS


@dataclass(frozen=True)
class Step:
    person: int
    app: str
    operation: str
    target: int


steps = st.lists(
    st.builds(
        Step,
        person=st.integers(0, PEOPLE - 1),
        app=st.sampled_from(APPS),
        operation=st.sampled_from(OPERATIONS),
        target=st.integers(0, 40),
    ),
    min_size=1,
    max_size=10,
)

Subject = tuple[int, str]
"""(person, data domain): whose data a task is."""


def subject(person: int, app: str) -> Subject:
    return person, DOMAIN[app]


@contextlib.asynccontextmanager
async def follow(client: httpx.AsyncClient, headers: dict[str, str]) -> AsyncIterator[EventReader]:
    """The event stream of one (app, user) on the test's one client, once it has started."""
    async with client.stream("GET", "/api/v1/events", headers=headers) as response:
        assert response.status_code == 200, (await response.aread()).decode()
        reader = EventReader(response)
        with anyio.fail_after(10):
            reader.start = await reader.next_frame()
        yield reader


async def _read_until(reader: EventReader, sentinels: set[str]) -> list[str]:
    """The task ids of the stream's events up to and including every sentinel task."""
    seen: list[str] = []
    waiting = set(sentinels)
    while waiting:
        (frame,) = await reader.events(1, within=15)
        task_id = frame.json()["task_id"]
        seen.append(task_id)
        waiting.discard(task_id)
    return seen


@dataclass
class World:
    """People signed in to every app (fresh to the test, so every task they can see was made
    by it), and the subject every task made so far belongs to."""

    people: list[dict[str, AppUser]]
    owner: dict[str, Subject] = field(default_factory=dict)


@pytest.fixture
async def world(sign_in: SignIn) -> World:
    return World([await sign_in(list(APPS)) for _ in range(PEOPLE)])


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
async def test_no_read_or_event_crosses_a_data_domain_and_shared_domains_share(
    apps_gateway: tuple[str, Settings], world: World, plan: list[Step]
) -> None:
    url, _ = apps_gateway
    people, owner = world.people, world.owner
    async with contextlib.AsyncExitStack() as stack:
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=url, timeout=30))
        streams = {
            (person, app): await stack.enter_async_context(
                follow(client, people[person][app].headers)
            )
            for person in range(PEOPLE)
            for app in APPS
        }
        every_id = list(owner)
        for step in plan:
            user = people[step.person][step.app]
            mine = subject(step.person, step.app)
            target = every_id[step.target % len(every_id)] if every_id else str(uuid.uuid4())
            if step.operation == "create":
                made = await client.post("/api/v1/tasks", json={"title": "t"}, headers=user.headers)
                assert made.status_code == 201, made.text
                owner[made.json()["id"]] = mine
                every_id.append(made.json()["id"])
            elif step.operation == "list":
                listed = await client.get(
                    "/api/v1/tasks", params={"status": "all", "limit": "200"}, headers=user.headers
                )
                assert listed.status_code == 200, listed.text
                ids = {task["id"] for task in listed.json()["tasks"]}
                assert {owner.get(task_id) for task_id in ids} <= {mine}
            else:
                answer = await _act(client, step.operation, target, user.headers)
                if not granted(step.app, step.operation):
                    assert answer.status_code == 403, (step, answer.text)
                elif owner.get(target) != mine:
                    assert answer.status_code == 404, (step, answer.text)
                else:
                    assert answer.status_code in (200, 204, 404), answer.text
        sentinels: dict[Subject, set[str]] = {}
        for (person, app), _reader in streams.items():
            made = await client.post(
                "/api/v1/tasks", json={"title": "sentinel"}, headers=people[person][app].headers
            )
            assert made.status_code == 201, made.text
            owner[made.json()["id"]] = subject(person, app)
            sentinels.setdefault(subject(person, app), set()).add(made.json()["id"])
        for (person, app), reader in streams.items():
            mine = subject(person, app)
            seen = await _read_until(reader, sentinels[mine])
            assert {owner.get(task_id) for task_id in seen} == {mine}


async def _act(
    client: httpx.AsyncClient, operation: str, task_id: str, headers: dict[str, str]
) -> httpx.Response:
    path = f"/api/v1/tasks/{task_id}"
    if operation == "get":
        return await client.get(path, headers=headers)
    if operation == "complete":
        return await client.patch(path, json={"completed": True}, headers=headers)
    return await client.delete(path, headers=headers)


async def test_the_same_person_sees_two_task_lists_in_two_domains_and_one_in_a_shared_one(
    apps_gateway: tuple[str, Settings], sign_in: SignIn
) -> None:
    url, _ = apps_gateway
    person = await sign_in(list(APPS))
    async with httpx.AsyncClient(base_url=url) as client:
        made: dict[str, Any] = {}
        for app in APPS:
            answer = await client.post(
                "/api/v1/tasks", json={"title": f"from {app}"}, headers=person[app].headers
            )
            assert answer.status_code == 201, answer.text
            made[app] = answer.json()["id"]
        titles = {}
        for app in APPS:
            listed = await client.get(
                "/api/v1/tasks", params={"status": "all"}, headers=person[app].headers
            )
            titles[app] = sorted(task["title"] for task in listed.json()["tasks"])
    assert titles == {
        "tasks": ["from tasks"],
        "errands": ["from errands", "from pantry"],
        "pantry": ["from errands", "from pantry"],
    }
