"""/healthz answers while the process runs; /readyz answers 503 naming a failing check."""

import anyio
import httpx
import pytest
from fastapi import FastAPI
from servicekit.health import ReadinessCheck, health_router

pytestmark = pytest.mark.anyio


async def _ok() -> None:
    return None


async def _refused() -> None:
    raise ConnectionRefusedError("db down")


async def _hangs() -> None:
    await anyio.Event().wait()


async def _get(checks: dict[str, ReadinessCheck], path: str) -> httpx.Response:
    app = FastAPI()
    app.include_router(health_router(lambda: checks, timeout_seconds=0.05))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc.test") as client:
        with anyio.fail_after(5):
            return await client.get(path)


async def test_readyz_answers_200_when_every_check_passes() -> None:
    response = await _get({"database": _ok, "redis": _ok}, "/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


async def test_readyz_answers_503_when_a_check_fails() -> None:
    response = await _get({"database": _refused, "redis": _ok}, "/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "redis": "ok"},
    }
    assert "db down" not in response.text


async def test_readyz_answers_503_when_a_check_hangs_past_the_timeout() -> None:
    response = await _get({"database": _ok, "redis": _hangs}, "/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "unavailable"}


async def test_healthz_answers_even_when_dependencies_fail() -> None:
    response = await _get({"database": _refused}, "/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
