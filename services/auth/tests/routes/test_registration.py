"""Registration: one answer whether or not the email exists, throttled, bounded passwords."""

import random
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from auth_service.config import Settings
from auth_service.main import create_app
from fastapi import FastAPI

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery staple"
ACCEPTED = {
    "status": "accepted",
    "detail": (
        "Registration received. Sign in with this email and password; an email that already "
        "has an account keeps its own password."
    ),
}
THROTTLED = {
    "type": "about:blank",
    "title": "Too Many Requests",
    "status": 429,
    "detail": "Too many registrations. Try again later.",
}


async def test_registering_a_taken_email_answers_exactly_like_a_new_one(
    client: httpx.AsyncClient, email: str
) -> None:
    new = await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    taken = await client.post(
        "/auth/register", json={"email": email.upper(), "password": "another password"}
    )

    assert (new.status_code, new.json()) == (202, ACCEPTED)
    assert (taken.status_code, taken.json()) == (202, ACCEPTED)
    assert taken.headers["content-type"] == new.headers["content-type"]
    owner = await client.post("/auth/login", json={"email": email, "password": PASSWORD})
    squatter = await client.post(
        "/auth/login", json={"email": email, "password": "another password"}
    )
    assert owner.status_code == 200
    assert squatter.status_code == 401


@pytest.mark.parametrize(("length", "status"), [(128, 202), (129, 422), (1025, 422)])
async def test_passwords_are_capped_at_128_characters(
    client: httpx.AsyncClient, email: str, length: int, status: int
) -> None:
    response = await client.post("/auth/register", json={"email": email, "password": "p" * length})

    assert response.status_code == status
    if status == 422:
        assert response.headers["content-type"] == "application/problem+json"
        assert [error["loc"] for error in response.json()["errors"]] == [["body", "password"]]


@pytest.fixture
async def throttled_app(settings: Settings) -> AsyncIterator[FastAPI]:
    strict = settings.model_copy(
        update={"max_registrations_per_address": 3, "max_registrations": 1_000_000}
    )
    application = create_app(strict)
    async with application.router.lifespan_context(application):
        yield application


def _client(app: FastAPI, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="https://auth.test")


def _address() -> str:
    return f"172.{random.randrange(16, 32)}.{random.randrange(256)}.{random.randrange(1, 255)}"


async def test_registrations_from_one_address_over_its_limit_answer_429(
    throttled_app: FastAPI, email_factory: Callable[[], str]
) -> None:
    address = _address()
    async with _client(throttled_app, address) as client:
        statuses = [
            (
                await client.post(
                    "/auth/register", json={"email": email_factory(), "password": PASSWORD}
                )
            ).status_code
            for _ in range(3)
        ]
        refused = await client.post(
            "/auth/register", json={"email": email_factory(), "password": PASSWORD}
        )
    async with _client(throttled_app, _address()) as elsewhere:
        other = await elsewhere.post(
            "/auth/register", json={"email": email_factory(), "password": PASSWORD}
        )

    assert statuses == [202, 202, 202]
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json() == THROTTLED
    assert other.status_code == 202


async def test_registrations_over_the_global_limit_answer_429_from_any_address(
    settings: Settings, email_factory: Callable[[], str]
) -> None:
    # The global counter is shared by every test: the limit is set just above its count.
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        counted = await app.state.resources.redis.get("auth:registrations:all")
        limit = int(counted or 0) + 2
        strict = settings.model_copy(update={"max_registrations": limit})
        app = create_app(strict)
    async with app.router.lifespan_context(app):
        statuses = []
        for _ in range(3):
            async with _client(app, _address()) as client:
                response = await client.post(
                    "/auth/register", json={"email": email_factory(), "password": PASSWORD}
                )
                statuses.append(response.status_code)

    assert statuses == [202, 202, 429]
    assert response.json() == THROTTLED
