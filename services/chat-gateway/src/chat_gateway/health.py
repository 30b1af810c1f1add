"""Liveness, readiness (database, Redis, mcp-tasks) and Prometheus metrics."""

from collections.abc import Mapping

from fastapi import APIRouter, FastAPI
from servicekit.health import ReadinessCheck, health_router
from servicekit.metrics import metrics_router

from chat_gateway.resources import resources_of


def build_health_router(app: FastAPI) -> APIRouter:
    """/healthz, /readyz and /metrics, reading the resources the lifespan attached to ``app``."""

    def checks() -> Mapping[str, ReadinessCheck]:
        resources = resources_of(app)
        database, redis, http = resources.database, resources.redis, resources.http
        settings = resources.settings

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
