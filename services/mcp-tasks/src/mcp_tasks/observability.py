"""Spans and Prometheus metrics of the task tool calls (MCP and REST), event publishing
(servicekit's ToolObservability) and database queries."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.trace import SpanKind
from prometheus_client import Histogram
from servicekit.tool_observability import ToolObservability

OBSERVABILITY = ToolObservability("mcp_tasks")
tool_span = OBSERVABILITY.tool_span

_tracer = trace.get_tracer("mcp_tasks")

QUERY_LATENCY = Histogram(
    "mcp_tasks_query_duration_seconds",
    "Duration of database queries, by query name.",
    ["query"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)


@contextmanager
def query_span(name: str) -> Iterator[None]:
    """A client span and a latency observation around one database query."""
    started = time.perf_counter()
    with _tracer.start_as_current_span(f"db {name}", kind=SpanKind.CLIENT) as span:
        span.set_attribute("db.system", "postgresql")
        span.set_attribute("db.operation.name", name)
        try:
            yield
        finally:
            QUERY_LATENCY.labels(name).observe(time.perf_counter() - started)
