"""Liveness, readiness and Prometheus metrics.

Readiness needs what every turn needs: the database, Redis and mcp-tasks. The other tool
services are reported too, as "degraded" when down, without failing readiness: turns go on
with the tools of the services that answer.
"""

from collections.abc import Mapping

from fastapi import APIRouter, FastAPI
from servicekit.health import ReadinessCheck, health_router
from servicekit.metrics import metrics_router

from chat_gateway.resources import Resources, resources_of


def _service_health(resources: Resources, url: str) -> ReadinessCheck:
    async def check() -> object:
        response = await resources.http.get(url.rstrip("/") + "/healthz", timeout=2.0)
        response.raise_for_status()
        return response.status_code

    return check


def build_health_router(app: FastAPI) -> APIRouter:
    """/healthz, /readyz and /metrics, reading the resources the lifespan attached to ``app``."""

    def required() -> Mapping[str, ReadinessCheck]:
        resources = resources_of(app)
        redis = resources.redis

        async def redis_ping() -> object:
            return await redis.ping()

        return {
            "database": resources.database.ping,
            "redis": redis_ping,
            "mcp_tasks": _service_health(resources, resources.settings.mcp_tasks_url),
        }

    def tool_services() -> Mapping[str, ReadinessCheck]:
        resources = resources_of(app)
        return {
            f"tool_service_{service.name}": _service_health(resources, service.url)
            for service in resources.settings.tool_services
        }

    router = APIRouter()
    router.include_router(health_router(required, degradable=tool_services))
    router.include_router(metrics_router())
    return router
