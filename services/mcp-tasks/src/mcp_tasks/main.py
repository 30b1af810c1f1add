"""The ASGI application: MCP at /mcp, the internal REST API, health and metrics."""

# ruff: noqa: E402  (the imports below run with the cyclic collector paused)
import gc

# Importing the application creates 200,000 to 300,000 objects that live as long as the
# process (the pydantic models and schemas of the SDKs, SQLAlchemy's classes); the cyclic
# collector would traverse them over and over while they are made, to find almost no garbage.
gc.disable()

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

from mcp_tasks.config import Settings
from mcp_tasks.errors import EventsGoneError, InvalidTaskInputError, TaskNotFoundError
from mcp_tasks.routes import events, tasks
from mcp_tasks.runtime import Runtime, connect_redis, open_runtime
from mcp_tasks.server import build_server

# What the imports made lives as long as the process: frozen out of the collector's passes
# (else the first collection after this one would traverse all of it), which resume here.
gc.freeze()
gc.enable()

PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def _install_domain_handlers(app: FastAPI) -> None:
    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(404, str(exc))

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InvalidTaskInputError)
        return problem_response(422, str(exc), field=exc.field)

    async def gone(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, EventsGoneError)
        return problem_response(410, str(exc), latest_version=exc.latest_version)

    app.add_exception_handler(TaskNotFoundError, not_found)
    app.add_exception_handler(InvalidTaskInputError, invalid)
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
                # Startup objects live as long as the process; keeping them out of the cyclic
                # collector's full passes removes ~0.1 s stalls from the write path's tail.
                gc.freeze()
                yield

    app = FastAPI(
        title="mcp-tasks",
        version="0.1.0",
        summary="Task tools over MCP (POST /mcp) and the internal task REST API.",
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
        runtime: Runtime = app.state.runtime
        return {"database": runtime.database.ping}

    app.include_router(health_router(readiness_checks))
    app.include_router(metrics_router())
    app.include_router(tasks.router, prefix="/internal/v1")
    app.include_router(events.router, prefix="/internal/v1")
    install_problem_handlers(app)
    _install_domain_handlers(app)

    app.add_middleware(IdentityMiddleware, verifier=verifier, exempt_paths=PUBLIC_PATHS)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(TraceMiddleware, excluded_paths=PUBLIC_PATHS)
    return app
