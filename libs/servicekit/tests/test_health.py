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


async def _get(
    checks: dict[str, ReadinessCheck],
    path: str,
    degradable: dict[str, ReadinessCheck] | None = None,
) -> httpx.Response:
    app = FastAPI()
    optional = (lambda: degradable) if degradable is not None else None
    app.include_router(health_router(lambda: checks, degradable=optional, timeout_seconds=0.05))
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


async def test_a_failing_degradable_check_is_reported_but_readiness_stays_200() -> None:
    response = await _get({"database": _ok}, "/readyz", degradable={"extra": _refused})

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "extra": "degraded"},
    }
    assert "db down" not in response.text


async def test_a_failing_required_check_fails_readiness_whatever_the_degradable_ones() -> None:
    response = await _get({"database": _refused}, "/readyz", degradable={"extra": _ok})

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable", "extra": "ok"},
    }


async def test_healthz_answers_even_when_dependencies_fail() -> None:
    response = await _get({"database": _refused}, "/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
