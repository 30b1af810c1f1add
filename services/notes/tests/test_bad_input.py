"""Malformed requests get a clear error with the right status, never a 500, and store
nothing."""

import httpx2
import pytest
from mcp import Client
from servicekit.testkit.clients import Acting, error_text
from servicekit.testkit.under_test import StartedApp, UserRows

pytestmark = pytest.mark.anyio

API = "/api/v1/notes"

JSON = {"content-type": "application/json"}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", API, b"{not json"),
        ("POST", API, b'{"title": 5}'),
        ("POST", API, b"[]"),
        ("POST", API, b'{"title": "ok", "tags": "not a list"}'),
        ("PATCH", f"{API}/not-a-uuid", b'{"title": "x"}'),
        ("GET", f"{API}?limit=1000", b""),
        ("GET", f"{API}?limit=many", b""),
        ("POST", "/api/v1/events/0/revert", b""),
        ("POST", "/api/v1/events/x/revert", b""),
    ],
)
async def test_malformed_rest_requests_answer_422_and_store_nothing(
    http: httpx2.AsyncClient, rows: UserRows, acting: Acting, method: str, path: str, body: bytes
) -> None:
    response = await http.request(method, path, content=body, headers=JSON)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in response.text
    assert await rows(acting.user) == ([], [])


async def test_a_body_over_the_limit_answers_413_and_stores_nothing(
    started_app: StartedApp, acting: Acting, rows: UserRows
) -> None:
    async with started_app(max_body_bytes=1024) as http:
        response = await http.post(API, json={"title": "big", "body": "x" * 4096})

    assert response.status_code == 413
    assert await rows(acting.user) == ([], [])


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("create_note", {"title": 5}),
        ("create_note", {}),
        ("search_notes", {"limit": "many"}),
        ("revert_change", {"version": "latest"}),
        ("revert_change", {"version": 0}),
        ("get_note", {"note_id": None}),
    ],
)
async def test_wrong_tool_arguments_are_tool_errors_and_store_nothing(
    tools: Client, rows: UserRows, acting: Acting, tool: str, arguments: dict[str, object]
) -> None:
    result = await tools.call_tool(tool, arguments)

    assert error_text(result)
    assert await rows(acting.user) == ([], [])
