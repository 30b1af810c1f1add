"""Spans and Prometheus metrics of the note tool calls (MCP and REST) and event publishing."""

from servicekit.tool_observability import ToolObservability

from notes_service.config import SERVICE

OBSERVABILITY = ToolObservability(SERVICE)
tool_span = OBSERVABILITY.tool_span
