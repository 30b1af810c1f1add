"""Every MCP tool, in memory and over signed streamable HTTP: results, _meta, errors."""

import uuid

import pytest
from mcp import Client
from servicekit.testkit.clients import error_text, event_version, ok

pytestmark = pytest.mark.anyio

RECORD_FIELDS = {"id", "title", "body", "tags", "created_at", "updated_at"}


async def test_tools_declare_true_annotations_and_an_output_schema(tools: Client) -> None:
    listed = {tool.name: tool for tool in (await tools.list_tools()).tools}

    hints = {
        name: (tool.annotations.read_only_hint, tool.annotations.destructive_hint)
        for name, tool in listed.items()
        if tool.annotations is not None
    }
    assert hints == {
        "create_entry": (False, False),
        "search_entries": (True, False),
        "get_entry": (True, False),
        "update_entry": (False, False),
        "delete_entry": (False, True),
        "revert_change": (False, False),
    }
    for tool in listed.values():
        assert tool.description
        assert tool.output_schema is not None
        assert "user" not in " ".join(tool.input_schema.get("properties", {}))
    assert set(listed["get_entry"].output_schema["properties"]) == RECORD_FIELDS  # type: ignore[index]
    assert set(listed["search_entries"].output_schema["properties"]) == {"entries"}  # type: ignore[index]


async def test_create_get_search_update_delete(tools: Client) -> None:
    created_result = await tools.call_tool(
        "create_entry", {"title": "  Groceries ", "body": "milk and eggs", "tags": ["Home", "home"]}
    )
    created = ok(created_result)
    first = event_version(created_result)

    fetched = ok(await tools.call_tool("get_entry", {"entry_id": created["id"]}))
    found = ok(await tools.call_tool("search_entries", {"query": "EGGS milk"}))["entries"]
    by_tag = ok(await tools.call_tool("search_entries", {"tag": "HOME"}))["entries"]
    missed = ok(await tools.call_tool("search_entries", {"query": "bread"}))["entries"]
    updated_result = await tools.call_tool(
        "update_entry", {"entry_id": created["id"], "title": "Shopping"}
    )
    unchanged = await tools.call_tool(
        "update_entry", {"entry_id": created["id"], "title": "Shopping"}
    )
    deleted_result = await tools.call_tool("delete_entry", {"entry_id": created["id"]})
    after_delete = await tools.call_tool("get_entry", {"entry_id": created["id"]})

    assert set(created) == RECORD_FIELDS
    assert (created["title"], created["tags"]) == ("Groceries", ["home"])
    assert fetched == created
    assert [entry["id"] for entry in found] == [created["id"]]
    assert [entry["id"] for entry in by_tag] == [created["id"]]
    assert missed == []
    assert ok(updated_result)["title"] == "Shopping"
    assert event_version(updated_result) == first + 1
    assert ok(unchanged)["title"] == "Shopping"
    assert "event_version" not in (unchanged.meta or {})
    assert event_version(deleted_result) == first + 2
    assert "No entry with id" in error_text(after_delete)


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("create_entry", {"title": "   "}, "The title is empty"),
        ("create_entry", {"title": "x" * 201}, "the limit is 200"),
        ("create_entry", {"title": "ok", "tags": [f"t{n}" for n in range(11)]}, "at most 10"),
        ("create_entry", {"title": "a\x00b"}, "cannot be stored"),
        ("get_entry", {"entry_id": "not-a-uuid"}, "No entry with id not-a-uuid"),
        ("get_entry", {"entry_id": str(uuid.uuid4())}, "Call search_entries"),
        ("search_entries", {"limit": 0}, "limit must be between 1 and 100"),
        ("create_entry", {"title": "ok", "colour": "red"}, "unknown argument(s) 'colour'"),
        ("revert_change", {"version": 999999}, "no change with version 999999"),
    ],
)
async def test_mistakes_come_back_as_tool_errors_that_say_what_to_do(
    tools: Client, tool: str, arguments: dict[str, object], message: str
) -> None:
    result = await tools.call_tool(tool, arguments)

    assert message in error_text(result)
