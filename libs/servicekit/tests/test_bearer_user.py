"""bearer_user: the FastAPI dependency answers 401 problem+json unless a valid Bearer token."""

import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, FastAPI, Request
from jose import jwk, jwt
from servicekit.errors import install_problem_handlers
from servicekit.jwt import AccessClaims, JWKSVerifier, bearer_user
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

pytestmark = pytest.mark.anyio

ISSUER = "chatkit-botbuilder-auth"
AUDIENCE = "chatkit-botbuilder"


def _pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture
async def client(rsa_key: rsa.RSAPrivateKey) -> AsyncIterator[httpx.AsyncClient]:
    public = {**jwk.construct(_pem(rsa_key), "RS256").public_key().to_dict(), "kid": "k1"}

    async def jwks(request: Request) -> Response:
        return JSONResponse({"keys": [public]})

    jwks_app = Starlette(routes=[Route("/jwks.json", jwks)])
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=jwks_app)) as jwks_http:
        app = FastAPI()
        install_problem_handlers(app)
        app.state.verifier = JWKSVerifier(
            "http://auth.test/jwks.json", issuer=ISSUER, audience=AUDIENCE, http_client=jwks_http
        )
        current_user = bearer_user(lambda request: request.app.state.verifier)

        @app.get("/whoami")
        async def whoami(
            claims: Annotated[AccessClaims, Depends(current_user)],
        ) -> dict[str, str]:
            return {"user_id": str(claims.user_id)}

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as http:
            yield http


def _token(key: rsa.RSAPrivateKey, user_id: uuid.UUID) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(user_id),
        "iat": now,
        "nbf": now,
        "exp": now + 900,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, _pem(key), algorithm="RS256", headers={"kid": "k1"})


async def test_a_valid_bearer_token_reaches_the_route_with_its_user(
    client: httpx.AsyncClient, rsa_key: rsa.RSAPrivateKey
) -> None:
    user_id = uuid.uuid4()

    response = await client.get(
        "/whoami", headers={"Authorization": f"Bearer {_token(rsa_key, user_id)}"}
    )

    assert response.status_code == 200
    assert response.json() == {"user_id": str(user_id)}


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic dXNlcjpwYXNzd29yZA==", "Token abc.def.ghi", "bearer"],
)
async def test_a_missing_or_non_bearer_authorization_header_answers_401(
    client: httpx.AsyncClient, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}

    response = await client.get("/whoami", headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "A Bearer access token is required.",
    }


async def test_an_invalid_bearer_token_answers_401_invalid_token(
    client: httpx.AsyncClient, other_rsa_key: rsa.RSAPrivateKey
) -> None:
    forged = _token(other_rsa_key, uuid.uuid4())

    response = await client.get("/whoami", headers={"Authorization": f"Bearer {forged}"})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "The access token is invalid or expired.",
    }
