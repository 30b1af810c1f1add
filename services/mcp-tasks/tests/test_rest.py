"""The internal REST API under /internal/v1 (actor "api")."""

import uuid
from datetime import date, timedelta

import httpx2
import pytest
from servicekit.testkit.clients import Acting
from servicekit.testkit.under_test import UserRows

pytestmark = pytest.mark.anyio

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


async def test_post_task_creates_it_with_201_and_logs_an_api_event(
    http: httpx2.AsyncClient, acting: Acting, rows: UserRows
) -> None:
    response = await http.post(
        "/internal/v1/tasks",
        json={"title": " Plan trip ", "due_date": TOMORROW, "tags": ["Travel"], "priority": "low"},
    )

    assert response.status_code == 201
    task = response.json()
    assert task == {
        "id": task["id"],
        "title": "Plan trip",
        "description": "",
        "due_date": TOMORROW,
        "priority": "low",
        "tags": ["travel"],
        "completed": False,
        "completed_at": None,
        "created_at": task["created_at"],
        "updated_at": task["created_at"],
        "deleted_at": None,
    }
    _, events = await rows(acting.user)
    assert [(e.version, e.type, e.actor) for e in events] == [(1, "task.created", "api")]


async def test_get_list_patch_delete_and_restore_round_trip(http: httpx2.AsyncClient) -> None:
    created = (await http.post("/internal/v1/tasks", json={"title": "Read"})).json()
    url = f"/internal/v1/tasks/{created['id']}"

    fetched = await http.get(url)
    patched = await http.patch(url, json={"title": "Read a book", "due_date": TOMORROW})
    completed = await http.patch(url, json={"completed": True})
    listed = await http.get("/internal/v1/tasks", params={"status": "completed"})
    cleared_date = await http.patch(url, json={"due_date": None})
    deleted = await http.delete(url)
    after_delete = await http.get(url)
    restored = await http.post(f"{url}/restore")

    assert (fetched.status_code, fetched.json()) == (200, created)
    assert patched.status_code == 200
    assert (patched.json()["title"], patched.json()["due_date"]) == ("Read a book", TOMORROW)
    assert completed.json()["completed"] is True
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json()["tasks"]] == [created["id"]]
    assert listed.json()["next_cursor"] is None
    assert cleared_date.json()["due_date"] is None
    assert deleted.status_code == 200
    assert deleted.json()["deleted_at"] is not None
    assert after_delete.status_code == 404
    assert after_delete.headers["content-type"] == "application/problem+json"
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None


async def test_events_after_a_version_returns_the_later_events_and_the_latest_version(
    http: httpx2.AsyncClient,
) -> None:
    task = (await http.post("/internal/v1/tasks", json={"title": "A"})).json()
    await http.patch(f"/internal/v1/tasks/{task['id']}", json={"completed": True})
    await http.delete(f"/internal/v1/tasks/{task['id']}")

    everything = await http.get("/internal/v1/events", params={"after": 0})
    later = await http.get("/internal/v1/events", params={"after": 1, "limit": 1})
    none = await http.get("/internal/v1/events", params={"after": 3})

    assert everything.status_code == 200
    body = everything.json()
    assert [(e["version"], e["type"], e["actor"]) for e in body["events"]] == [
        (1, "task.created", "api"),
        (2, "task.completed", "api"),
        (3, "task.deleted", "api"),
    ]
    assert body["events"][2]["task"]["deleted_at"] is not None
    assert body["latest_version"] == 3
    assert [e["version"] for e in later.json()["events"]] == [2]
    assert none.json() == {"events": [], "latest_version": 3}


async def test_unknown_and_other_users_tasks_answer_the_same_404(
    http: httpx2.AsyncClient, acting: Acting
) -> None:
    owner = acting.user
    task = (await http.post("/internal/v1/tasks", json={"title": "Mine"})).json()
    acting.user = uuid.uuid4()

    foreign = await http.get(f"/internal/v1/tasks/{task['id']}")
    missing_id = uuid.uuid4()
    missing = await http.get(f"/internal/v1/tasks/{missing_id}")
    foreign_patch = await http.patch(f"/internal/v1/tasks/{task['id']}", json={"title": "x"})

    assert foreign.status_code == missing.status_code == foreign_patch.status_code == 404
    assert foreign.json()["detail"] == f"No task with id {task['id']}. " + (
        "Call list_tasks to find the task's id."
    )
    assert missing.json()["detail"] == foreign.json()["detail"].replace(task["id"], str(missing_id))
    acting.user = owner
    assert (await http.get(f"/internal/v1/tasks/{task['id']}")).json()["title"] == "Mine"


async def test_openapi_documents_the_internal_api(http: httpx2.AsyncClient) -> None:
    response = await http.get("/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths) == {
        "/internal/v1/tasks",
        "/internal/v1/tasks/{task_id}",
        "/internal/v1/tasks/{task_id}/restore",
        "/internal/v1/events",
    }
    assert set(paths["/internal/v1/tasks/{task_id}"]) == {"get", "patch", "delete"}


async def test_health_and_metrics_need_no_identity(raw_http: httpx2.AsyncClient) -> None:
    healthz = await raw_http.get("/healthz")
    readyz = await raw_http.get("/readyz")
    metrics = await raw_http.get("/metrics")

    assert (healthz.status_code, healthz.json()) == (200, {"status": "ok"})
    assert (readyz.status_code, readyz.json()) == (
        200,
        {"status": "ok", "checks": {"database": "ok"}},
    )
    assert metrics.status_code == 200
    assert "mcp_tasks_tool_calls_total" in metrics.text
