"""Liveness, readiness (database, Redis, mcp-tasks, each tool service) and Prometheus metrics."""

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

        def service_health(url: str) -> ReadinessCheck:
            async def check() -> object:
                response = await http.get(url.rstrip("/") + "/healthz", timeout=2.0)
                response.raise_for_status()
                return response.status_code

            return check

        found: dict[str, ReadinessCheck] = {
            "database": database.ping,
            "redis": redis_ping,
            "mcp_tasks": service_health(settings.mcp_tasks_url),
        }
        for service in settings.tool_services:
            found[f"tool_service_{service.name}"] = service_health(service.url)
        return found

    router = APIRouter()
    router.include_router(health_router(checks))
    router.include_router(metrics_router())
    return router
