"""TraceMiddleware continues an incoming W3C traceparent; outgoing headers carry it on."""

import httpx
import pytest
from fastapi import FastAPI
from servicekit.telemetry import (
    TraceMiddleware,
    current_trace_id,
    inject_trace_headers,
    setup_telemetry,
)

pytestmark = pytest.mark.anyio

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def build_app() -> FastAPI:
    setup_telemetry("servicekit-tests", None)
    app = FastAPI()

    @app.get("/trace")
    async def trace_ids() -> dict[str, str | None]:
        outgoing: dict[str, str] = {}
        inject_trace_headers(outgoing)
        return {"trace_id": current_trace_id(), "traceparent": outgoing.get("traceparent")}

    app.add_middleware(TraceMiddleware, excluded_paths=frozenset({"/healthz"}))
    return app


async def test_a_request_continues_the_incoming_trace_and_propagates_it() -> None:
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as client:
        response = await client.get(
            "/trace", headers={"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"}
        )

    body = response.json()
    assert response.status_code == 200
    assert body["trace_id"] == TRACE_ID
    assert body["traceparent"].startswith(f"00-{TRACE_ID}-")
    assert not body["traceparent"].startswith(f"00-{TRACE_ID}-00f067aa0ba902b7")


async def test_a_request_without_traceparent_starts_a_new_trace() -> None:
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as client:
        first = (await client.get("/trace")).json()
        second = (await client.get("/trace")).json()

    assert len(first["trace_id"]) == 32
    assert first["trace_id"] != second["trace_id"]


def test_outside_a_span_there_is_no_trace_id() -> None:
    assert current_trace_id() is None
