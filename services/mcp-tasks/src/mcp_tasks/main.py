"""The ASGI application: MCP at /mcp, the internal REST API under /internal/v1, health and
metrics (servicekit's tool-service application)."""

from servicekit.startup_imports import collector_paused

with collector_paused():
    from fastapi import FastAPI
    from servicekit.tool_service_app import create_tool_service_app

    from mcp_tasks.config import Settings
    from mcp_tasks.routes import events, tasks
    from mcp_tasks.runtime import open_runtime
    from mcp_tasks.server import build_server


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; connections open in its lifespan."""
    settings = settings or Settings()
    return create_tool_service_app(
        settings,
        summary="Task tools over MCP (POST /mcp) and the internal task REST API.",
        build_server=lambda runtime: build_server(settings, runtime),
        open_runtime=lambda redis: open_runtime(settings, redis=redis),
        routers=[tasks.router, events.router],
        rest_prefix="/internal/v1",
    )
