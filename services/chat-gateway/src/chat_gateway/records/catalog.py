"""What the web app is told about a tool service: its records' fields and how to list them.

Everything is read from the service's MCP tool listing: the records tool is the first
read-only tool without required arguments whose result is a list of records, and the record
fields are the properties of that list's items.
"""

from typing import Any

import mcp_types
from pydantic import BaseModel

from chat_gateway.chat.record_widgets import is_lookup, list_items_schema, output_shape, resolved


class RecordField(BaseModel):
    """One field of a service's records."""

    name: str
    type: str
    """The JSON Schema type: string, integer, number, boolean, array, object (or "any")."""
    format: str | None = None


class ToolServiceInfo(BaseModel):
    """A configured tool service as the dashboard shows it."""

    name: str
    title: str
    records_tool: str | None
    """The read-only tool listing the user's records (None: the dashboard shows no records)."""
    records_field: str | None
    """The property of that tool's result holding the records."""
    title_field: str | None
    fields: list[RecordField]
    tools: list[str]
    events: bool
    """Whether GET /api/v1/tool-services/{name}/events streams the service's changes."""
    available: bool
    """Whether the service answered its tool listing just now."""


class ToolServiceList(BaseModel):
    """Every configured tool service besides mcp-tasks."""

    services: list[ToolServiceInfo]


class RecordList(BaseModel):
    """The user's records in one tool service (the records tool called without arguments)."""

    service: str
    records: list[dict[str, Any]]


def records_tool(tools: list[mcp_types.Tool]) -> tuple[mcp_types.Tool, str] | None:
    """The tool (and its result's list property) that lists the user's records."""
    for tool in tools:
        shape = output_shape(tool)
        required = (tool.input_schema or {}).get("required") or []
        if shape is None or shape.kind != "list" or shape.field is None:
            continue
        if is_lookup(tool) and not required:
            return tool, shape.field
    return None


def _type_of(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "any"
    kind = schema.get("type")
    if isinstance(kind, str):
        return kind
    if isinstance(kind, list):
        named = [k for k in kind if isinstance(k, str) and k != "null"]
        return named[0] if named else "any"
    for option in schema.get("anyOf") or []:
        found = _type_of(option)
        if found not in ("null", "any"):
            return found
    return "any"


def _format_of(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("format"), str):
        return str(schema["format"])
    for option in schema.get("anyOf") or []:
        found = _format_of(option)
        if found:
            return found
    return None


def describe_service(
    name: str, tools: list[mcp_types.Tool] | None, *, events: bool
) -> ToolServiceInfo:
    """The dashboard's description of service ``name`` from its tool listing (None: the
    service did not answer)."""
    found = records_tool(tools or [])
    fields: list[RecordField] = []
    title_field: str | None = None
    if found is not None:
        tool, field = found
        root = tool.output_schema or {}
        items = list_items_schema(tool, field)
        for key, schema in (items.get("properties") or {}).items():
            schema = resolved(schema, root)
            fields.append(RecordField(name=key, type=_type_of(schema), format=_format_of(schema)))
        names = [f.name for f in fields]
        title_field = next((n for n in ("title", "name", "subject", "label") if n in names), None)
    return ToolServiceInfo(
        name=name,
        title=name.replace("_", " ").capitalize(),
        records_tool=found[0].name if found else None,
        records_field=found[1] if found else None,
        title_field=title_field,
        fields=fields,
        tools=[tool.name for tool in tools or []],
        events=events,
        available=tools is not None,
    )
