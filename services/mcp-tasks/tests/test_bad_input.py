"""Bad input gets a clear error, never a 5xx, and nothing is written."""

import base64
import json
from typing import Any
from uuid import uuid4

import httpx2
import pytest
from mcp import Client
from servicekit.testkit.clients import Acting, error_text
from servicekit.testkit.under_test import MemoryMCP, UserRows

pytestmark = pytest.mark.anyio

ONE_MEGABYTE_AND_MORE = 1024 * 1024 + 1
MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "a", "description": "d" * 5001}, "description"),
        ({"title": "a", "tags": [f"t{n}" for n in range(11)]}, "tags"),
        ({"title": "a", "tags": ["x" * 33]}, "tags"),
        ({"title": "a", "tags": [""]}, "tags"),
        ({"title": "NUL\x00byte"}, "title"),
        ({"title": "a", "description": "NUL\x00byte"}, "description"),
        ({"title": "a", "tags": ["n\x00l"]}, "tags"),
    ],
)
async def test_rest_create_breaking_a_rule_answers_422_naming_the_field(
    http: httpx2.AsyncClient, acting: Acting, rows: UserRows, body: dict[str, Any], field: str
) -> None:
    response = await http.post("/internal/v1/tasks", json=body)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field
    assert response.json()["detail"]
    assert await rows(acting.user) == ([], [])


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"title": 123}, ["body", "title"]),
        ({"title": "a", "tags": "home"}, ["body", "tags"]),
        ({"title": "a", "priority": "urgent"}, ["body", "priority"]),
        ({"title": "a", "due_date": "2025-02-30"}, ["body", "due_date"]),
        ({"title": "a", "due_date": "tomorrow"}, ["body", "due_date"]),
        ({"title": "a", "owner": "someone-else"}, ["body", "owner"]),
        ({"title": "a", "user_id": "00000000-0000-0000-0000-000000000000"}, ["body", "user_id"]),
        ({}, ["body", "title"]),
    ],
)
async def test_rest_create_with_wrong_types_dates_or_unknown_fields_answers_422(
    http: httpx2.AsyncClient,
    acting: Acting,
    rows: UserRows,
    body: dict[str, Any],
    location: list[str],
) -> None:
    response = await http.post("/internal/v1/tasks", json=body)

    assert response.status_code == 422
    assert response.json()["detail"] == "The request is not valid."
    assert [error["loc"] for error in response.json()["errors"]] == [location]
    assert await rows(acting.user) == ([], [])


async def test_rest_patch_with_unknown_fields_or_a_bad_id_changes_nothing(
    http: httpx2.AsyncClient, acting: Acting, rows: UserRows
) -> None:
    task = (await http.post("/internal/v1/tasks", json={"title": "Keep"})).json()
    before = await rows(acting.user)

    unknown = await http.patch(f"/internal/v1/tasks/{task['id']}", json={"done": True})
    bad_id = await http.patch("/internal/v1/tasks/not-a-uuid", json={"title": "x"})
    long_title = await http.patch(f"/internal/v1/tasks/{task['id']}", json={"title": "x" * 300})

    assert (unknown.status_code, bad_id.status_code, long_title.status_code) == (422, 422, 422)
    assert long_title.json()["field"] == "title"
    assert await rows(acting.user) == before


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": "201"},
        {"status": "done"},
        {"due_on": "31-12-2025"},
        {"due_before": "soon"},
        {"cursor": "%%%"},
        {"overdue": "maybe"},
        {"query": "nul\x00byte"},
        {"tag": "n\x00l"},
    ],
)
async def test_rest_list_with_bad_filters_answers_422(
    http: httpx2.AsyncClient, params: dict[str, str]
) -> None:
    response = await http.get("/internal/v1/tasks", params=params)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("params", [{"after": "-1"}, {"after": "x"}, {"limit": "1001"}])
async def test_rest_events_with_bad_parameters_answers_422(
    http: httpx2.AsyncClient, params: dict[str, str]
) -> None:
    response = await http.get("/internal/v1/events", params=params)

    assert response.status_code == 422


@pytest.mark.parametrize("path", ["/internal/v1/tasks", "/mcp"])
async def test_bodies_over_one_mebibyte_answer_413_and_write_nothing(
    http: httpx2.AsyncClient, acting: Acting, rows: UserRows, path: str
) -> None:
    body = json.dumps({"title": "big", "description": "x" * ONE_MEGABYTE_AND_MORE}).encode()

    response = await http.post(path, content=body, headers=MCP_HEADERS)

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413
    assert await rows(acting.user) == ([], [])


async def test_rest_invalid_json_answers_422(
    http: httpx2.AsyncClient, acting: Acting, rows: UserRows
) -> None:
    response = await http.post(
        "/internal/v1/tasks", content=b'{"title": ', headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert await rows(acting.user) == ([], [])


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"jsonrpc": "1.0", "id": 1, "method": "tools/call"}',
        b'{"jsonrpc": "2.0", "id": 1}',
        b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": "add_task"}',
        b'{"jsonrpc": "2.0", "id": 1, "method": "no/such/method"}',
        b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": 5}}',
    ],
)
async def test_invalid_json_rpc_gets_a_clear_error_and_never_a_5xx(
    http: httpx2.AsyncClient, acting: Acting, rows: UserRows, body: bytes
) -> None:
    response = await http.post("/mcp", content=body, headers=MCP_HEADERS)

    assert response.status_code in (200, 400)
    payload = response.json()
    assert payload["jsonrpc"] == "2.0"
    assert payload["error"]["code"] in (-32700, -32600, -32601, -32602)
    assert payload["error"]["message"]
    assert await rows(acting.user) == ([], [])


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"title": 123}, "title"),
        ({"title": "a", "tags": "home"}, "tags"),
        ({"title": "a", "due_date": "2025-02-30"}, "YYYY-MM-DD"),
        ({"title": "a", "description": "d" * 5001}, "5001 characters long"),
        ({"title": "a", "owner": "x"}, "unknown argument(s) 'owner'. add_task accepts:"),
        ({"title": "a", "user_id": "x"}, "unknown argument(s) 'user_id'"),
        ({"title": "NUL\x00byte"}, "NUL character"),
        ({}, "title"),
    ],
)
async def test_tool_calls_with_bad_arguments_are_tool_errors_and_write_nothing(
    tools: Client,
    acting: Acting,
    rows: UserRows,
    arguments: dict[str, Any],
    expected: str,
) -> None:
    message = error_text(await tools.call_tool("add_task", arguments))

    assert message.startswith("Error executing tool add_task")
    assert expected in message
    assert await rows(acting.user) == ([], [])


async def test_an_unknown_tool_is_a_tool_error(tools: Client) -> None:
    assert error_text(await tools.call_tool("drop_all_tasks", {})) == "Unknown tool: drop_all_tasks"


def _cursor(*parts: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "body",
    [
        b'{"title": "x\\ud800y"}',
        b'{"title": "a", "description": "lone \\udfff"}',
        b'{"title": "a", "tags": ["\\ud83d"]}',
    ],
)
async def test_rest_create_with_a_lone_surrogate_answers_422_and_writes_nothing(
    http: httpx2.AsyncClient, acting: Acting, rows: UserRows, body: bytes
) -> None:
    response = await http.post(
        "/internal/v1/tasks", content=body, headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "surrogate" in response.json()["detail"]
    assert await rows(acting.user) == ([], [])


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("2026-W01-1", "2026-12-02T20:00:00+00:00", str(uuid4())),
        _cursor("2026-12-02", "2026-12-02T20:00:00", str(uuid4())),
        _cursor("infinity", "0001-01-01T00:00:00+14:00", str(uuid4())),
        _cursor("2026-12-02", "9999-12-31T23:59:59-14:00", str(uuid4())),
        _cursor(["2026-12-02"], "2026-12-02T20:00:00+00:00", str(uuid4())),
        _cursor("2026-12-02", "2026-12-02T20:00:00+00:00", "x\ud800"),
    ],
)
async def test_rest_list_with_a_crafted_cursor_answers_422(
    http: httpx2.AsyncClient, cursor: str
) -> None:
    response = await http.get("/internal/v1/tasks", params={"cursor": cursor})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == "cursor"


async def test_tool_call_with_a_lone_surrogate_is_a_tool_error_and_writes_nothing(
    memory_mcp: MemoryMCP, http: httpx2.AsyncClient, acting: Acting, rows: UserRows
) -> None:
    async with memory_mcp(acting.user) as tools:
        message = error_text(await tools.call_tool("add_task", {"title": "x\ud800y"}))
    # An MCP client library cannot send one (it encodes UTF-8 first); a raw request is refused
    # by the JSON-RPC parser already.
    call = (
        b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call",'
        b' "params": {"name": "add_task", "arguments": {"title": "x\\ud800y"}}}'
    )
    response = await http.post("/mcp", content=call, headers=MCP_HEADERS)

    assert message.startswith("Error executing tool add_task")
    assert "surrogate" in message
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32700
    assert await rows(acting.user) == ([], [])
