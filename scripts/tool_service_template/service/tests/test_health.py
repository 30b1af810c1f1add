"""Health, readiness and metrics answer without identity headers; nothing else does."""

import httpx2
import pytest
from entries_service.config import SERVICE

pytestmark = pytest.mark.anyio


async def test_health_and_readiness_answer_without_identity(raw_http: httpx2.AsyncClient) -> None:
    health = await raw_http.get("/healthz")
    ready = await raw_http.get("/readyz")

    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok"}}


async def test_metrics_count_tool_calls_by_transport_and_outcome(
    http: httpx2.AsyncClient, raw_http: httpx2.AsyncClient
) -> None:
    await http.post("/api/v1/entries", json={"title": "counted"})
    await http.post("/api/v1/entries", json={"title": ""})

    metrics = (await raw_http.get("/metrics")).text

    for outcome in ("ok", "error"):
        labels = f'outcome="{outcome}",tool="create_entry",transport="rest"'
        assert f"{SERVICE}_tool_calls_total{{{labels}}}" in metrics


@pytest.mark.parametrize("path", ["/api/v1/entries", "/api/v1/events", "/openapi.json"])
async def test_everything_else_needs_identity(raw_http: httpx2.AsyncClient, path: str) -> None:
    assert (await raw_http.get(path)).status_code == 401
