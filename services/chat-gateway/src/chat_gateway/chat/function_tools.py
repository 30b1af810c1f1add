"""The agent's function tools: one per MCP tool (its name, description and input schema) and
the gateway's own undo_last_change."""

from collections.abc import Awaitable, Callable
from typing import Any

import mcp_types
from agents import FunctionTool
from agents.tool_context import ToolContext

UNDO_TOOL = "undo_last_change"

ToolInvoker = Callable[[ToolContext[Any], str], Awaitable[str]]
"""Runs one call of an agent tool: the tool context and the raw JSON arguments in, output out."""


def function_tool(tool: mcp_types.Tool, invoke: ToolInvoker) -> FunctionTool:
    """The agent tool for an MCP tool, under its name, description and input schema."""
    schema = dict(tool.input_schema or {})
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    return FunctionTool(
        name=tool.name,
        description=tool.description or tool.name,
        params_json_schema=schema,
        on_invoke_tool=invoke,
        strict_json_schema=False,
    )


def undo_function_tool(invoke: ToolInvoker) -> FunctionTool:
    """The agent tool that undoes the user's last change in the conversation."""
    return FunctionTool(
        name=UNDO_TOOL,
        description=(
            "Undo the user's last change in this conversation (within 10 minutes), to a "
            "task or to a record of another tool service: removes an added task, restores a "
            "deleted one, reopens a completed one, or puts back previous values."
        ),
        params_json_schema={"type": "object", "properties": {}, "additionalProperties": False},
        on_invoke_tool=invoke,
        strict_json_schema=False,
    )
