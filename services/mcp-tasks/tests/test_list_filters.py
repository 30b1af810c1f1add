"""list_tasks' filters (priority, and every filter combined), over MCP and REST alike."""

import uuid
from datetime import date, timedelta
from typing import Any

import httpx2
import pytest
from mcp import Client
from servicekit.testkit.clients import Acting, error_text, ok
from servicekit.testkit.under_test import MemoryMCP

pytestmark = pytest.mark.anyio

TODAY = date.today()


async def add(client: Client, **arguments: Any) -> dict[str, Any]:
    task: dict[str, Any] = ok(await client.call_tool("add_task", arguments))["task"]
    return task


async def listed(client: Client, **arguments: Any) -> list[str]:
    page = ok(await client.call_tool("list_tasks", arguments))
    return [task["title"] for task in page["tasks"]]


async def seed(client: Client) -> None:
    """Tasks that each miss exactly one of the combined filters used below."""
    due = (TODAY + timedelta(days=1)).isoformat()
    await add(client, title="Invoice ACME", due_date=due, priority="high", tags=["work"])
    await add(client, title="Invoice Globex", due_date=due, priority="high", tags=["work"])
    await add(client, title="Invoice home", due_date=due, priority="high", tags=["home"])
    await add(client, title="Invoice low", due_date=due, priority="low", tags=["work"])
    await add(client, title="Invoice later", priority="high", tags=["work"])
    await add(client, title="Email ACME", due_date=due, priority="high", tags=["work"])
    done = await add(client, title="Invoice done", due_date=due, priority="high", tags=["work"])
    ok(await client.call_tool("complete_task", {"task_id": done["id"]}))


async def test_list_tasks_filters_by_priority(tools: Client) -> None:
    await add(tools, title="Urgent", priority="high")
    await add(tools, title="Routine")
    await add(tools, title="Whenever", priority="low")

    assert await listed(tools, priority="high") == ["Urgent"]
    assert await listed(tools, priority="normal") == ["Routine"]
    assert await listed(tools, priority="low") == ["Whenever"]
    assert await listed(tools) == ["Urgent", "Routine", "Whenever"]


async def test_list_tasks_combines_tag_status_due_priority_and_query(tools: Client) -> None:
    await seed(tools)
    due = (TODAY + timedelta(days=1)).isoformat()

    assert await listed(
        tools, tag="work", status="pending", due_before=due, priority="high", query="invoice"
    ) == ["Invoice ACME", "Invoice Globex"]
    assert await listed(
        tools, tag="work", status="completed", due_on=due, priority="high", query="invoice"
    ) == ["Invoice done"]
    assert await listed(tools, tag="work", priority="low", query="acme") == []


async def test_list_tasks_with_an_unknown_priority_is_a_tool_error(tools: Client) -> None:
    message = error_text(await tools.call_tool("list_tasks", {"priority": "urgent"}))

    assert message == (
        "Error executing tool list_tasks: Priority 'urgent' is not valid. "
        "Use one of: low, normal, high."
    )


async def test_rest_list_combines_the_same_filters(http: httpx2.AsyncClient) -> None:
    due = (TODAY + timedelta(days=1)).isoformat()
    for title, priority, tags in [
        ("Invoice ACME", "high", ["work"]),
        ("Invoice low", "low", ["work"]),
        ("Invoice home", "high", ["home"]),
    ]:
        body = {"title": title, "priority": priority, "tags": tags, "due_date": due}
        assert (await http.post("/internal/v1/tasks", json=body)).status_code == 201

    response = await http.get(
        "/internal/v1/tasks",
        params={
            "priority": "high",
            "tag": "work",
            "status": "pending",
            "due_on": due,
            "query": "invoice",
        },
    )
    only_priority = await http.get("/internal/v1/tasks", params={"priority": "low"})

    assert response.status_code == 200
    assert [task["title"] for task in response.json()["tasks"]] == ["Invoice ACME"]
    assert only_priority.status_code == 200
    assert [task["title"] for task in only_priority.json()["tasks"]] == ["Invoice low"]


async def test_rest_list_with_an_unknown_priority_answers_422_problem(
    http: httpx2.AsyncClient,
) -> None:
    response = await http.get("/internal/v1/tasks", params={"priority": "urgent"})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 422


async def test_filters_never_reach_another_users_tasks(
    memory_mcp: MemoryMCP, http: httpx2.AsyncClient, acting: Acting
) -> None:
    other = uuid.uuid4()
    async with memory_mcp(other) as theirs:
        await seed(theirs)
    async with memory_mcp(acting.user) as mine:
        await add(mine, title="Invoice mine", priority="high", tags=["work"])
        mcp_titles = await listed(mine, priority="high", tag="work", query="invoice")
    response = await http.get(
        "/internal/v1/tasks", params={"priority": "high", "tag": "work", "status": "all"}
    )

    assert mcp_titles == ["Invoice mine"]
    assert response.status_code == 200
    assert [task["title"] for task in response.json()["tasks"]] == ["Invoice mine"]
