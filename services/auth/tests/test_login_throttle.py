"""Repeated failed logins: 429 per (email, address) pair and per address, delays per email."""

import logging
import random
from collections.abc import Callable

import httpx
import pytest
from auth_service.config import Settings
from auth_service.login_throttle import LoginThrottle, LoginVerdict
from auth_service.main import create_app
from redis.asyncio import Redis
from servicekit.client_address import parse_networks

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


async def test_after_five_failures_for_an_email_from_one_address_it_answers_429(
    client: httpx.AsyncClient, email: str
) -> None:
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    failures = [
        await client.post("/auth/login", json={"email": email, "password": "wrong-pass"})
        for _ in range(5)
    ]

    # Even the right password is refused from the address that made the failures.
    response = await client.post("/auth/login", json={"email": email, "password": PASSWORD})

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


async def test_failures_from_many_addresses_do_not_lock_the_owner_out(
    client: httpx.AsyncClient, client_factory: ClientFactory, email: str
) -> None:
    await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    failures = [await _post_login(client_factory(), email, "wrong-pass") for _ in range(8)]

    response = await _post_login(client_factory(), email, PASSWORD)

    assert [failure.status_code for failure in failures] == [401] * 8
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


async def test_failures_for_an_email_from_any_address_delay_its_attempts_doubling_to_a_cap(
    email: str,
) -> None:
    redis = Redis.from_url("redis://127.0.0.1:6379/1")
    throttle = LoginThrottle(
        redis,
        window_seconds=60,
        max_per_email_and_address=5,
        max_per_address=20,
        delay_after_email_failures=3,
        max_delay_seconds=5.0,
    )
    try:
        verdicts = [
            await throttle.begin_attempt(email, f"192.0.2.{attempt}") for attempt in range(7)
        ]
        await throttle.succeeded(email, "198.51.100.1")
        after_success = await throttle.begin_attempt(email, "198.51.100.2")
    finally:
        await redis.aclose()

    assert verdicts == [
        LoginVerdict(),
        LoginVerdict(),
        LoginVerdict(),
        LoginVerdict(delay_seconds=1.0),
        LoginVerdict(delay_seconds=2.0),
        LoginVerdict(delay_seconds=4.0),
        LoginVerdict(delay_seconds=5.0),
    ]
    assert after_success == LoginVerdict()


class _Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_behind_the_ingress_a_client_chosen_forwarded_for_does_not_escape_the_address_limit(
    settings: Settings, email_factory: Callable[[], str]
) -> None:
    behind_ingress = settings.model_copy(
        update={"trusted_proxies": parse_networks("10.244.0.0/16")}
    )
    app = create_app(behind_ingress)
    caller = f"203.0.113.{random.randrange(1, 255)}"
    handler = _Collected()
    transport = httpx.ASGITransport(app=app, client=("10.244.3.4", 40000))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="https://auth.test") as client,
    ):
        # The ingress appends the address it saw to whatever the caller wrote.
        statuses = []
        for attempt in range(21):
            response = await client.post(
                "/auth/login",
                json={"email": email_factory(), "password": "wrong-pass"},
                headers={"X-Forwarded-For": f"198.51.100.{attempt}, {caller}"},
            )
            statuses.append(response.status_code)
        logging.getLogger().addHandler(handler)
        try:
            response = await client.post(
                "/auth/login",
                json={"email": email_factory(), "password": "wrong-pass"},
                headers={"X-Forwarded-For": f"192.0.2.77, {caller}"},
            )
        finally:
            logging.getLogger().removeHandler(handler)

    assert statuses == [401] * 20 + [429]
    assert response.status_code == 429
    assert response.json() == THROTTLED
    throttled = [vars(record) for record in handler.records if record.msg == "login throttled"]
    assert [(fields["client_address"], fields["peer_address"]) for fields in throttled] == [
        (caller, "10.244.3.4")
    ]
