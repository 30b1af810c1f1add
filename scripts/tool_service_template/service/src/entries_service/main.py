"""The ASGI application: MCP at /mcp, the REST twin under /api/v1, health and metrics."""

from servicekit.startup_imports import collector_paused

with collector_paused():
    from fastapi import FastAPI
    from servicekit.tool_routes import events_router
    from servicekit.tool_service_app import create_tool_service_app

    from entries_service.config import Settings
    from entries_service.deps import entry_service
    from entries_service.observability import tool_span
    from entries_service.routes import entries
    from entries_service.runtime import open_runtime
    from entries_service.schemas import EntryPublic
    from entries_service.server import build_server


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; connections open in its lifespan."""
    settings = settings or Settings()
    events = events_router(entry_service, public=EntryPublic, entity="entry", tool_span=tool_span)
    return create_tool_service_app(
        settings,
        summary="Entry tools over MCP (POST /mcp) and their REST twin (/api/v1).",
        build_server=lambda runtime: build_server(settings, runtime),
        open_runtime=lambda redis: open_runtime(settings, redis=redis),
        routers=[entries.router, events],
    )
