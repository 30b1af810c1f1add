"""Every MCP tool, through the in-memory client and over HTTP with signed identity headers."""

import uuid
from datetime import date, timedelta
from typing import Any

import httpx2
import pytest
from mcp import Client
from servicekit.testkit.clients import Acting, error_text, http_mcp_client, ok
from servicekit.testkit.under_test import SignedClient, UserRows

pytestmark = pytest.mark.anyio

TOMORROW = (date.today() + timedelta(days=1)).isoformat()


async def add(client: Client, **arguments: Any) -> dict[str, Any]:
    task: dict[str, Any] = ok(await client.call_tool("add_task", arguments))["task"]
    return task


async def test_tool_list_declares_every_tool_with_true_annotations_and_output_schemas(
    tools: Client,
) -> None:
    listed = {tool.name: tool for tool in (await tools.list_tools()).tools}

    hints = {
        name: (
            tool.annotations.read_only_hint,
            tool.annotations.destructive_hint,
            tool.annotations.idempotent_hint,
        )
        for name, tool in listed.items()
        if tool.annotations is not None
    }
    assert hints == {
        "add_task": (False, False, False),
        "list_tasks": (True, False, True),
        "get_task": (True, False, True),
        "update_task": (False, False, True),
        "complete_task": (False, False, True),
        "reopen_task": (False, False, True),
        "delete_task": (False, True, True),
        "restore_task": (False, False, True),
        "clear_completed": (False, True, True),
    }
    for tool in listed.values():
        assert tool.description
        assert tool.output_schema is not None
        assert "user" not in " ".join(tool.input_schema.get("properties", {}))
    assert listed["add_task"].input_schema["required"] == ["title"]
    priority = listed["add_task"].input_schema["properties"]["priority"]
    assert priority["enum"] == ["low", "normal", "high"]


async def test_add_task_normalises_input_and_logs_a_created_event_by_chat(
    tools: Client, acting: Acting, rows: UserRows
) -> None:
    task = await add(
        tools,
        title="  Buy milk  ",
        description="2 litres",
        due_date=TOMORROW,
        priority="high",
        tags=["Home", "home", " Errands "],
    )

    assert task == {
        "id": task["id"],
        "title": "Buy milk",
        "description": "2 litres",
        "due_date": TOMORROW,
        "priority": "high",
        "tags": ["home", "errands"],
        "completed": False,
        "completed_at": None,
        "created_at": task["created_at"],
        "updated_at": task["created_at"],
        "deleted_at": None,
    }
    tasks, events = await rows(acting.user)
    assert [str(row.id) for row in tasks] == [task["id"]]
    assert [(e.version, e.type, str(e.task_id), e.actor, e.before) for e in events] == [
        (1, "task.created", task["id"], "chat", None)
    ]
    assert events[0].after == task


async def test_add_task_with_a_mistake_returns_a_tool_error_saying_what_to_do(
    tools: Client, acting: Acting, rows: UserRows
) -> None:
    too_long = error_text(await tools.call_tool("add_task", {"title": "x" * 201}))
    bad_date = error_text(await tools.call_tool("add_task", {"title": "a", "due_date": "31/12"}))
    bad_priority = error_text(
        await tools.call_tool("add_task", {"title": "a", "priority": "urgent"})
    )

    assert "201 characters long; the limit is 200" in too_long
    assert "Use the YYYY-MM-DD format" in bad_date
    assert "Use one of: low, normal, high" in bad_priority
    assert await rows(acting.user) == ([], [])


async def test_list_tasks_sorts_by_due_date_with_undated_last_and_filters(
    tools: Client,
) -> None:
    today = date.today()
    undated = await add(tools, title="Someday read a book", tags=["reading"])
    later = await add(tools, title="Pay rent", due_date=(today + timedelta(days=5)).isoformat())
    overdue = await add(tools, title="Call mum", due_date=(today - timedelta(days=2)).isoformat())
    soon = await add(
        tools, title="Water plants", due_date=today.isoformat(), description="the BALCONY ones"
    )
    done = await add(tools, title="Old chore")
    ok(await tools.call_tool("complete_task", {"task_id": done["id"]}))

    async def ids(**arguments: Any) -> list[str]:
        page = ok(await tools.call_tool("list_tasks", arguments))
        return [task["id"] for task in page["tasks"]]

    assert await ids() == [overdue["id"], soon["id"], later["id"], undated["id"]]
    assert await ids(status="completed") == [done["id"]]
    assert await ids(status="all") == [
        overdue["id"],
        soon["id"],
        later["id"],
        undated["id"],
        done["id"],
    ]
    assert await ids(overdue=True) == [overdue["id"]]
    assert await ids(due_on=today.isoformat()) == [soon["id"]]
    assert await ids(due_before=today.isoformat()) == [overdue["id"], soon["id"]]
    assert await ids(tag="READING") == [undated["id"]]
    assert await ids(query="balcony plants") == [soon["id"]]
    assert await ids(query="100%") == []


async def test_list_tasks_pages_with_a_cursor_until_next_cursor_is_null(tools: Client) -> None:
    created = [await add(tools, title=f"task {n}") for n in range(5)]

    first = ok(await tools.call_tool("list_tasks", {"limit": 2}))
    second = ok(await tools.call_tool("list_tasks", {"limit": 2, "cursor": first["next_cursor"]}))
    third = ok(await tools.call_tool("list_tasks", {"limit": 2, "cursor": second["next_cursor"]}))

    pages = [first, second, third]
    assert [[task["title"] for task in page["tasks"]] for page in pages] == [
        ["task 0", "task 1"],
        ["task 2", "task 3"],
        ["task 4"],
    ]
    assert third["next_cursor"] is None
    assert [task["id"] for page in pages for task in page["tasks"]] == [t["id"] for t in created]
    bad = error_text(await tools.call_tool("list_tasks", {"cursor": "not-a-cursor"}))
    assert "The cursor is not valid" in bad


async def test_get_task_returns_the_task_and_an_unknown_id_tells_to_list_tasks(
    tools: Client,
) -> None:
    task = await add(tools, title="Find me")
    missing = str(uuid.uuid4())

    assert ok(await tools.call_tool("get_task", {"task_id": task["id"]})) == {"task": task}
    assert error_text(await tools.call_tool("get_task", {"task_id": missing})) == (
        f"Error executing tool get_task: No task with id {missing}. "
        "Call list_tasks to find the task's id."
    )
    assert "No task with id 1234." in error_text(
        await tools.call_tool("get_task", {"task_id": "1234"})
    )


async def test_update_task_changes_only_given_fields_and_reports_previous_values(
    tools: Client, acting: Acting, rows: UserRows
) -> None:
    task = await add(tools, title="Draft", due_date=TOMORROW, tags=["work"])

    result = ok(
        await tools.call_tool(
            "update_task",
            {"task_id": task["id"], "title": "Final", "priority": "low", "tags": ["work"]},
        )
    )
    cleared = ok(
        await tools.call_tool("update_task", {"task_id": task["id"], "clear_due_date": True})
    )
    unchanged = ok(await tools.call_tool("update_task", {"task_id": task["id"], "title": "Final"}))

    assert result["previous"] == {"title": "Draft", "priority": "normal"}
    assert {k: result["task"][k] for k in ("title", "priority", "tags", "due_date")} == {
        "title": "Final",
        "priority": "low",
        "tags": ["work"],
        "due_date": TOMORROW,
    }
    assert cleared["previous"] == {"due_date": TOMORROW}
    assert cleared["task"]["due_date"] is None
    assert unchanged["previous"] == {}
    _, events = await rows(acting.user)
    assert [e.type for e in events] == ["task.created", "task.updated", "task.updated"]
    assert events[1].before["title"] == "Draft"
    assert events[1].after["title"] == "Final"


async def test_complete_and_reopen_task_are_idempotent_and_log_one_event_each(
    tools: Client, acting: Acting, rows: UserRows
) -> None:
    task = await add(tools, title="Laundry")

    first = ok(await tools.call_tool("complete_task", {"task_id": task["id"]}))
    again = ok(await tools.call_tool("complete_task", {"task_id": task["id"]}))
    reopened = ok(await tools.call_tool("reopen_task", {"task_id": task["id"]}))
    reopened_again = ok(await tools.call_tool("reopen_task", {"task_id": task["id"]}))

    assert first["task"]["completed"] is True
    assert first["task"]["completed_at"] is not None
    assert first["previous"]["completed"] is False
    # Nothing changed the second time, and the result says so.
    assert (again["task"], again["previous"]) == (first["task"], {})
    assert reopened["task"]["completed"] is False
    assert reopened["task"]["completed_at"] is None
    assert reopened["previous"]["completed"] is True
    assert (reopened_again["task"], reopened_again["previous"]) == (reopened["task"], {})
    _, events = await rows(acting.user)
    assert [e.type for e in events] == ["task.created", "task.completed", "task.reopened"]


async def test_delete_task_hides_the_task_until_restore_task_brings_it_back(
    tools: Client, acting: Acting, rows: UserRows
) -> None:
    task = await add(tools, title="Temporary")

    deleted = ok(await tools.call_tool("delete_task", {"task_id": task["id"]}))["task"]
    listed_after_delete = ok(await tools.call_tool("list_tasks", {"status": "all"}))["tasks"]
    get_error = error_text(await tools.call_tool("get_task", {"task_id": task["id"]}))
    restored = ok(await tools.call_tool("restore_task", {"task_id": task["id"]}))["task"]
    listed_after_restore = ok(await tools.call_tool("list_tasks", {}))["tasks"]

    assert deleted["deleted_at"] is not None
    assert listed_after_delete == []
    assert "No task with id" in get_error
    assert restored["deleted_at"] is None
    assert [t["id"] for t in listed_after_restore] == [task["id"]]
    _, events = await rows(acting.user)
    assert [e.type for e in events] == ["task.created", "task.deleted", "task.restored"]


async def test_clear_completed_deletes_only_completed_tasks_with_one_event_each(
    tools: Client, acting: Acting, rows: UserRows
) -> None:
    keep = await add(tools, title="Keep")
    done = [await add(tools, title=f"Done {n}") for n in range(3)]
    for task in done:
        ok(await tools.call_tool("complete_task", {"task_id": task["id"]}))

    result = ok(await tools.call_tool("clear_completed", {}))
    again = ok(await tools.call_tool("clear_completed", {}))

    assert result["count"] == 3
    assert sorted(result["task_ids"]) == sorted(task["id"] for task in done)
    assert again == {"count": 0, "task_ids": []}
    listed = ok(await tools.call_tool("list_tasks", {"status": "all"}))["tasks"]
    assert [task["id"] for task in listed] == [keep["id"]]
    _, events = await rows(acting.user)
    deleted = [e for e in events if e.type == "task.deleted"]
    assert sorted(str(e.task_id) for e in deleted) == sorted(result["task_ids"])
    assert [e.version for e in events] == list(range(1, len(events) + 1))


async def test_clear_completed_with_task_ids_deletes_only_those_still_completed(
    tools: Client, acting: Acting, rows: UserRows
) -> None:
    done = [await add(tools, title=f"Done {n}") for n in range(4)]
    for task in done:
        ok(await tools.call_tool("complete_task", {"task_id": task["id"]}))
    ok(await tools.call_tool("reopen_task", {"task_id": done[1]["id"]}))
    shown = [done[0]["id"], done[1]["id"], str(uuid.uuid4())]

    result = ok(await tools.call_tool("clear_completed", {"task_ids": shown}))
    bad = error_text(await tools.call_tool("clear_completed", {"task_ids": ["nope"]}))

    assert result == {"count": 1, "task_ids": [done[0]["id"]]}
    assert "task_ids" in bad
    listed = ok(await tools.call_tool("list_tasks", {"status": "all"}))["tasks"]
    assert sorted(t["id"] for t in listed) == sorted(t["id"] for t in done[1:])
    _, events = await rows(acting.user)
    assert [e.type for e in events].count("task.deleted") == 1


async def test_tool_calls_over_http_record_the_callers_trace_id_in_the_event_log(
    make_signed_client: SignedClient, acting: Acting, rows: UserRows
) -> None:
    trace_id = uuid.uuid4().hex
    traceparent = f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01"
    async with make_signed_client(acting) as http:
        http.headers["traceparent"] = traceparent
        async with http_mcp_client(http) as client:
            await add(client, title="Traced")

    _, events = await rows(acting.user)
    assert [(e.type, e.trace_id) for e in events] == [("task.created", trace_id)]


async def test_metrics_count_tool_calls_by_name_and_outcome(
    tools: Client, raw_http: httpx2.AsyncClient
) -> None:
    await add(tools, title="Counted")
    await tools.call_tool("get_task", {"task_id": str(uuid.uuid4())})

    response = await raw_http.get("/metrics")

    assert response.status_code == 200
    assert 'mcp_tasks_tool_calls_total{outcome="ok",tool="add_task",transport="mcp"}' in (
        response.text
    )
    assert 'mcp_tasks_tool_calls_total{outcome="error",tool="get_task",transport="mcp"}' in (
        response.text
    )
    assert "mcp_tasks_tool_call_duration_seconds_bucket" in response.text
