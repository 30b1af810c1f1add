"""The tool list is a contract: the gateway and the local model call these names and arguments."""

import inspect
import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

pytestmark = pytest.mark.anyio

SNAPSHOT = Path(__file__).parent / "tools_list.json"


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
