"""Spans and Prometheus metrics of tool calls (MCP and REST) and event publishing."""

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter, Histogram

from notes_service.config import SERVICE
from notes_service.errors import DomainError

tracer = trace.get_tracer(f"{SERVICE}_service")

TOOL_CALLS = Counter(
    f"{SERVICE}_tool_calls_total",
    "Tool calls by tool name, transport (mcp or rest) and outcome (ok, error, crash).",
    ["tool", "transport", "outcome"],
)
TOOL_LATENCY = Histogram(
    f"{SERVICE}_tool_call_duration_seconds",
    "Duration of tool calls, by tool name and transport.",
    ["tool", "transport"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
EVENTS_PUBLISHED = Counter(
    f"{SERVICE}_events_published_total",
    "Change events published on Redis, by outcome (ok or failed).",
    ["outcome"],
)


@contextmanager
def tool_span(
    tool: str, transport: str, headers: Mapping[str, str] | None = None
) -> Iterator[None]:
    """A span and metrics around one tool call.

    When ``headers`` are given the span continues their traceparent; otherwise it is a child
    of the current span. Domain errors count as outcome "error", anything else as "crash".
    """
    parent = propagate.extract(dict(headers)) if headers is not None else None
    started = time.perf_counter()
    outcome = "ok"
    with tracer.start_as_current_span(
        f"tool {tool}", context=parent, kind=SpanKind.INTERNAL
    ) as span:
        span.set_attribute("mcp.tool.name", tool)
        span.set_attribute("tool.transport", transport)
        try:
            yield
        except DomainError as exc:
            outcome = "error"
            span.set_attribute("tool.error", type(exc).__name__)
            raise
        except BaseException:
            outcome = "crash"
            span.set_status(Status(StatusCode.ERROR))
            raise
        finally:
            TOOL_CALLS.labels(tool, transport, outcome).inc()
            TOOL_LATENCY.labels(tool, transport).observe(time.perf_counter() - started)
