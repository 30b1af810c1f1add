"""POST /api/v1/tasks/parse: a quick-add line read into a new task's fields, nothing created."""

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from live_harness import Gateway, User

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


def next_friday(today: date) -> date:
    return today + timedelta(days=(4 - today.weekday()) % 7 or 7)


async def assert_no_tasks(api: httpx.AsyncClient) -> None:
    listed = await api.get("/api/v1/tasks", params={"status": "all"})
    assert listed.status_code == 200, listed.text
    assert listed.json()["tasks"] == []


async def test_a_quick_add_line_is_read_into_task_fields_without_creating_a_task(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    zone = "Pacific/Auckland"
    async with client(gateway, user) as api:
        answer = await api.post(
            "/api/v1/tasks/parse",
            json={"text": "pay rent friday #home !high"},
            headers={"X-User-Timezone": zone},
        )
        today = datetime.now(ZoneInfo(zone)).date()
        assert answer.status_code == 200, answer.text
        assert answer.json() == {
            "title": "pay rent",
            "due_date": next_friday(today).isoformat(),
            "priority": "high",
            "tags": ["home"],
            "notes": [],
        }
        await assert_no_tasks(api)


async def test_a_plain_title_stays_whole_and_a_time_of_day_is_noted(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    async with client(gateway, user) as api:
        plain = await api.post("/api/v1/tasks/parse", json={"text": "show my tasks"})
        assert plain.status_code == 200, plain.text
        assert plain.json() == {
            "title": "show my tasks",
            "due_date": None,
            "priority": "normal",
            "tags": [],
            "notes": [],
        }
        timed = await api.post("/api/v1/tasks/parse", json={"text": "call mom tomorrow at 3pm"})
        assert timed.status_code == 200, timed.text
        body = timed.json()
        assert body["title"] == "call mom"
        assert body["notes"] == ["The time of day was not kept: tasks have a due date only."]
        await assert_no_tasks(api)


async def test_the_parsed_fields_are_a_valid_task_create_body(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    async with client(gateway, user) as api:
        answer = await api.post("/api/v1/tasks/parse", json={"text": "book flights #trip !low"})
        assert answer.status_code == 200, answer.text
        fields = {k: v for k, v in answer.json().items() if k != "notes"}
        created = await api.post("/api/v1/tasks", json=fields)
        assert created.status_code == 201, created.text
        task = created.json()
        assert (task["title"], task["priority"], task["tags"]) == ("book flights", "low", ["trip"])


@pytest.mark.parametrize(
    "body",
    [{}, {"text": ""}, {"text": "x" * 501}, {"text": 3}, {"text": "ok", "extra": 1}],
)
async def test_bad_quick_add_bodies_are_answered_422(
    gateway: Gateway, new_user: NewUser, body: dict[str, Any]
) -> None:
    user = await new_user()
    async with client(gateway, user) as api:
        assert_problem(await api.post("/api/v1/tasks/parse", json=body), 422)
        await assert_no_tasks(api)


async def test_a_line_of_only_shorthands_is_answered_422(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    async with client(gateway, user) as api:
        problem = assert_problem(
            await api.post("/api/v1/tasks/parse", json={"text": "  #home !high "}), 422
        )
        assert "no title" in problem["detail"]


async def test_parsing_needs_a_token(gateway: Gateway) -> None:
    async with client(gateway) as api:
        assert_problem(await api.post("/api/v1/tasks/parse", json={"text": "buy milk"}), 401)
