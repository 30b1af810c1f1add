"""Liveness and readiness endpoints."""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter
from fastapi.responses import JSONResponse

logger = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[object]]
Checks = Callable[[], Mapping[str, ReadinessCheck]]


def health_router(
    checks: Checks, *, degradable: Checks | None = None, timeout_seconds: float = 2.0
) -> APIRouter:
    """GET /healthz answers while the process runs; GET /readyz runs every dependency check.

    ``checks`` is called per request (so it can read state the lifespan created) and returns
    named async checks that raise when their dependency does not answer. /readyz answers 200
    with each check "ok", or 503 naming the failing ones "unavailable"; failure details go to
    the log only. ``degradable`` checks dependencies the service works on without: a failing
    one is reported "degraded" (and the status "degraded") but readiness stays 200.
    """
    router = APIRouter(tags=["health"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    async def run(named: Mapping[str, ReadinessCheck], failed: str) -> dict[str, str]:
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
                report[name] = failed
            else:
                report[name] = "ok"
        return report

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        required, optional = await asyncio.gather(
            run(checks(), "unavailable"), run(degradable() if degradable else {}, "degraded")
        )
        ready = all(state == "ok" for state in required.values())
        whole = all(state == "ok" for state in optional.values())
        status = "unavailable" if not ready else "ok" if whole else "degraded"
        return JSONResponse(
            {"status": status, "checks": {**required, **optional}},
            status_code=200 if ready else 503,
        )

    return router
