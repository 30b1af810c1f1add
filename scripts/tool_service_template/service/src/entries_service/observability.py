"""Spans and Prometheus metrics of the entry tool calls (MCP and REST) and event publishing."""

from servicekit.tool_observability import ToolObservability

from entries_service.config import SERVICE

OBSERVABILITY = ToolObservability(SERVICE)
tool_span = OBSERVABILITY.tool_span
