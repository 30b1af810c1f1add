"""Clients nobody here wrote, against uvicorn serving the app as operators run it: the official
Python MCP client and the TypeScript SDK, both over signed streamable HTTP."""

import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import httpx2
import pytest
from conftest import LiveServer
from servicekit.identity import IdentitySigner, signing_hook
from servicekit.testkit.clients import (
    TEST_KEY_ID,
    TEST_SECRET,
    Acting,
    error_text,
    http_mcp_client,
    ok,
)
from servicekit.testkit.under_test import UserRows

TS_CLIENT = Path(__file__).parent / "ts-client"
TOOLS = {
    "add_task",
    "list_tasks",
    "get_task",
    "update_task",
    "complete_task",
    "reopen_task",
    "delete_task",
    "restore_task",
    "clear_completed",
}


@pytest.mark.anyio
async def test_official_python_client_calls_every_tool_over_uvicorn(
    live_server: LiveServer, signer: IdentitySigner, acting: Acting, rows: UserRows
) -> None:
    hook = signing_hook(signer, lambda: acting.user)
    async with (
        httpx2.AsyncClient(base_url=live_server.base_url, event_hooks={"request": [hook]}) as http,
        http_mcp_client(http) as client,
    ):
        names = {tool.name for tool in (await client.list_tools()).tools}
        task = ok(await client.call_tool("add_task", {"title": "Over uvicorn"}))["task"]
        other = ok(await client.call_tool("add_task", {"title": "Other"}))["task"]
        listed = ok(await client.call_tool("list_tasks", {}))
        fetched = ok(await client.call_tool("get_task", {"task_id": task["id"]}))
        updated = ok(await client.call_tool("update_task", {"task_id": task["id"], "tags": ["Py"]}))
        completed = ok(await client.call_tool("complete_task", {"task_id": task["id"]}))
        reopened = ok(await client.call_tool("reopen_task", {"task_id": task["id"]}))
        deleted = ok(await client.call_tool("delete_task", {"task_id": other["id"]}))
        restored = ok(await client.call_tool("restore_task", {"task_id": other["id"]}))
        ok(await client.call_tool("complete_task", {"task_id": other["id"]}))
        cleared = ok(await client.call_tool("clear_completed", {}))
        missing = error_text(await client.call_tool("get_task", {"task_id": str(uuid.uuid4())}))

    assert names == TOOLS
    assert [t["id"] for t in listed["tasks"]] == [task["id"], other["id"]]
    assert fetched == {"task": task}
    assert updated["previous"] == {"tags": []}
    assert completed["task"]["completed"] is True
    assert reopened["task"]["completed"] is False
    assert deleted["task"]["deleted_at"] is not None
    assert restored["task"]["deleted_at"] is None
    assert cleared == {"count": 1, "task_ids": [other["id"]]}
    assert "Call list_tasks to find the task's id." in missing
    _, events = await rows(acting.user)
    assert [e.type for e in events] == [
        "task.created",
        "task.created",
        "task.updated",
        "task.completed",
        "task.reopened",
        "task.deleted",
        "task.restored",
        "task.completed",
        "task.deleted",
    ]
    assert {e.actor for e in events} == {"chat"}


def run_ts_client(live_server: LiveServer, user: uuid.UUID) -> dict[str, Any]:
    npm, node = shutil.which("npm"), shutil.which("node")
    if npm is None or node is None:
        pytest.fail("Node.js 20+ with npm is required for the TypeScript client test")
    if not (TS_CLIENT / "node_modules" / "@modelcontextprotocol" / "sdk").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=TS_CLIENT, check=True, timeout=300
        )
    env = {
        **os.environ,
        "MCP_URL": f"{live_server.base_url}/mcp",
        "IDENTITY_KEY_ID": TEST_KEY_ID,
        "IDENTITY_SECRET": TEST_SECRET,
        "IDENTITY_USER": str(user),
    }
    completed = subprocess.run(
        [node, "client.mjs"],
        cwd=TS_CLIENT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    output: dict[str, Any] = json.loads(completed.stdout)
    return output


def test_typescript_sdk_client_lists_and_calls_every_tool_with_structured_results(
    live_server: LiveServer,
) -> None:
    user = uuid.uuid4()

    output = run_ts_client(live_server, user)

    assert {tool["name"] for tool in output["tools"]} == TOOLS
    assert all(tool["hasOutputSchema"] for tool in output["tools"])
    hints = {tool["name"]: tool["annotations"]["destructiveHint"] for tool in output["tools"]}
    assert {name for name, destructive in hints.items() if destructive} == {
        "delete_task",
        "clear_completed",
    }
    task = output["add_task"]["structuredContent"]["task"]
    assert (task["title"], task["tags"], task["due_date"]) == (
        "From TypeScript",
        ["ts"],
        "2030-05-06",
    )
    assert [t["title"] for t in output["list_tasks"]["structuredContent"]["tasks"]] == [
        "From TypeScript",
        "Second",
    ]
    assert output["get_task"]["structuredContent"] == {"task": task}
    assert output["update_task"]["structuredContent"]["previous"] == {"priority": "normal"}
    assert output["complete_task"]["structuredContent"]["task"]["completed"] is True
    assert output["reopen_task"]["structuredContent"]["task"]["completed"] is False
    assert output["delete_task"]["structuredContent"]["task"]["deleted_at"] is not None
    assert output["restore_task"]["structuredContent"]["task"]["deleted_at"] is None
    assert output["clear_completed"]["structuredContent"] == {"count": 1, "task_ids": [task["id"]]}
    assert output["unknown_task"]["isError"] is True
    assert "Call list_tasks to find the task's id." in output["unknown_task"]["text"]
    for name in TOOLS:
        assert output[name]["isError"] is False, output[name]
