"""The auth flows over HTTP: register, login, me, refresh rotation and reuse, logout."""

import io
import json
import logging
import uuid

import httpx
import pytest
from auth_service.deps import Resources
from auth_service.models import RefreshToken, User
from auth_service.schemas import UserPublic
from fastapi import FastAPI
from jose import jwt
from servicekit.logging import JsonFormatter
from servicekit.sessions import is_session_revoked, revoked_session_key
from sqlalchemy import select

pytestmark = pytest.mark.anyio

PASSWORD = "correct horse battery staple"

UNAUTHORIZED_LOGIN = {
    "type": "about:blank",
    "title": "Unauthorized",
    "status": 401,
    "detail": "Invalid email or password",
}
INVALID_REFRESH = {
    "type": "about:blank",
    "title": "Unauthorized",
    "status": 401,
    "detail": "The refresh token is invalid or expired. Sign in again.",
}


def resources(app: FastAPI) -> Resources:
    value: Resources = app.state.resources
    return value


async def register(client: httpx.AsyncClient, app: FastAPI, email: str) -> dict[str, str]:
    """Register ``email``; the user as /auth/me shows it, read from the database."""
    response = await client.post("/auth/register", json={"email": email, "password": PASSWORD})
    assert response.status_code == 202, response.text
    async with resources(app).database.session() as session:
        user = await session.scalar(select(User).where(User.email == email.strip().lower()))
    assert user is not None
    return UserPublic.model_validate(user, from_attributes=True).model_dump(mode="json")


async def login(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    """Sign in as a non-browser client, which asks for the refresh token in the body."""
    response = await client.post(
        "/auth/login",
        json={"email": email, "password": PASSWORD, "refresh_token_in_body": True},
    )
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


async def family_rows(app: FastAPI, user_id: str) -> list[RefreshToken]:
    async with resources(app).database.session() as session:
        rows = await session.scalars(
            select(RefreshToken)
            .where(RefreshToken.user_id == uuid.UUID(user_id))
            .order_by(RefreshToken.created_at)
        )
        return list(rows)


async def test_register_creates_a_user_with_a_normalised_email_and_a_hashed_password(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    response = await client.post(
        "/auth/register", json={"email": f"  {email.upper()} ", "password": PASSWORD}
    )

    assert response.status_code == 202
    assert set(response.json()) == {"status", "detail"}
    async with resources(app).database.session() as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    assert user.created_at.tzinfo is not None
    assert user.password_hash.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert PASSWORD not in user.password_hash


async def test_login_answers_an_access_token_and_keeps_the_refresh_token_in_an_http_only_cookie(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    user = await register(client, app, email)

    response = await client.post(
        "/auth/login", json={"email": f" {email.title()}", "password": PASSWORD}
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    refresh_token = client.cookies["refresh_token"]
    assert len(refresh_token) >= 43
    assert refresh_token not in response.text
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"refresh_token={refresh_token};")
    assert "HttpOnly" in cookie
    assert "Path=/auth" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" in cookie
    assert response.headers["cache-control"] == "no-store"
    rows = await family_rows(app, user["id"])
    assert len(rows) == 1
    assert rows[0].token_hash != refresh_token.encode()
    assert len(rows[0].token_hash) == 32


async def test_login_returns_the_refresh_token_in_the_body_only_when_asked(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    await register(client, app, email)

    response = await client.post(
        "/auth/login",
        json={"email": email, "password": PASSWORD, "refresh_token_in_body": True},
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["refresh_token"] == client.cookies["refresh_token"]


async def test_access_token_is_rs256_with_kid_and_the_contract_claims(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    user = await register(client, app, email)
    tokens = await login(client, email)
    jwks = (await client.get("/.well-known/jwks.json")).json()

    header = jwt.get_unverified_header(tokens["access_token"])
    claims = jwt.decode(
        tokens["access_token"],
        jwks,
        algorithms=["RS256"],
        audience="chatkit-botbuilder",
        issuer="chatkit-botbuilder-auth",
    )

    assert header["alg"] == "RS256"
    assert header["kid"] == "test-key"
    assert set(claims) == {"iss", "aud", "sub", "iat", "nbf", "exp", "jti", "sid", "app"}
    assert claims["app"] == "tasks"
    assert claims["sub"] == user["id"]
    assert claims["exp"] - claims["iat"] == 900
    assert claims["nbf"] == claims["iat"]


async def test_unknown_email_and_wrong_password_get_the_same_401(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    await register(client, app, email)

    wrong_password = await client.post(
        "/auth/login", json={"email": email, "password": "not the password"}
    )
    unknown_email = await client.post(
        "/auth/login", json={"email": "nobody-" + email, "password": PASSWORD}
    )

    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == UNAUTHORIZED_LOGIN
        assert "set-cookie" not in response.headers


async def test_me_returns_the_user_of_the_access_token(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    user = await register(client, app, email)
    tokens = await login(client, email)

    response = await client.get(
        "/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )

    assert response.status_code == 200
    assert response.json() == user


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not.a.token", "Basic dXNlcjpwYXNz", "Bearer " + "a" * 5000],
)
async def test_me_without_a_valid_bearer_token_answers_401(
    client: httpx.AsyncClient, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    response = await client.get("/auth/me", headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "A valid Bearer access token is required.",
    }


async def test_refresh_rotates_the_token_in_the_same_family(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    user = await register(client, app, email)
    first = await login(client, email)

    response = await client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})

    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert response.headers["set-cookie"].startswith(f"refresh_token={second['refresh_token']};")
    me = await client.get("/auth/me", headers={"Authorization": f"Bearer {second['access_token']}"})
    assert me.json() == user
    rows = await family_rows(app, user["id"])
    assert len(rows) == 2
    assert rows[0].family_id == rows[1].family_id
    assert rows[0].rotated_at is not None
    assert rows[1].rotated_at is None
    assert all(row.revoked_at is None for row in rows)


async def test_refresh_reads_the_cookie_when_the_body_is_empty(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    await register(client, app, email)
    await login(client, email)  # the client keeps the refresh_token cookie

    response = await client.post("/auth/refresh")

    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "token_type", "expires_in"}
    assert response.json()["token_type"] == "bearer"
    assert response.headers["set-cookie"].startswith(
        f"refresh_token={client.cookies['refresh_token']};"
    )


async def test_reusing_a_rotated_refresh_token_answers_401_and_revokes_the_family(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    user = await register(client, app, email)
    first = await login(client, email)
    second = (
        await client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    ).json()

    reuse = await client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    after = await client.post("/auth/refresh", json={"refresh_token": second["refresh_token"]})

    assert reuse.status_code == 401
    assert reuse.json() == INVALID_REFRESH
    assert after.status_code == 401
    assert after.json() == INVALID_REFRESH
    rows = await family_rows(app, user["id"])
    assert len(rows) == 2
    assert all(row.revoked_at is not None for row in rows)


async def test_reuse_does_not_revoke_the_users_other_sessions(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    await register(client, app, email)
    stolen = await login(client, email)
    other_device = await login(client, email)
    await client.post("/auth/refresh", json={"refresh_token": stolen["refresh_token"]})
    await client.post("/auth/refresh", json={"refresh_token": stolen["refresh_token"]})

    response = await client.post(
        "/auth/refresh", json={"refresh_token": other_device["refresh_token"]}
    )

    assert response.status_code == 200
    assert response.json()["refresh_token"] != other_device["refresh_token"]


async def test_logout_revokes_the_family_and_clears_the_cookie(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    user = await register(client, app, email)
    tokens = await login(client, email)

    response = await client.post("/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    refresh = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})

    assert response.status_code == 204
    assert response.content == b""
    cookie = response.headers["set-cookie"]
    assert cookie.startswith('refresh_token="";')
    assert "Max-Age=0" in cookie
    assert "Path=/auth" in cookie
    assert refresh.status_code == 401
    assert refresh.json() == INVALID_REFRESH
    rows = await family_rows(app, user["id"])
    assert [row.revoked_at is not None for row in rows] == [True]


async def test_logout_with_the_cookie_only_revokes_the_family(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    user = await register(client, app, email)
    await login(client, email)

    response = await client.post("/auth/logout")

    assert response.status_code == 204
    assert "refresh_token" not in client.cookies
    rows = await family_rows(app, user["id"])
    assert [row.revoked_at is not None for row in rows] == [True]


async def test_logout_records_the_session_of_its_access_tokens_as_revoked(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    await register(client, app, email)
    tokens = await login(client, email)
    session_id = jwt.get_unverified_claims(tokens["access_token"])["sid"]
    redis = resources(app).redis
    before = await is_session_revoked(redis, session_id)

    response = await client.post("/auth/logout")

    assert response.status_code == 204
    assert before is False
    assert await is_session_revoked(redis, session_id) is True
    ttl = await redis.ttl(revoked_session_key(session_id))
    assert 0 < ttl <= resources(app).settings.access_token_ttl_seconds


async def test_a_refreshed_access_token_keeps_its_session(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    await register(client, app, email)
    first = await login(client, email)

    refreshed = await client.post("/auth/refresh")

    assert refreshed.status_code == 200
    sid = jwt.get_unverified_claims(first["access_token"])["sid"]
    assert jwt.get_unverified_claims(refreshed.json()["access_token"])["sid"] == sid


async def test_refresh_without_any_token_answers_204_no_session(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/auth/refresh")

    assert response.status_code == 204
    assert response.content == b""
    assert "set-cookie" not in response.headers
    assert response.headers["cache-control"] == "no-store"


async def test_logout_without_any_token_answers_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/logout")

    assert response.status_code == 401
    assert response.json() == INVALID_REFRESH


async def test_an_unknown_refresh_token_answers_401(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/refresh", json={"refresh_token": "x" * 43})

    assert response.status_code == 401
    assert response.json() == INVALID_REFRESH


async def test_logs_never_contain_passwords_or_tokens(
    client: httpx.AsyncClient, app: FastAPI, email: str
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("auth"))
    logging.getLogger().addHandler(handler)
    try:
        await register(client, app, email)
        tokens = await login(client, email)
        await client.post("/auth/login", json={"email": email, "password": "wrong " + PASSWORD})
        await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    finally:
        logging.getLogger().removeHandler(handler)
    logs = stream.getvalue()

    messages = [json.loads(line)["message"] for line in logs.splitlines()]
    assert messages == [
        "user registered",
        "user signed in",
        "login failed",
        "rotated refresh token reused; family revoked",
    ]
    for secret in (PASSWORD, tokens["access_token"], tokens["refresh_token"], email):
        assert secret not in logs
