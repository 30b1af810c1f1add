"""/api/v1/tasks: the dashboard's task API, relayed to mcp-tasks as the token's user."""

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

import httpx
import pytest
from live_harness import Gateway, GatewayFactory, User
from service_processes import free_port

pytestmark = pytest.mark.anyio

NewUser = Callable[[], Awaitable[User]]


def client(gateway: Gateway, user: User | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=gateway.url, headers=user.headers if user else None)


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["title"]
    return body


async def test_a_task_goes_through_create_read_update_delete_and_restore(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    async with client(gateway, user) as api:
        created = await api.post(
            "/api/v1/tasks",
            json={"title": "  Call mum ", "due_date": "2030-01-02", "tags": ["Family", "family"]},
        )
        assert created.status_code == 201
        task = created.json()
        assert task["title"] == "Call mum"
        assert task["tags"] == ["family"]
        assert task["due_date"] == "2030-01-02"
        assert task["priority"] == "normal"
        assert task["completed"] is False

        fetched = await api.get(f"/api/v1/tasks/{task['id']}")
        assert fetched.status_code == 200
        assert fetched.json() == task

        done = await api.patch(f"/api/v1/tasks/{task['id']}", json={"completed": True})
        assert done.status_code == 200
        assert done.json()["completed"] is True
        assert done.json()["completed_at"] is not None

        pending = await api.get("/api/v1/tasks")
        assert pending.status_code == 200
        assert pending.json() == {"tasks": [], "next_cursor": None}
        every = await api.get("/api/v1/tasks", params={"status": "all", "tag": "family"})
        assert [t["id"] for t in every.json()["tasks"]] == [task["id"]]

        deleted = await api.delete(f"/api/v1/tasks/{task['id']}")
        assert deleted.status_code == 200
        assert deleted.json()["deleted_at"] is not None
        assert_problem(await api.get(f"/api/v1/tasks/{task['id']}"), 404)

        restored = await api.post(f"/api/v1/tasks/{task['id']}/restore")
        assert restored.status_code == 200
        assert restored.json()["deleted_at"] is None
        assert (await api.get(f"/api/v1/tasks/{task['id']}")).json()["title"] == "Call mum"


async def test_another_users_task_is_unknown(gateway: Gateway, new_user: NewUser) -> None:
    alice, bob = await new_user(), await new_user()
    async with client(gateway, alice) as as_alice, client(gateway, bob) as as_bob:
        task = (await as_alice.post("/api/v1/tasks", json={"title": "Alice's"})).json()
        assert_problem(await as_bob.get(f"/api/v1/tasks/{task['id']}"), 404)
        assert_problem(
            await as_bob.patch(f"/api/v1/tasks/{task['id']}", json={"title": "Mine"}), 404
        )
        assert_problem(await as_bob.delete(f"/api/v1/tasks/{task['id']}"), 404)
        assert (await as_bob.get("/api/v1/tasks", params={"status": "all"})).json()["tasks"] == []
        assert (await as_alice.get(f"/api/v1/tasks/{task['id']}")).json()["title"] == "Alice's"


async def test_tasks_are_listed_by_priority_alone_and_with_every_other_filter(
    gateway: Gateway, new_user: NewUser
) -> None:
    user, other = await new_user(), await new_user()
    async with client(gateway, user) as api, client(gateway, other) as as_other:
        for title, priority, tags in [
            ("Pay invoice", "high", ["work"]),
            ("File invoice", "low", ["work"]),
            ("Pay rent", "high", ["home"]),
        ]:
            body = {"title": title, "priority": priority, "tags": tags, "due_date": "2030-01-02"}
            assert (await api.post("/api/v1/tasks", json=body)).status_code == 201
        theirs = {"title": "Pay invoice too", "priority": "high", "tags": ["work"]}
        assert (await as_other.post("/api/v1/tasks", json=theirs)).status_code == 201

        high = await api.get("/api/v1/tasks", params={"priority": "high"})
        combined = await api.get(
            "/api/v1/tasks",
            params={
                "priority": "high",
                "tag": "work",
                "status": "pending",
                "due_before": "2030-01-02",
                "query": "invoice",
            },
        )

    assert high.status_code == 200
    assert [task["title"] for task in high.json()["tasks"]] == ["Pay invoice", "Pay rent"]
    assert combined.status_code == 200
    assert [task["title"] for task in combined.json()["tasks"]] == ["Pay invoice"]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "someday"},
        {"limit": "0"},
        {"limit": "201"},
        {"due_on": "tomorrow"},
        {"due_before": "2030-13-01"},
        {"overdue": "maybe"},
        {"tag": ""},
        {"priority": "urgent"},
    ],
)
async def test_invalid_filters_are_answered_422(
    gateway: Gateway, new_user: NewUser, params: dict[str, str]
) -> None:
    user = await new_user()
    async with client(gateway, user) as api:
        body = assert_problem(await api.get("/api/v1/tasks", params=params), 422)
    assert body["errors"]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/restore")],
)
async def test_unknown_and_malformed_task_ids_are_answered_404_and_422(
    gateway: Gateway, new_user: NewUser, method: str, suffix: str
) -> None:
    user = await new_user()
    body = {"title": "x"} if method == "PATCH" else None
    async with client(gateway, user) as api:
        unknown = await api.request(method, f"/api/v1/tasks/{uuid4()}{suffix}", json=body)
        malformed = await api.request(method, f"/api/v1/tasks/1234{suffix}", json=body)
    assert_problem(unknown, 404)
    assert_problem(malformed, 422)


@pytest.mark.parametrize(
    "payload",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"title": "ok", "owner": "someone else"},
        {"title": "ok", "priority": "urgent"},
        {"title": "ok", "tags": [f"tag{i}" for i in range(11)]},
    ],
)
async def test_invalid_task_bodies_are_answered_422(
    gateway: Gateway, new_user: NewUser, payload: dict[str, Any]
) -> None:
    user = await new_user()
    async with client(gateway, user) as api:
        assert_problem(await api.post("/api/v1/tasks", json=payload), 422)
        assert (await api.get("/api/v1/tasks", params={"status": "all"})).json()["tasks"] == []


@pytest.mark.parametrize(
    "raw",
    [b'{"title": "x\\ud800y"}', b'{"title": "ok", "description": "\\udfff"}'],
)
async def test_a_lone_surrogate_in_a_task_body_is_answered_422_and_stores_nothing(
    gateway: Gateway, new_user: NewUser, raw: bytes
) -> None:
    user = await new_user()
    async with client(gateway, user) as api:
        created = await api.post(
            "/api/v1/tasks", content=raw, headers={"content-type": "application/json"}
        )
        listed = await api.get("/api/v1/tasks", params={"status": "all"})
    assert "surrogate" in assert_problem(created, 422)["detail"]
    assert listed.json()["tasks"] == []


def _cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("2026-W01-1", "2026-12-02T20:00:00", str(uuid4())),
        _cursor("infinity", "0001-01-01T00:00:00+14:00", str(uuid4())),
    ],
)
async def test_a_crafted_cursor_is_answered_422(
    gateway: Gateway, new_user: NewUser, cursor: str
) -> None:
    user = await new_user()
    async with client(gateway, user) as api:
        answer = await api.get("/api/v1/tasks", params={"cursor": cursor})
    assert assert_problem(answer, 422)["field"] == "cursor"


async def test_a_body_that_is_not_json_is_answered_422(gateway: Gateway, new_user: NewUser) -> None:
    user = await new_user()
    async with client(gateway, user) as api:
        response = await api.post(
            "/api/v1/tasks", content=b"title=x", headers={"Content-Type": "text/plain"}
        )
    assert_problem(response, 422)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer a.b.c"],
)
async def test_every_task_route_requires_a_valid_access_token(
    gateway: Gateway, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    task = f"/api/v1/tasks/{uuid4()}"
    async with httpx.AsyncClient(base_url=gateway.url, headers=headers) as api:
        answers = [
            await api.get("/api/v1/tasks"),
            await api.post("/api/v1/tasks", json={"title": "x"}),
            await api.get(task),
            await api.patch(task, json={"title": "x"}),
            await api.delete(task),
            await api.post(task + "/restore"),
        ]
    for answer in answers:
        assert_problem(answer, 401)
        assert answer.headers["www-authenticate"].startswith("Bearer")


async def test_an_unreachable_task_service_is_answered_503(
    gateway_factory: GatewayFactory, new_user: NewUser
) -> None:
    user = await new_user()
    unreachable = f"http://127.0.0.1:{free_port()}"
    async with gateway_factory(mcp_tasks_url=unreachable) as gateway, client(gateway, user) as api:
        response = await api.get("/api/v1/tasks")
    body = assert_problem(response, 503)
    assert body["detail"] == "The task service is unavailable."
    assert response.headers["retry-after"] == "2"


@asynccontextmanager
async def hanging_up_server() -> AsyncIterator[str]:
    """A task service that reads each request and closes the connection without an answer."""

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()


async def test_a_task_service_that_hangs_up_without_answering_is_answered_503_retry_after(
    gateway_factory: GatewayFactory, new_user: NewUser
) -> None:
    user = await new_user()
    async with (
        hanging_up_server() as upstream,
        gateway_factory(mcp_tasks_url=upstream) as gateway,
        client(gateway, user) as api,
    ):
        created = await api.post("/api/v1/tasks", json={"title": "during an outage"})
        listed = await api.get("/api/v1/tasks")
    for response in (created, listed):
        body = assert_problem(response, 503)
        assert body["detail"] == "The task service is unavailable."
        assert response.headers["retry-after"] == "2"


async def test_the_task_api_is_documented_with_its_models(gateway: Gateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.url) as api:
        schema = (await api.get("/openapi.json")).json()
    paths = schema["paths"]
    assert set(paths["/api/v1/tasks"]) == {"get", "post"}
    assert set(paths["/api/v1/tasks/{task_id}"]) == {"get", "patch", "delete"}
    assert set(paths["/api/v1/tasks/{task_id}/restore"]) == {"post"}
    created = paths["/api/v1/tasks"]["post"]
    assert created["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TaskPublic"
    }
    body = created["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["title"]
    assert body["additionalProperties"] is False
    listed = paths["/api/v1/tasks"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"] == {"$ref": "#/components/schemas/TaskList"}
    assert "404" in paths["/api/v1/tasks/{task_id}"]["get"]["responses"]
