"""The chat-gateway application factory."""

from servicekit.startup_imports import collector_paused

with collector_paused():
    import gc
    from collections.abc import AsyncIterator
    from contextlib import AsyncExitStack, asynccontextmanager

    import httpx2
    from agents import ModelProvider
    from fastapi import FastAPI
    from redis.asyncio import BlockingConnectionPool, Redis
    from servicekit.database import Database
    from servicekit.errors import BodySizeLimitMiddleware, install_problem_handlers
    from servicekit.identity import IdentitySigner
    from servicekit.jwt import JWKSVerifier
    from servicekit.logging import configure_logging
    from servicekit.telemetry import TraceMiddleware, setup_telemetry

    from chat_gateway import app_routes
    from chat_gateway.app_cors import AppCorsMiddleware
    from chat_gateway.apps import AppDirectory
    from chat_gateway.chat import routes as chat_routes
    from chat_gateway.chat.confirmations import Confirmations
    from chat_gateway.chat.model_provider import (
        build_model_provider,
        configure_agent_tracing,
        model_name,
        model_settings,
    )
    from chat_gateway.chat.rate_limit import TurnRateLimiter
    from chat_gateway.chat.server import ChatServer
    from chat_gateway.chat.store import PostgresStore
    from chat_gateway.chat.task_result_widgets import TASK_WIDGETS
    from chat_gateway.chat.task_tools import TaskOperations
    from chat_gateway.chat.tool_services import build_tool_router
    from chat_gateway.chat.undo import UndoLog
    from chat_gateway.config import Settings
    from chat_gateway.events import routes as event_routes
    from chat_gateway.events.dashboard import open_dashboard
    from chat_gateway.health import build_health_router
    from chat_gateway.records import routes as record_routes
    from chat_gateway.resources import Resources
    from chat_gateway.tasks import routes as task_routes
    from chat_gateway.tls import client_tls_context

_REDIS_CONNECTIONS = 100
_REDIS_POOL_WAIT_SECONDS = 2.0
# An event stream stays open for hours: its span would say nothing yet hold a few kB per client.
_UNTRACED_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/api/v1/events"})


def create_app(
    settings: Settings | None = None, *, model_provider: ModelProvider | None = None
) -> FastAPI:
    """Build the application; every connection is opened in the lifespan, none at import.

    ``model_provider`` replaces the configured one (tests pass a scripted model).
    """
    settings = settings or Settings()
    apps = AppDirectory(settings.served_apps)
    configure_agent_tracing()
    configure_logging(settings.service_name, settings.log_level)
    setup_telemetry(settings.service_name, settings.otel_exporter_otlp_endpoint)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            # Chat turns make many short single statements on the statement pool; SQLAlchemy's
            # pool serves only the readiness ping.
            database = Database.for_service(settings)
            stack.push_async_callback(database.dispose)
            await database.check_connection_budget()
            # A blocking pool: with every connection busy (a few hundred streams and requests
            # under load) a command waits its turn; redis-py's default pool fails it at once,
            # and session revocation checks and rate limits then fail open.
            redis = Redis.from_pool(
                BlockingConnectionPool.from_url(
                    settings.redis_url,
                    max_connections=_REDIS_CONNECTIONS,
                    timeout=_REDIS_POOL_WAIT_SECONDS,
                    socket_connect_timeout=0.5,
                    socket_timeout=0.5,
                    health_check_interval=30,
                )
            )
            stack.push_async_callback(redis.aclose)
            http = await stack.enter_async_context(
                httpx2.AsyncClient(
                    timeout=httpx2.Timeout(10.0, connect=3.0), verify=client_tls_context()
                )
            )
            identity_signer = IdentitySigner(
                settings.identity_key_id, settings.identity_secret.get_secret_value().encode()
            )
            dashboard = await open_dashboard(stack, settings, redis, identity_signer, apps)
            tools_client = build_tool_router(settings, identity_signer, apps)
            stack.push_async_callback(tools_client.aclose)
            if tools_client.extra_services:
                await tools_client.check_names(settings.mcp_connect_timeout_seconds)
            operations = TaskOperations(
                tools_client,
                UndoLog(database, window_seconds=settings.undo_window_seconds),
                Confirmations(database),
                widget_overrides=TASK_WIDGETS,
            )
            app.state.resources = Resources(
                settings=settings,
                database=database,
                redis=redis,
                http=http,
                identity_signer=identity_signer,
                jwks_verifier=JWKSVerifier(
                    settings.jwks_url,
                    issuer=settings.jwt_issuer,
                    audience=settings.jwt_audience,
                    http_client=http,
                ),
                chat_server=ChatServer(
                    PostgresStore(database),
                    operations,
                    model_provider or build_model_provider(settings, stack),
                    model_name=model_name(settings),
                    model_settings=model_settings(settings),
                    history_items=settings.history_items,
                    history_cache_bytes=settings.history_cache_bytes,
                ),
                turn_limiter=TurnRateLimiter(redis, per_minute=settings.chat_turns_per_minute),
                dashboard=dashboard,
                apps=apps,
            )
            # What exists now lives as long as the process; a full pass of the cyclic collector
            # over it (modules, schemas, models) stalled every request and stream for ~0.2 s.
            gc.freeze()
            yield

    # servicekit's TraceMiddleware makes the one server span; FastAPI's own would be a second.
    app = FastAPI(
        title="chat-gateway",
        version="0.1.0",
        lifespan=lifespan,
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    install_problem_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(AppCorsMiddleware, apps=apps)
    service_streams = {f"/api/v1/tool-services/{s.name}/events" for s in settings.tool_services}
    app.add_middleware(TraceMiddleware, excluded_paths=_UNTRACED_PATHS | service_streams)

    app.include_router(build_health_router(app))
    app.include_router(app_routes.router)
    app.include_router(chat_routes.router, prefix="/api/v1")
    app.include_router(task_routes.router)
    app.include_router(event_routes.router)
    app.include_router(record_routes.router)
    return app
