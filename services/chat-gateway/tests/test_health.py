"""Readiness checks the database, Redis and mcp-tasks, and reports the other tool services
without failing on them; metrics count turns and tool calls."""

from collections.abc import Callable

import httpx
import pytest
from chat_gateway.config import Settings
from chat_harness import ChatClient, chat_gateway
from live_harness import IDENTITY_KEY_ID, User
from service_processes import free_port

pytestmark = pytest.mark.anyio


async def test_readyz_is_ok_when_every_dependency_answers(chat_url: str) -> None:
    async with httpx.AsyncClient(base_url=chat_url) as client:
        response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "mcp_tasks": "ok"},
    }


async def test_readyz_names_mcp_tasks_when_it_is_down(
    chat_settings: Callable[..., Settings],
) -> None:
    settings = chat_settings(mcp_tasks_url=f"http://127.0.0.1:{free_port()}")

    async with chat_gateway(settings) as url, httpx.AsyncClient(base_url=url) as client:
        response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["mcp_tasks"] == "unavailable"
    assert response.json()["checks"]["database"] == "ok"


async def test_readyz_stays_ready_and_reports_an_extra_tool_service_that_is_down_as_degraded(
    chat_settings: Callable[..., Settings],
) -> None:
    down = {
        "name": "notes",
        "url": f"http://127.0.0.1:{free_port()}",
        "identity_key_id": IDENTITY_KEY_ID,
    }

    async with (
        chat_gateway(chat_settings(tool_services=[down])) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {
            "database": "ok",
            "redis": "ok",
            "mcp_tasks": "ok",
            "tool_service_notes": "degraded",
        },
    }


async def test_metrics_count_turns_and_tool_calls(
    alice: tuple[User, ChatClient], chat_url: str
) -> None:
    await alice[1].create("add Counted")

    async with httpx.AsyncClient(base_url=chat_url) as client:
        text = (await client.get("/metrics")).text

    assert 'chat_gateway_turns_total{outcome="ok"}' in text
    assert 'chat_gateway_tool_calls_total{outcome="ok",tool="add_task"}' in text
    assert "chat_gateway_turn_seconds_bucket" in text
