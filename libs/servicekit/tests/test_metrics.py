"""GET /metrics serves the registry in the Prometheus text format."""

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter
from servicekit.metrics import metrics_router

pytestmark = pytest.mark.anyio


async def test_metrics_exposes_registered_collectors() -> None:
    registry = CollectorRegistry()
    Counter("probe_requests", "Requests seen by the probe.", registry=registry).inc(3)
    app = FastAPI()
    app.include_router(metrics_router(registry))

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://svc.test"
    ) as client:
        response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "probe_requests_total 3.0" in response.text
