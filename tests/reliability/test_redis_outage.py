"""Redis goes away for 5 s while tasks change: listening clients lose nothing."""

import anyio
import httpx
import pytest

from .conftest import Scenario
from .stack import Stack
from .system_client import User, listening, sign_up, wait_for_versions

pytestmark = pytest.mark.anyio

OUTAGE_SECONDS = 5.0
CATCH_UP_LIMIT_SECONDS = 2.0


async def _write_during(
    gateway: httpx.AsyncClient, user: User, seconds: float
) -> tuple[list[str], list[httpx.Response]]:
    acknowledged: list[str] = []
    refused: list[httpx.Response] = []
    n = 0
    with anyio.move_on_after(seconds):
        while True:
            n += 1
            answer = await gateway.post(
                "/api/v1/tasks", json={"title": f"during outage {n}"}, headers=user.headers
            )
            if answer.status_code == 201:
                acknowledged.append(answer.json()["id"])
            else:
                refused.append(answer)
            await anyio.sleep(0.25)
    return acknowledged, refused


async def _run_outage(
    stack: Stack, gateway: httpx.AsyncClient, user: User, links: list[str], scenario: Scenario
) -> None:
    async with listening(gateway, user) as log:
        warm = await gateway.post("/api/v1/tasks", json={"title": "before"}, headers=user.headers)
        assert warm.status_code == 201, warm.text
        await wait_for_versions(log, 1, 10)
        for link in links:
            stack.proxies[link].outage_begin()
        try:
            acknowledged, refused = await _write_during(gateway, user, OUTAGE_SECONDS)
        finally:
            for link in links:
                stack.proxies[link].outage_end()
        expected = 1 + len(acknowledged)
        try:
            catch_up = await wait_for_versions(log, expected, within=15)
        except TimeoutError:
            catch_up = float("inf")
        after = await gateway.post("/api/v1/tasks", json={"title": "after"}, headers=user.headers)
        assert after.status_code == 201, after.text
        await wait_for_versions(log, expected + 1, within=10)

    scenario.figures.update(
        {
            "changes acknowledged during outage": len(acknowledged),
            "writes refused during outage": len(refused),
            "catch-up after Redis is back (s)": catch_up,
            "stream reconnects": log.reconnects,
            "resync events": log.resyncs,
        }
    )
    assert {answer.status_code for answer in refused} <= {503}, [r.text for r in refused]
    assert all("retry-after" in answer.headers for answer in refused)
    versions = log.versions
    assert versions == list(range(versions[0], versions[0] + len(versions))), versions
    assert set(acknowledged) <= log.task_ids
    assert catch_up <= CATCH_UP_LIMIT_SECONDS


async def test_redis_down_for_the_gateway_loses_no_change_for_a_listener(
    stack: Stack, gateway: httpx.AsyncClient, auth: httpx.AsyncClient, scenario: Scenario
) -> None:
    """chat-gateway's Redis link down 5 s while changes are made: the listener gets every change within 2 s of Redis coming back."""  # noqa: E501
    user = await sign_up(auth)

    await _run_outage(stack, gateway, user, ["redis_gateway"], scenario)

    assert scenario.figures["changes acknowledged during outage"] > 0


async def test_redis_down_for_everyone_loses_no_acknowledged_change(
    stack: Stack, gateway: httpx.AsyncClient, auth: httpx.AsyncClient, scenario: Scenario
) -> None:
    """Redis down 5 s for every service: writes succeed or get 503 + Retry-After; every acknowledged change reaches the listener within 2 s of Redis coming back."""  # noqa: E501
    user = await sign_up(auth)

    await _run_outage(stack, gateway, user, ["redis_gateway", "redis_tasks"], scenario)
