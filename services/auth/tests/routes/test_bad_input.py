"""Bad input to every auth endpoint answers 4xx problem+json, never 5xx, and writes nothing."""

import json
import uuid
from typing import Any

import httpx
import pytest
from auth_service.deps import Resources
from auth_service.models import RefreshToken, User
from fastapi import FastAPI
from sqlalchemy import func, select

pytestmark = pytest.mark.anyio

MIB = 1024 * 1024
VALID_PASSWORD = "a perfectly fine password"
SQL = "x'; DROP TABLE users; --"


def _json(value: Any) -> dict[str, Any]:
    return {"content": json.dumps(value), "headers": {"content-type": "application/json"}}


def _raw(body: bytes, content_type: str = "application/json") -> dict[str, Any]:
    return {"content": body, "headers": {"content-type": content_type}}


CREDENTIAL_BODIES: list[tuple[str, dict[str, Any], int]] = [
    ("invalid JSON", _raw(b'{"email": "a@example.com", "password": '), 422),
    ("empty body", _raw(b""), 422),
    ("a JSON array", _json([]), 422),
    ("a JSON string", _json("a@example.com"), 422),
    ("JSON null", _json(None), 422),
    ("missing fields", _json({}), 422),
    ("missing password", _json({"email": "a@example.com"}), 422),
    ("email of wrong type", _json({"email": 123, "password": VALID_PASSWORD}), 422),
    ("password of wrong type", _json({"email": "a@example.com", "password": ["x"]}), 422),
    ("null fields", _json({"email": None, "password": None}), 422),
    ("unknown field", _json({"email": "a@b.example", "password": VALID_PASSWORD, "admin": 1}), 422),
    ("not an email", _json({"email": "not-an-email", "password": VALID_PASSWORD}), 422),
    ("SQL as email", _json({"email": SQL, "password": VALID_PASSWORD}), 422),
    ("NUL in email", _json({"email": "a\u0000b@example.com", "password": VALID_PASSWORD}), 422),
    ("bidi override in email", _json({"email": "a\u202eb@example.com", "password": "p" * 8}), 422),
    (
        "lone surrogate in password",
        _raw(b'{"email": "a@example.com", "password": "ab\\ud800cdefgh"}'),
        422,
    ),
    ("password over 1024 chars", _json({"email": "a@example.com", "password": "p" * 1025}), 422),
    (
        "email over 320 chars",
        _json({"email": "a" * 400 + "@example.com", "password": "p" * 8}),
        422,
    ),
    (
        "form encoded",
        _raw(b"email=a%40example.com&password=password1", "application/x-www-form-urlencoded"),
        422,
    ),
    (
        "almost 1 MiB password",
        _json({"email": "a@example.com", "password": "p" * (MIB - 100)}),
        422,
    ),
    ("over 1 MiB", _raw(b'{"email": "a@example.com", "password": "' + b"p" * MIB + b'"}'), 413),
]

REGISTER_ONLY: list[tuple[str, dict[str, Any], int]] = [
    ("password over 128 chars", _json({"email": "a@example.com", "password": "p" * 129}), 422),
    ("password under 8 chars", _json({"email": "a@example.com", "password": "short"}), 422),
]

TOKEN_BODIES: list[tuple[str, dict[str, Any], int]] = [
    ("invalid JSON", _raw(b'{"refresh_token": '), 422),
    ("a JSON array", _json(["x" * 43]), 422),
    ("token of wrong type", _json({"refresh_token": 123}), 422),
    ("token too short", _json({"refresh_token": "abc"}), 422),
    ("SQL as token", _json({"refresh_token": SQL + "a" * 40}), 422),
    ("unicode token", _json({"refresh_token": "ü" * 43}), 422),
    ("unknown field", _json({"token": "x" * 43}), 422),
    ("missing token", _json({}), 401),
    ("over 1 MiB", _raw(b'{"refresh_token": "' + b"a" * MIB + b'"}'), 413),
]

CASES = (
    [
        ("/auth/register", name, body, status)
        for name, body, status in CREDENTIAL_BODIES + REGISTER_ONLY
    ]
    + [("/auth/login", name, body, status) for name, body, status in CREDENTIAL_BODIES]
    # An empty refresh body with no cookie is no session, not a bad body: 204 (test_auth).
    + [
        ("/auth/refresh", name, body, status)
        for name, body, status in TOKEN_BODIES
        if name != "missing token"
    ]
    + [("/auth/logout", name, body, status) for name, body, status in TOKEN_BODIES]
)


async def _row_counts(app: FastAPI) -> tuple[int, int]:
    resources: Resources = app.state.resources
    async with resources.database.session() as session:
        users = await session.scalar(select(func.count()).select_from(User))
        tokens = await session.scalar(select(func.count()).select_from(RefreshToken))
    return users or 0, tokens or 0


def _assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert isinstance(body["title"], str)
    assert isinstance(body["detail"], str)
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("path", "request_kwargs", "status"),
    [pytest.param(path, body, status, id=f"{path} {name}") for path, name, body, status in CASES],
)
async def test_bad_body_answers_4xx_problem_and_writes_nothing(
    client: httpx.AsyncClient,
    app: FastAPI,
    path: str,
    request_kwargs: dict[str, Any],
    status: int,
) -> None:
    before = await _row_counts(app)

    response = await client.post(path, **request_kwargs)

    _assert_problem(response, status)
    assert await _row_counts(app) == before


async def test_validation_problems_name_the_field_but_never_echo_the_input(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/auth/register", json={"email": "a@example.com", "password": "secret!"}
    )

    _assert_problem(response, 422)
    assert response.json()["errors"] == [
        {
            "loc": ["body", "password"],
            "msg": "String should have at least 8 characters",
            "type": "string_too_short",
        }
    ]
    assert "secret!" not in response.text


@pytest.mark.parametrize(
    "local_part",
    ["admin'--", "'OR'1'='1", "pérez", "用户"],
)
async def test_sql_looking_and_unicode_emails_are_plain_data_at_login(
    client: httpx.AsyncClient, app: FastAPI, local_part: str
) -> None:
    email = f"{local_part}{uuid.uuid4().hex[:8]}@exämple.com"
    before = await _row_counts(app)

    response = await client.post("/auth/login", json={"email": email, "password": "whatever1"})

    _assert_problem(response, 401)
    assert response.json()["detail"] == "Invalid email or password"
    assert await _row_counts(app) == before


async def test_a_unicode_email_registers_and_signs_in(client: httpx.AsyncClient) -> None:
    tag = uuid.uuid4().hex[:8]
    email = f"Zoë.Ünïcode.{tag}@Exämple.com"
    password = "пароль-密码-🔑-ok"

    registered = await client.post("/auth/register", json={"email": email, "password": password})
    signed_in = await client.post(
        "/auth/login", json={"email": email.lower(), "password": password}
    )

    assert registered.status_code == 202
    assert signed_in.status_code == 200
    assert signed_in.json()["token_type"] == "bearer"
    me = await client.get(
        "/auth/me", headers={"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    )
    assert me.json()["email"] == f"zoë.ünïcode.{tag}@exämple.com"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/auth/login", 405),
        ("PUT", "/auth/register", 405),
        ("DELETE", "/.well-known/jwks.json", 405),
        ("GET", "/auth/nothing-here", 404),
        ("POST", "/auth/me", 405),
    ],
)
async def test_unknown_paths_and_methods_answer_problem(
    client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)

    _assert_problem(response, status)


async def test_a_chunked_body_over_1_mib_answers_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> Any:
        yield b'{"email": "a@example.com", "password": "'
        for _ in range(17):
            yield b"p" * 65536
        yield b'"}'

    response = await client.post(
        "/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )

    _assert_problem(response, 413)
