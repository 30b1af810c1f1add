"""Who may follow /api/v1/events, and with what: tokens, single-use tickets, resume points."""

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest
from live_harness import Gateway, GatewayFactory, User, open_events
from service_processes import ServiceProcess

pytestmark = pytest.mark.anyio

NewUser = Callable[[], Awaitable[User]]


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


async def get_events(
    gateway: Gateway, headers: dict[str, str] | None = None, params: dict[str, str] | None = None
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        return await client.get("/api/v1/events", headers=headers, params=params)


@pytest.mark.parametrize(
    "last_event_id", ["abc", "-1", "+1", "1.5", "", "0x10", "99999999999999999999", "1,2", "1 2"]
)
async def test_bad_last_event_id_values_are_answered_400(
    gateway: Gateway, new_user: NewUser, last_event_id: str
) -> None:
    user = await new_user()
    response = await get_events(gateway, {**user.headers, "Last-Event-ID": last_event_id})
    body = assert_problem(response, 400)
    assert body["detail"] == "Last-Event-ID must be a non-negative event version."


@pytest.mark.parametrize("after", ["-1", "abc", "1e3", str(2**63)])
async def test_bad_after_values_are_answered_422(
    gateway: Gateway, new_user: NewUser, after: str
) -> None:
    user = await new_user()
    assert_problem(await get_events(gateway, user.headers, {"after": after}), 422)


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Token abc"]
)
async def test_the_stream_requires_a_valid_token_or_ticket(
    gateway: Gateway, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else None
    body = assert_problem(await get_events(gateway, headers), 401)
    assert "token" in body["detail"]


async def test_a_ticket_opens_the_users_stream_once(gateway: Gateway, new_user: NewUser) -> None:
    user = await new_user()
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        issued = await client.post("/api/v1/events/tickets", headers=user.headers)
        assert issued.status_code == 200
        ticket = issued.json()
        assert set(ticket) == {"ticket", "expires_in"}
        assert ticket["expires_in"] == 30
        assert len(ticket["ticket"]) >= 40

        async with open_events(gateway.url, params={"ticket": ticket["ticket"]}) as stream:
            created = await client.post("/api/v1/tasks", json={"title": "t"}, headers=user.headers)
            [frame] = await stream.events(1)
        assert frame.json()["task_id"] == created.json()["id"]

        reused = await client.get("/api/v1/events", params={"ticket": ticket["ticket"]})
    body = assert_problem(reused, 401)
    assert body["detail"] == "The ticket is invalid, expired or already used."


@pytest.mark.parametrize("ticket", ["", "made-up", "x" * 128, "é" * 10])
async def test_unknown_tickets_are_answered_401(gateway: Gateway, ticket: str) -> None:
    assert_problem(await get_events(gateway, params={"ticket": ticket}), 401)


async def test_an_overlong_ticket_is_answered_422(gateway: Gateway) -> None:
    assert_problem(await get_events(gateway, params={"ticket": "x" * 129}), 422)


async def test_tickets_are_issued_only_for_a_valid_token(gateway: Gateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        missing = await client.post("/api/v1/events/tickets")
        forged = await client.post(
            "/api/v1/events/tickets", headers={"Authorization": "Bearer a.b.c"}
        )
    assert_problem(missing, 401)
    assert_problem(forged, 401)


async def test_a_bad_last_event_id_does_not_use_up_the_ticket(
    gateway: Gateway, new_user: NewUser
) -> None:
    user = await new_user()
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        ticket = (await client.post("/api/v1/events/tickets", headers=user.headers)).json()
        bad = await client.get(
            "/api/v1/events", params={"ticket": ticket["ticket"]}, headers={"Last-Event-ID": "x"}
        )
    assert_problem(bad, 400)
    async with open_events(gateway.url, params={"ticket": ticket["ticket"]}) as stream:
        assert stream.start is not None
        assert stream.start.id == "0"


async def test_streams_beyond_the_per_user_cap_are_answered_429(
    gateway_factory: GatewayFactory, new_user: NewUser
) -> None:
    user, other = await new_user(), await new_user()
    async with (
        gateway_factory(max_streams_per_user=2) as gateway,
        open_events(gateway.url, user.headers),
        open_events(gateway.url, user.headers),
    ):
        with anyio.fail_after(10):
            refused = await get_events(gateway, user.headers)
        async with open_events(gateway.url, other.headers) as others:
            assert others.start is not None

    body = assert_problem(refused, 429)
    assert body["detail"] == "Too many open event streams for this user (at most 2)."
    assert refused.headers["retry-after"] == "5"


async def test_logout_ends_open_streams_and_refuses_new_tickets_and_streams(
    gateway: Gateway, new_user: NewUser, auth: ServiceProcess
) -> None:
    user, other = await new_user(), await new_user()
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        issued = await client.post("/api/v1/events/tickets", headers=user.headers)
        async with (
            open_events(gateway.url, user.headers) as stream,
            open_events(gateway.url, other.headers) as others,
        ):
            async with httpx.AsyncClient(base_url=auth.url) as auth_client:
                logout = await auth_client.post(
                    "/auth/logout", headers={"Cookie": f"refresh_token={user.refresh_token}"}
                )
            assert logout.status_code == 204
            with anyio.fail_after(10):
                ended = await stream.next_frame()
            created = await client.post("/api/v1/tasks", json={"title": "t"}, headers=other.headers)
            with anyio.fail_after(10):
                [still_open] = await others.events(1)
        ticket = await client.post("/api/v1/events/tickets", headers=user.headers)
        reopened = await client.get("/api/v1/events", headers=user.headers)
        redeemed = await client.get("/api/v1/events", params={"ticket": issued.json()["ticket"]})

    assert ended is None
    assert still_open.json()["task_id"] == created.json()["id"]
    assert assert_problem(ticket, 401)["detail"] == "The session has ended. Sign in again."
    assert assert_problem(reopened, 401)["detail"] == "The session has ended. Sign in again."
    assert assert_problem(redeemed, 401)["detail"] == "The session has ended. Sign in again."
