"""The ASGI application of a record tool service: MCP at /mcp, the REST twin under /api/v1,
health and metrics, identity, body limit and tracing."""

import gc
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from mcp.server.mcpserver import MCPServer
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from redis.asyncio import Redis
from starlette.routing import Route

from servicekit.errors import BodySizeLimitMiddleware, install_problem_handlers
from servicekit.health import ReadinessCheck, health_router
from servicekit.identity import IdentityMiddleware, IdentityVerifier
from servicekit.logging import configure_logging
from servicekit.metrics import metrics_router
from servicekit.record_errors import install_record_error_handlers
from servicekit.telemetry import TraceMiddleware, setup_telemetry
from servicekit.tool_runtime import ToolRuntime, connect_redis
from servicekit.tool_service_settings import ToolServiceSettings

PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

Runtime = ToolRuntime[Any, Any]


def create_tool_service_app(
    settings: ToolServiceSettings,
    *,
    summary: str,
    build_server: Callable[[Callable[[], Runtime]], MCPServer[Any]],
    open_runtime: Callable[[Redis], AbstractAsyncContextManager[Runtime]],
    routers: Sequence[APIRouter],
    rest_prefix: str = "/api/v1",
) -> FastAPI:
    """Build the application; connections open in its lifespan.

    ``build_server`` gets the accessor of the process's shared runtime; ``open_runtime`` opens
    that runtime over the given Redis client (the identity verifier shares it for nonces);
    ``routers`` are mounted under ``rest_prefix``.
    """
    configure_logging(settings.service_name, settings.log_level)
    setup_telemetry(settings.service_name, settings.otel_exporter_otlp_endpoint)
    redis = connect_redis(settings.redis_url)
    verifier = IdentityVerifier(settings.identity_secrets(), redis)

    def current_runtime() -> Runtime:
        shared: Runtime = app.state.runtime
        return shared

    server = build_server(current_runtime)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(redis) as runtime:
            app.state.runtime = runtime
            async with server.session_manager.run():
                # Startup objects live as long as the process; keeping them out of the cyclic
                # collector's full passes removes ~0.1 s stalls from the write path's tail.
                gc.freeze()
                yield

    app = FastAPI(
        title=settings.service_name,
        version="0.1.0",
        summary=summary,
        lifespan=lifespan,
        # TraceMiddleware already makes the server span and Prometheus holds the metrics.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=list(settings.allowed_hosts),
            allowed_origins=[f"http://{host}" for host in settings.allowed_hosts],
        ),
        max_request_body_size=settings.max_body_bytes,
    )
    # First in the route table: nearly every request is an MCP call.
    app.router.routes.insert(
        0,
        Route(
            "/mcp",
            endpoint=StreamableHTTPASGIApp(server.session_manager),
            methods=["GET", "POST", "DELETE"],
            include_in_schema=False,
        ),
    )

    def readiness_checks() -> Mapping[str, ReadinessCheck]:
        return {"database": current_runtime().database.ping}

    app.include_router(health_router(readiness_checks))
    app.include_router(metrics_router())
    for router in routers:
        app.include_router(router, prefix=rest_prefix)
    install_problem_handlers(app)
    install_record_error_handlers(app)

    app.add_middleware(IdentityMiddleware, verifier=verifier, exempt_paths=PUBLIC_PATHS)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(TraceMiddleware, excluded_paths=PUBLIC_PATHS)
    return app
