"""The dashboard's task API, /api/v1/tasks: the suite's source of truth about tasks."""

from typing import Any

import httpx

from .accounts import Account

TASKS_PATH = "/api/v1/tasks"
Task = dict[str, Any]


async def list_tasks(client: httpx.AsyncClient, account: Account, **filters: str) -> list[Task]:
    """Every task matching ``filters`` (following next_cursor)."""
    tasks: list[Task] = []
    params: dict[str, str] = {"limit": "200", **filters}
    while True:
        answer = await client.get(TASKS_PATH, params=params, headers=account.headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        tasks.extend(body["tasks"])
        if not body["next_cursor"]:
            return tasks
        params["cursor"] = body["next_cursor"]


async def all_tasks(client: httpx.AsyncClient, account: Account) -> list[Task]:
    """Pending and completed tasks (deleted ones are not listed)."""
    return await list_tasks(client, account, status="all")


async def create_task(client: httpx.AsyncClient, account: Account, **fields: Any) -> Task:
    """POST a task; fails unless it is created."""
    answer = await client.post(TASKS_PATH, json=fields, headers=account.headers)
    assert answer.status_code == 201, answer.text
    task: Task = answer.json()
    return task


async def get_task(client: httpx.AsyncClient, account: Account, task_id: str) -> httpx.Response:
    """GET one task."""
    return await client.get(f"{TASKS_PATH}/{task_id}", headers=account.headers)


async def only_task(client: httpx.AsyncClient, account: Account, title: str) -> Task:
    """The single listed task with this title (case-insensitive)."""
    matches = [t for t in await all_tasks(client, account) if t["title"].lower() == title.lower()]
    assert len(matches) == 1, f"expected one task titled {title!r}, found {matches}"
    return matches[0]
