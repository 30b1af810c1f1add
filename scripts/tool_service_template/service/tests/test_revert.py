"""revert_change: each change put back exactly, refused after a later change; and the REST
twin gives the same answers as the tools."""

import uuid
from typing import Any

import httpx2
import pytest
from mcp import Client
from servicekit.testkit.clients import Acting, error_text, event_version, ok
from servicekit.testkit.under_test import UserRows

pytestmark = pytest.mark.anyio

API = "/api/v1/entries"

EDITABLE = ("title", "body", "tags")


def fields(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record[name] for name in EDITABLE)


async def test_reverting_each_change_puts_the_record_back(tools: Client) -> None:
    created = await tools.call_tool("create_entry", {"title": "one", "body": "a", "tags": ["x"]})
    record = ok(created)
    updated = await tools.call_tool(
        "update_entry", {"entry_id": record["id"], "title": "two", "tags": []}
    )

    undo_update = await tools.call_tool("revert_change", {"version": event_version(updated)})
    deleted = await tools.call_tool("delete_entry", {"entry_id": record["id"]})
    undo_delete = await tools.call_tool("revert_change", {"version": event_version(deleted)})
    undo_create = await tools.call_tool("revert_change", {"version": event_version(created)})

    assert fields(ok(undo_update)) == fields(record)
    assert event_version(undo_update) == event_version(updated) + 1
    assert fields(ok(undo_delete)) == fields(record)
    assert ok(await tools.call_tool("get_entry", {"entry_id": record["id"]}))["id"] == record["id"]
    # The creation is not the record's latest change any more: refused, nothing changed.
    assert "changed after version" in error_text(undo_create)


async def test_reverting_a_creation_deletes_and_reverting_that_restores(tools: Client) -> None:
    created = await tools.call_tool("create_entry", {"title": "temporary"})
    record = ok(created)

    undone = await tools.call_tool("revert_change", {"version": event_version(created)})
    gone = await tools.call_tool("get_entry", {"entry_id": record["id"]})
    redone = await tools.call_tool("revert_change", {"version": event_version(undone)})

    assert "No entry with id" in error_text(gone)
    assert fields(ok(redone)) == fields(record)


async def test_a_change_followed_by_another_is_not_reverted(
    tools: Client, rows: UserRows, acting: Acting
) -> None:
    record = ok(await tools.call_tool("create_entry", {"title": "one"}))
    first = await tools.call_tool("update_entry", {"entry_id": record["id"], "title": "two"})
    await tools.call_tool("update_entry", {"entry_id": record["id"], "title": "three"})
    _, events_before = await rows(acting.user)

    refused = await tools.call_tool("revert_change", {"version": event_version(first)})

    assert "changed after version" in error_text(refused)
    assert (await rows(acting.user))[1] == events_before
    current = ok(await tools.call_tool("get_entry", {"entry_id": record["id"]}))
    assert current["title"] == "three"


async def test_another_users_change_cannot_be_reverted(
    http: httpx2.AsyncClient, acting: Acting, rows: UserRows
) -> None:
    owner = acting.user
    created = await http.post(API, json={"title": "mine"})
    acting.user = uuid.uuid4()

    refused = await http.post(f"/api/v1/events/{created.headers['x-event-version']}/revert")

    assert refused.status_code == 409
    assert "mine" not in refused.text
    records, events = await rows(owner)
    assert [(record.title, record.deleted_at) for record in records] == [("mine", None)]
    assert len(events) == 1


async def test_rest_and_tools_give_the_same_answers(
    tools: Client, http: httpx2.AsyncClient
) -> None:
    by_tool = await tools.call_tool("create_entry", {"title": "Twin", "body": "b", "tags": ["t"]})
    by_rest = await http.post(API, json={"title": "Twin", "body": "b", "tags": ["t"]})
    tool_record, rest_record = ok(by_tool), by_rest.json()

    assert fields(tool_record) == fields(rest_record)
    assert int(by_rest.headers["x-event-version"]) == event_version(by_tool) + 1
    assert (await http.get(f"{API}/{tool_record['id']}")).json() == tool_record
    assert ok(await tools.call_tool("get_entry", {"entry_id": rest_record["id"]})) == rest_record
    listed = (await http.get(API, params={"query": "twin"})).json()
    searched = ok(await tools.call_tool("search_entries", {"query": "twin"}))
    assert listed == searched
    assert {record["id"] for record in listed["entries"]} == {tool_record["id"], rest_record["id"]}

    patched = await http.patch(f"{API}/{rest_record['id']}", json={"title": "Changed"})
    reverted = await http.post(f"/api/v1/events/{patched.headers['x-event-version']}/revert")
    conflict = await http.post(f"/api/v1/events/{by_rest.headers['x-event-version']}/revert")
    missing = await http.get(f"{API}/{uuid.uuid4()}")
    invalid = await http.post(API, json={"title": ""})
    unknown_field = await http.post(API, json={"title": "x", "colour": "red"})

    assert patched.json()["title"] == "Changed"
    assert fields(reverted.json()) == fields(rest_record)
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"
    assert missing.status_code == 404
    assert invalid.status_code == 422
    assert invalid.json()["field"] == "title"
    assert unknown_field.status_code == 422
