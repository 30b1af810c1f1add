"""The ASGI application: MCP at /mcp, the REST twin under /api/v1, health and metrics."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import TransportSecuritySettings
from servicekit.errors import BodySizeLimitMiddleware, install_problem_handlers, problem_response
from servicekit.health import ReadinessCheck, health_router
from servicekit.identity import IdentityMiddleware, IdentityVerifier
from servicekit.logging import configure_logging
from servicekit.metrics import metrics_router
from servicekit.telemetry import TraceMiddleware, setup_telemetry
from starlette.routing import Route

from entries_service.config import SERVICE, Settings
from entries_service.errors import (
    EntryNotFoundError,
    EventsGoneError,
    InvalidInputError,
    RevertConflictError,
)
from entries_service.routes import entries, events
from entries_service.runtime import Runtime, connect_redis, open_runtime
from entries_service.server import build_server

PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def _install_domain_handlers(app: FastAPI) -> None:
    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(404, str(exc))

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InvalidInputError)
        return problem_response(422, str(exc), field=exc.field)

    async def conflict(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(409, str(exc))

    async def gone(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, EventsGoneError)
        return problem_response(410, str(exc), latest_version=exc.latest_version)

    app.add_exception_handler(EntryNotFoundError, not_found)
    app.add_exception_handler(InvalidInputError, invalid)
    app.add_exception_handler(RevertConflictError, conflict)
    app.add_exception_handler(EventsGoneError, gone)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; connections open in its lifespan."""
    settings = settings or Settings()
    configure_logging(settings.service_name, settings.log_level)
    setup_telemetry(settings.service_name, settings.otel_exporter_otlp_endpoint)
    redis = connect_redis(settings.redis_url)
    verifier = IdentityVerifier(settings.identity_secrets(), redis)

    def current_runtime() -> Runtime:
        shared: Runtime = app.state.runtime
        return shared

    server = build_server(settings, runtime=current_runtime)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(settings, redis=redis) as runtime:
            app.state.runtime = runtime
            async with server.session_manager.run():
                yield

    app = FastAPI(
        title=SERVICE,
        version="0.1.0",
        summary="Entry tools over MCP (POST /mcp) and their REST twin (/api/v1).",
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
        runtime: Runtime = app.state.runtime
        return {"database": runtime.database.ping}

    app.include_router(health_router(readiness_checks))
    app.include_router(metrics_router())
    app.include_router(entries.router, prefix="/api/v1")
    app.include_router(events.router, prefix="/api/v1")
    install_problem_handlers(app)
    _install_domain_handlers(app)

    app.add_middleware(IdentityMiddleware, verifier=verifier, exempt_paths=PUBLIC_PATHS)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(TraceMiddleware, excluded_paths=PUBLIC_PATHS)
    return app
