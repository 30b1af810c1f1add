"""OpenTelemetry: one tracer provider per process, W3C propagation in and out."""

import logging
from collections.abc import MutableMapping
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind, Status, StatusCode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

_configured = False


def setup_telemetry(service: str, otlp_endpoint: str | None) -> None:
    """Install the tracer provider once per process.

    Spans are always created (so logs carry trace ids and traceparent is forwarded); they are
    exported over OTLP/HTTP only when ``otlp_endpoint`` is set, and go nowhere otherwise.
    """
    global _configured
    if _configured:
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = otlp_endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        logger.info("exporting traces over OTLP", extra={"otlp_endpoint": endpoint})
    trace.set_tracer_provider(provider)
    _configured = True


def current_trace_id() -> str | None:
    """The 32-hex-digit id of the active trace, or None outside a span."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def inject_trace_headers(headers: MutableMapping[str, str]) -> None:
    """Write traceparent (and tracestate) for the active span into outgoing headers."""
    propagate.inject(headers)


class TraceMiddleware:
    """ASGI middleware: one server span per HTTP request, continuing an incoming traceparent."""

    def __init__(self, app: ASGIApp, *, excluded_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.excluded_paths = excluded_paths
        self.tracer = trace.get_tracer("servicekit.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.excluded_paths:
            await self.app(scope, receive, send)
            return
        carrier = {
            key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
        }
        route = f"{scope['method']} {scope['path']}"
        with self.tracer.start_as_current_span(
            route, context=propagate.extract(carrier), kind=SpanKind.SERVER
        ) as span:
            span.set_attribute("http.request.method", scope["method"])
            span.set_attribute("url.path", scope["path"])

            async def send_with_status(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status: int = message["status"]
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:
                        span.set_status(Status(StatusCode.ERROR))
                await send(message)

            await self.app(scope, receive, send_with_status)


def span_attributes(**attributes: Any) -> None:
    """Set attributes on the active span (no-op outside one)."""
    span = trace.get_current_span()
    for key, value in attributes.items():
        span.set_attribute(key, value)
