"""PostgreSQL restarts under write load: clean 503s, recovery without restarts, no lost writes."""

from collections import Counter
from dataclasses import dataclass

import anyio
import httpx
import pytest

from .conftest import Scenario
from .stack import Stack
from .system_client import User, sign_up

pytestmark = pytest.mark.anyio

WRITERS = 8
BEFORE_SECONDS = 2.0
OUTAGE_SECONDS = 5.0
AFTER_SECONDS = 6.0


@dataclass(frozen=True)
class Write:
    at: float
    status: int
    retry_after: str | None
    task_id: str | None


async def _writer(
    gateway: httpx.AsyncClient, user: User, name: int, stop_at: float, log: list[Write]
) -> None:
    n = 0
    while anyio.current_time() < stop_at:
        n += 1
        try:
            answer = await gateway.post(
                "/api/v1/tasks", json={"title": f"w{name}-{n}"}, headers=user.headers
            )
        except httpx.HTTPError:
            log.append(Write(anyio.current_time(), 0, None, None))
            continue
        task_id = answer.json()["id"] if answer.status_code == 201 else None
        log.append(
            Write(
                anyio.current_time(), answer.status_code, answer.headers.get("retry-after"), task_id
            )
        )
        await anyio.sleep(0.05)


async def test_postgres_restart_under_write_load(
    stack: Stack, gateway: httpx.AsyncClient, auth: httpx.AsyncClient, scenario: Scenario
) -> None:
    """PostgreSQL restarted under write load: 503 with Retry-After while down, recovery without restarting a service, every acknowledged write present afterwards."""  # noqa: E501
    user = await sign_up(auth)
    pids = {slug: service.pid for slug, service in stack.services.items()}
    writes: list[Write] = []
    began = anyio.current_time()
    stop_at = began + BEFORE_SECONDS + OUTAGE_SECONDS + AFTER_SECONDS
    login_during: httpx.Response | None = None
    ready_during: dict[str, int] = {}

    async with anyio.create_task_group() as group:
        for name in range(WRITERS):
            group.start_soon(_writer, gateway, user, name, stop_at, writes)
        await anyio.sleep(BEFORE_SECONDS)
        cut = stack.proxies["postgres"].outage_begin()
        down_at = anyio.current_time()
        await anyio.sleep(1.0)
        login_during = await auth.post(
            "/auth/login", json={"email": "nobody@example.com", "password": "whatever-123"}
        )
        for slug, service in stack.services.items():
            ready_during[slug] = (await gateway.get(f"{service.url}/readyz")).status_code
        await anyio.sleep(max(0.0, down_at + OUTAGE_SECONDS - anyio.current_time()))
        stack.proxies["postgres"].outage_end()
        up_at = anyio.current_time()

    during = [w for w in writes if down_at + 0.5 <= w.at <= up_at]
    after_ok = [w for w in writes if w.at > up_at and w.status == 201]
    recovery = (min(w.at for w in after_ok) - up_at) if after_ok else float("inf")
    acknowledged = {w.task_id for w in writes if w.task_id is not None}
    listed = await gateway.get(
        "/api/v1/tasks", params={"status": "all", "limit": "200"}, headers=user.headers
    )
    stored: set[str] = set()
    cursor_params = {"status": "all", "limit": "200"}
    while True:
        assert listed.status_code == 200, listed.text
        stored |= {task["id"] for task in listed.json()["tasks"]}
        if not listed.json()["next_cursor"]:
            break
        cursor_params["cursor"] = listed.json()["next_cursor"]
        listed = await gateway.get("/api/v1/tasks", params=cursor_params, headers=user.headers)
    statuses = sorted({w.status for w in writes})
    scenario.figures.update(
        {
            "writes": len(writes),
            "acknowledged": len(acknowledged),
            "answers during outage": dict(sorted(Counter(w.status for w in during).items())),
            "statuses seen": statuses,
            "connections cut": cut,
            "recovery after restore (s)": recovery,
            "acknowledged writes missing": len(acknowledged - stored),
            "login during outage": login_during.status_code if login_during else "-",
        }
    )

    assert set(statuses) <= {201, 503}, statuses
    assert during, "no write was attempted during the outage"
    assert all(w.status == 503 for w in during), [w.status for w in during]
    assert all(w.retry_after for w in writes if w.status == 503)
    assert recovery <= 5.0
    assert acknowledged <= stored
    assert login_during is not None
    assert login_during.status_code == 503
    assert "retry-after" in login_during.headers
    assert ready_during["mcp-tasks"] == 503
    assert {slug: s.pid for slug, s in stack.services.items()} == pids
    assert all(s.process is not None and s.process.poll() is None for s in stack.services.values())
