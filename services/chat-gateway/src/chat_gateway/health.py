"""Liveness, readiness (database, Redis, mcp-tasks) and Prometheus metrics."""

from collections.abc import Mapping
from typing import cast

import httpx
from fastapi import APIRouter, FastAPI
from redis.asyncio import Redis
from servicekit.database import Database
from servicekit.health import ReadinessCheck, health_router
from servicekit.metrics import metrics_router

from chat_gateway.config import Settings


def build_health_router(app: FastAPI) -> APIRouter:
    """/healthz, /readyz and /metrics, reading the resources the lifespan put on ``app.state``."""

    def checks() -> Mapping[str, ReadinessCheck]:
        state = app.state
        database = cast(Database, state.database)
        redis = cast(Redis, state.redis)
        http = cast(httpx.AsyncClient, state.http)
        settings = cast(Settings, state.settings)

        async def redis_ping() -> object:
            return await redis.ping()

        async def mcp_tasks_health() -> object:
            response = await http.get(settings.mcp_tasks_url.rstrip("/") + "/healthz", timeout=2.0)
            response.raise_for_status()
            return response.status_code

        return {"database": database.ping, "redis": redis_ping, "mcp_tasks": mcp_tasks_health}

    router = APIRouter()
    router.include_router(health_router(checks))
    router.include_router(metrics_router())
    return router
