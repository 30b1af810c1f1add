"""A tool service's dashboard endpoints obey the app's tool grants: its records and its live
record events are both what the service's records tool would show, so an app granted the
service but not that tool is refused both with 403, and an app not granted the service gets
404 as if it were not configured. Real gateway, auth, mcp-tasks, notes service and Redis."""

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from apps_harness import AppUser, SignIn, apps_config
from chat_gateway.config import Settings
from chat_harness import chat_gateway

pytestmark = pytest.mark.anyio

RECORDS = "/api/v1/tool-services/notes/records"
EVENTS = "/api/v1/tool-services/notes/events"


@pytest.fixture
async def gateway_url(
    chat_settings: Callable[..., Settings], notes_entry: dict[str, Any]
) -> AsyncIterator[str]:
    """The three apps and the notes service: tasks granted everything, errands no notes,
    pantry the notes service but only its create_note tool (not search_notes, its records
    tool)."""
    apps = json.loads(json.dumps(apps_config()))
    apps[2] = {
        **apps[2],
        "tool_services": ["tasks", "notes"],
        "tools": {"notes": ["create_note"]},
    }
    async with chat_gateway(chat_settings(apps=apps, tool_services=[notes_entry])) as url:
        yield url


async def answer_of(api: httpx.AsyncClient, path: str, user: AppUser) -> httpx.Response:
    """The status and headers of GET ``path``, and its body unless it is an event stream (the
    connection is closed once the headers arrived)."""
    async with api.stream("GET", path, headers=user.headers) as answer:
        if not answer.headers["content-type"].startswith("text/event-stream"):
            await answer.aread()
        return answer


async def records_and_events(
    gateway_url: str, sign_in: SignIn, app: str
) -> tuple[httpx.Response, httpx.Response]:
    """The answers to the notes records and to the notes events, for a user of ``app``."""
    user = (await sign_in([app]))[app]
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as api:
        return await answer_of(api, RECORDS, user), await answer_of(api, EVENTS, user)


def assert_problem(answer: httpx.Response, status: int, detail: str) -> None:
    assert answer.headers["content-type"].startswith("application/problem+json"), answer.headers
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["status"] == status
    assert detail in body["detail"]


async def test_an_app_without_the_records_tool_can_neither_list_nor_follow_the_records(
    gateway_url: str, sign_in: SignIn
) -> None:
    records, events = await records_and_events(gateway_url, sign_in, "pantry")

    assert_problem(records, 403, "'search_notes'")
    assert_problem(events, 403, "'search_notes'")


async def test_an_app_not_granted_the_service_finds_neither_its_records_nor_its_events(
    gateway_url: str, sign_in: SignIn
) -> None:
    records, events = await records_and_events(gateway_url, sign_in, "errands")

    assert_problem(records, 404, "'notes'")
    assert_problem(events, 404, "'notes'")


async def test_an_app_granted_the_records_tool_lists_and_follows_the_records(
    gateway_url: str, sign_in: SignIn
) -> None:
    records, events = await records_and_events(gateway_url, sign_in, "tasks")

    assert records.status_code == 200, records.text
    assert records.json() == {"service": "notes", "records": []}
    assert events.status_code == 200
    assert events.headers["content-type"].startswith("text/event-stream")
