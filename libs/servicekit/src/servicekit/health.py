"""Liveness and readiness endpoints."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter
from fastapi.responses import JSONResponse

logger = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[object]]


def health_router(
    checks: Callable[[], Mapping[str, ReadinessCheck]], *, timeout_seconds: float = 2.0
) -> APIRouter:
    """GET /healthz answers while the process runs; GET /readyz runs every dependency check.

    ``checks`` is called per request (so it can read state the lifespan created) and returns
    named async checks that raise when their dependency does not answer. /readyz answers 200
    with each check "ok", or 503 naming the failing ones; failure details go to the log only.
    """
    router = APIRouter(tags=["health"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        named = checks()
        results = await asyncio.gather(
            *(asyncio.wait_for(check(), timeout_seconds) for check in named.values()),
            return_exceptions=True,
        )
        report: dict[str, str] = {}
        for name, result in zip(named, results, strict=True):
            if isinstance(result, BaseException):
                logger.warning(
                    "readiness check failed", extra={"check": name, "error": repr(result)}
                )
                report[name] = "unavailable"
            else:
                report[name] = "ok"
        ready = all(state == "ok" for state in report.values())
        return JSONResponse(
            {"status": "ok" if ready else "unavailable", "checks": report},
            status_code=200 if ready else 503,
        )

    return router
