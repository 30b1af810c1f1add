"""The tool list is a contract: the gateway builds its function tools, widgets and undo from
these names, arguments and output schemas. Re-record tools_list.json when a tool changes:
    uv run --frozen python services/notes/tests/test_tool_contract.py"""

import asyncio
import inspect
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

pytestmark = pytest.mark.anyio

SNAPSHOT = Path(__file__).parent / "tools_list.json"
NOTE_FIELDS = {"id", "title", "body", "tags", "pinned", "archived", "created_at", "updated_at"}


async def listed_tools(client: Client) -> dict[str, Any]:
    return {
        tool.name: {
            "description": inspect.cleandoc(tool.description or ""),
            "input_schema": tool.input_schema,
            "output_schema": tool.output_schema,
            "annotations": tool.annotations.model_dump(mode="json") if tool.annotations else None,
        }
        for tool in (await client.list_tools()).tools
    }


async def test_tools_list_matches_the_recorded_names_descriptions_and_schemas(
    tools: Client,
) -> None:
    assert await listed_tools(tools) == json.loads(SNAPSHOT.read_text())


async def test_one_record_tools_return_the_note_and_search_returns_one_array(
    tools: Client,
) -> None:
    listed = await listed_tools(tools)
    one_note = ("create_note", "get_note", "update_note", "pin_note", "archive_note")

    for name in (*one_note, "delete_note", "revert_change"):
        assert set(listed[name]["output_schema"]["properties"]) == NOTE_FIELDS, name
    search = listed["search_notes"]["output_schema"]
    assert list(search["properties"]) == ["notes"]
    assert search["properties"]["notes"]["type"] == "array"
    for tool in listed.values():
        assert not [name for name in tool["input_schema"]["properties"] if "user" in name]


async def _record() -> None:
    from notes_service.config import Settings
    from notes_service.server import build_server
    from servicekit.testkit.clients import memory_client

    server = build_server(Settings(database_url="postgresql+asyncpg://postgres@127.0.0.1:1/unused"))
    async with memory_client(server, uuid.uuid4()) as client:
        listed = await listed_tools(client)
    SNAPSHOT.write_text(json.dumps(listed, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    asyncio.run(_record())
