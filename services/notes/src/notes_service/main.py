"""The ASGI application: MCP at /mcp, the REST twin under /api/v1, health and metrics."""

from servicekit.startup_imports import collector_paused

with collector_paused():
    from fastapi import FastAPI
    from servicekit.tool_routes import events_router
    from servicekit.tool_service_app import create_tool_service_app

    from notes_service.config import Settings
    from notes_service.deps import note_service
    from notes_service.observability import tool_span
    from notes_service.routes import notes
    from notes_service.runtime import open_runtime
    from notes_service.schemas import NotePublic
    from notes_service.server import build_server


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; connections open in its lifespan."""
    settings = settings or Settings()
    events = events_router(note_service, public=NotePublic, entity="note", tool_span=tool_span)
    return create_tool_service_app(
        settings,
        summary="Note tools over MCP (POST /mcp) and their REST twin (/api/v1).",
        build_server=lambda runtime: build_server(settings, runtime),
        open_runtime=lambda redis: open_runtime(settings, redis=redis),
        routers=[notes.router, events],
    )
