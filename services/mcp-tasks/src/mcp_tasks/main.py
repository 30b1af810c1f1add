"""The ASGI application: MCP at /mcp, the internal REST API under /internal/v1, health and
metrics (servicekit's tool-service application)."""

# ruff: noqa: E402  (the imports below run with the cyclic collector paused)
import gc

# Importing the application creates 200,000 to 300,000 objects that live as long as the
# process (the pydantic models and schemas of the SDKs, SQLAlchemy's classes); the cyclic
# collector would traverse them over and over while they are made, to find almost no garbage.
gc.disable()

from fastapi import FastAPI
from servicekit.tool_service_app import create_tool_service_app

from mcp_tasks.config import Settings
from mcp_tasks.routes import events, tasks
from mcp_tasks.runtime import open_runtime
from mcp_tasks.server import build_server

# What the imports made lives as long as the process: frozen out of the collector's passes
# (else the first collection after this one would traverse all of it), which resume here.
gc.freeze()
gc.enable()


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
