"""Isolation as a property: random interleaved operations by several users, through MCP and
REST; each user's view always equals a model of that user's own entries, and no answer ever
carries another user's data."""

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from mcp import Client
from servicekit.testkit.clients import Acting, http_mcp_client
from servicekit.testkit.isolation import Step, World, plans
from servicekit.testkit.under_test import SignedClient

pytestmark = pytest.mark.anyio

API = "/api/v1/entries"
OPERATIONS = ("add", "retitle", "delete", "get", "search", "revert")


@pytest.fixture
async def channels(
    make_signed_client: SignedClient, acting: Acting
) -> AsyncIterator[tuple[httpx2.AsyncClient, Client]]:
    async with make_signed_client(acting) as http, http_mcp_client(http) as mcp:
        yield http, mcp


async def perform(
    http: httpx2.AsyncClient, mcp: Client, step: Step, record_id: str
) -> tuple[bool, Any, str]:
    """Run one operation; returns (succeeded, the record or page, raw answer text)."""
    if step.via == "mcp":
        calls: dict[str, tuple[str, dict[str, Any]]] = {
            "add": ("create_entry", {"title": step.title}),
            "retitle": ("update_entry", {"entry_id": record_id, "title": step.title}),
            "delete": ("delete_entry", {"entry_id": record_id}),
            "get": ("get_entry", {"entry_id": record_id}),
            "search": ("search_entries", {"query": step.title}),
            "revert": ("revert_change", {"version": 1 + step.target % 5}),
        }
        name, arguments = calls[step.operation]
        result = await mcp.call_tool(name, arguments)
        return not result.is_error, result.structured_content, result.model_dump_json()
    url = f"{API}/{record_id}"
    if step.operation == "add":
        response = await http.post(API, json={"title": step.title})
    elif step.operation == "retitle":
        response = await http.patch(url, json={"title": step.title})
    elif step.operation == "delete":
        response = await http.delete(url)
    elif step.operation == "get":
        response = await http.get(url)
    elif step.operation == "search":
        response = await http.get(API, params={"query": step.title})
    else:
        response = await http.post(f"/api/v1/events/{1 + step.target % 5}/revert")
    assert response.status_code < 500, response.text
    return response.status_code in (200, 201), response.json(), response.text


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plans(OPERATIONS))
async def test_each_user_sees_exactly_their_own_entries_whatever_the_interleaving(
    channels: tuple[httpx2.AsyncClient, Client], acting: Acting, plan: list[Step]
) -> None:
    http, mcp = channels
    world = World()
    for step in plan:
        user = world.users[step.user]
        acting.user = user
        mine = world.titles.setdefault(user, {})
        record_id = world.target(step)

        succeeded, payload, raw = await perform(http, mcp, step, record_id)

        # A not-found error echoes the id the caller sent; anything else of another user is a leak.
        world.assert_no_leak(user, raw.replace(record_id, "<requested id>"))
        if step.operation in ("add", "search"):
            assert succeeded, (step, raw)
        elif step.operation in ("retitle", "delete", "get"):
            assert succeeded == (record_id in mine), (step, raw)
        if succeeded and step.operation == "add":
            world.added(user, payload["id"], step.title.strip())
        elif succeeded and step.operation == "retitle":
            mine[record_id] = step.title.strip()
        elif succeeded and step.operation == "delete":
            del mine[record_id]
        elif succeeded and step.operation == "revert":
            # The user's own record, put back: learn its state from the service itself.
            assert world.owner.get(payload["id"]) == user
            shown = await http.get(f"{API}/{payload['id']}")
            if shown.status_code == 200:
                mine[payload["id"]] = shown.json()["title"]
            else:
                mine.pop(payload["id"], None)
        for viewer in world.users:
            acting.user = viewer
            response = await http.get(API, params={"limit": 100})
            seen = {entry["id"]: entry["title"] for entry in response.json()["entries"]}
            assert seen == world.titles.get(viewer, {}), (step, viewer)
            world.assert_no_leak(viewer, response.text)
        acting.user = user
        listed = await mcp.call_tool("search_entries", {"limit": 100})
        assert listed.structured_content is not None
        assert {e["id"] for e in listed.structured_content["entries"]} == set(mine)
