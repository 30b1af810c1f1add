"""Repeated failed logins answer 429 with Retry-After, per email and per client address."""

from collections.abc import Callable

import httpx
import pytest

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery staple"
THROTTLED = {
    "type": "about:blank",
    "title": "Too Many Requests",
    "status": 429,
    "detail": "Too many failed sign-in attempts. Try again later.",
}
ClientFactory = Callable[[], httpx.AsyncClient]


async def _post_login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    async with client:
        return await client.post("/auth/login", json={"email": email, "password": password})


async def test_the_sixth_attempt_after_five_failures_for_an_email_answers_429(
    client: httpx.AsyncClient, client_factory: ClientFactory, email: str
) -> None:
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    failures = [await _post_login(client_factory(), email, "wrong-pass") for _ in range(5)]

    # Even the right password from a fresh address is refused while the email is throttled.
    response = await _post_login(client_factory(), email, PASSWORD)

    assert [failure.status_code for failure in failures] == [401] * 5
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert 1 <= int(response.headers["retry-after"]) <= 900
    assert response.json() == THROTTLED


async def test_twenty_failures_from_one_address_throttle_every_email_from_it(
    client: httpx.AsyncClient, email_factory: Callable[[], str]
) -> None:
    failures = [
        await client.post("/auth/login", json={"email": email_factory(), "password": "wrong-pass"})
        for _ in range(20)
    ]

    response = await client.post(
        "/auth/login", json={"email": email_factory(), "password": "wrong-pass"}
    )

    assert {failure.status_code for failure in failures} == {401}
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 900
    assert response.json() == THROTTLED


async def test_a_successful_login_resets_the_email_counter(
    client: httpx.AsyncClient, email: str
) -> None:
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    for _ in range(4):
        await client.post("/auth/login", json={"email": email, "password": "wrong-pass"})
    success = await client.post("/auth/login", json={"email": email, "password": PASSWORD})

    statuses = [
        (
            await client.post("/auth/login", json={"email": email, "password": "wrong-pass"})
        ).status_code
        for _ in range(5)
    ]

    assert success.status_code == 200
    assert statuses == [401] * 5
