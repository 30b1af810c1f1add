"""Liveness and readiness of the auth service."""

import socket

import httpx
import pytest
from auth_service.config import Settings
from auth_service.main import create_app

pytestmark = pytest.mark.anyio


async def test_healthz_and_readyz_answer_ok_when_postgres_and_redis_answer(
    client: httpx.AsyncClient,
) -> None:
    live = await client.get("/healthz")
    ready = await client.get("/readyz")

    assert live.status_code == 200
    assert live.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_readyz_answers_503_naming_redis_when_redis_is_down(settings: Settings) -> None:
    app = create_app(
        settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{_unused_port()}/1"})
    )

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://auth.test"
        ) as client,
    ):
        response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "unavailable"},
    }
