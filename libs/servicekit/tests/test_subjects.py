"""Data subjects: the default app keeps the user's own id, any other data domain a stable
pairwise id; the signed identity of another domain is v2 and cannot be altered in transit."""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request
from redis.asyncio import Redis
from servicekit.errors import install_problem_handlers
from servicekit.identity import (
    APP_HEADER,
    USER_HEADER,
    IdentityMiddleware,
    IdentitySigner,
    IdentityVerifier,
    verified_user,
)
from servicekit.subjects import DEFAULT_APP, Subject, data_subject

pytestmark = pytest.mark.anyio

SIGNER = IdentitySigner("k", b"subject-test-secret-0123456789ab")
BODY = b'{"title": "buy stamps"}'


def build_app(redis: Redis) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/tasks")
    async def create(request: Request) -> dict[str, str]:
        return {"user": str(verified_user.get()), "state_user": str(request.state.user_id)}

    verifier = IdentityVerifier(
        {SIGNER.key_id: SIGNER.secret}, redis, nonce_prefix=f"subject-test:{uuid.uuid4().hex}:"
    )
    app.add_middleware(IdentityMiddleware, verifier=verifier, exempt_paths=frozenset())
    return app


async def _post(client: httpx.AsyncClient, headers: dict[str, str]) -> httpx.Response:
    return await client.post("/tasks", content=BODY, headers=headers)


def test_the_default_domain_keys_data_by_the_user_id_itself() -> None:
    user = uuid.uuid4()
    assert data_subject(DEFAULT_APP, user) == user
    assert Subject(user) == user


def test_another_domain_keys_data_by_a_stable_id_of_its_own_per_user() -> None:
    alice, bob = uuid.uuid4(), uuid.uuid4()
    subjects = {
        data_subject(domain, user) for domain in ("errands", "pantry") for user in (alice, bob)
    }
    assert len(subjects) == 4
    assert alice not in subjects
    assert bob not in subjects
    assert data_subject("errands", alice) == data_subject("errands", alice)
    assert Subject(alice, "errands") == data_subject("errands", alice)
    assert Subject(alice, "errands").user_id == alice


@pytest.fixture
async def client(redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(redis))
    async with httpx.AsyncClient(transport=transport, base_url="http://tasks.test") as http:
        yield http


async def test_a_request_signed_for_another_domain_reaches_the_route_as_its_subject(
    client: httpx.AsyncClient,
) -> None:
    user = uuid.uuid4()
    headers = SIGNER.headers("POST", "/tasks", BODY, Subject(user, "errands"))

    response = await _post(client, headers)

    assert headers[USER_HEADER] == str(user)
    assert headers[APP_HEADER] == "errands"
    assert response.status_code == 200, response.text
    subject = str(data_subject("errands", user))
    assert response.json() == {"user": subject, "state_user": subject}


@pytest.mark.parametrize("tamper", ["drop", "other", "default", "malformed"])
async def test_a_domain_changed_or_dropped_in_transit_answers_401(
    client: httpx.AsyncClient, tamper: str
) -> None:
    headers = SIGNER.headers("POST", "/tasks", BODY, Subject(uuid.uuid4(), "errands"))
    match tamper:
        case "drop":
            del headers[APP_HEADER]
        case "other":
            headers[APP_HEADER] = "pantry"
        case "default":
            headers[APP_HEADER] = DEFAULT_APP
        case _:
            headers[APP_HEADER] = "Not An Id"

    response = await _post(client, headers)

    assert response.status_code == 401
    assert response.json()["detail"] == "Valid identity headers are required."
