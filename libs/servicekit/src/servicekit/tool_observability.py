"""Spans and Prometheus metrics of a tool service's tool calls (MCP and REST) and of its
event publishing, named after the service."""

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter, Histogram

from servicekit.record_errors import DomainError

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class ToolObservability:
    """The metrics of one service: ``<service>_tool_calls_total``,
    ``<service>_tool_call_duration_seconds`` and ``<service>_events_published_total``.

    Build it once per process (Prometheus refuses a second registration of the same names).
    """

    def __init__(self, service: str) -> None:
        self._tracer = trace.get_tracer(f"{service}_service")
        self.tool_calls = Counter(
            f"{service}_tool_calls_total",
            "Tool calls by tool name, transport (mcp or rest) and outcome (ok, error, crash).",
            ["tool", "transport", "outcome"],
        )
        self.tool_latency = Histogram(
            f"{service}_tool_call_duration_seconds",
            "Duration of tool calls, by tool name and transport.",
            ["tool", "transport"],
            buckets=LATENCY_BUCKETS,
        )
        self.events_published = Counter(
            f"{service}_events_published_total",
            "Change events published on Redis, by outcome (ok or failed).",
            ["outcome"],
        )

    @contextmanager
    def tool_span(
        self, tool: str, transport: str, headers: Mapping[str, str] | None = None
    ) -> Iterator[None]:
        """A span and metrics around one tool call.

        When ``headers`` are given the span continues their traceparent; otherwise it is a
        child of the current span. Domain errors count as outcome "error", anything else as
        "crash".
        """
        parent = propagate.extract(dict(headers)) if headers is not None else None
        started = time.perf_counter()
        outcome = "ok"
        with self._tracer.start_as_current_span(
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
                self.tool_calls.labels(tool, transport, outcome).inc()
                self.tool_latency.labels(tool, transport).observe(time.perf_counter() - started)
