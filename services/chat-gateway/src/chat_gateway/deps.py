"""FastAPI dependencies: the verified user and the resources the lifespan opened."""

from typing import Annotated, cast
from uuid import UUID

import httpx
from fastapi import Depends, Request
from redis.asyncio import Redis
from servicekit.database import Database
from servicekit.identity import IdentitySigner
from servicekit.jwt import AccessClaims, JWKSVerifier, bearer_user

from chat_gateway.config import Settings


def get_settings(request: Request) -> Settings:
    """The application's settings."""
    return cast(Settings, request.app.state.settings)


def get_database(request: Request) -> Database:
    """The database opened by the lifespan."""
    return cast(Database, request.app.state.database)


def get_redis(request: Request) -> Redis:
    """The Redis client opened by the lifespan."""
    return cast(Redis, request.app.state.redis)


def get_http_client(request: Request) -> httpx.AsyncClient:
    """The shared outgoing HTTP client (no identity attached; sign per request)."""
    return cast(httpx.AsyncClient, request.app.state.http)


def get_identity_signer(request: Request) -> IdentitySigner:
    """Signs requests to mcp-tasks on behalf of a user."""
    return cast(IdentitySigner, request.app.state.identity_signer)


def _jwks_verifier(request: Request) -> JWKSVerifier:
    return cast(JWKSVerifier, request.app.state.jwks_verifier)


async def current_user(
    claims: Annotated[AccessClaims, Depends(bearer_user(_jwks_verifier))],
) -> UUID:
    """The user id of a valid Bearer access token; 401 problem+json otherwise."""
    return claims.user_id


CurrentUser = Annotated[UUID, Depends(current_user)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
RedisDep = Annotated[Redis, Depends(get_redis)]
HttpClientDep = Annotated[httpx.AsyncClient, Depends(get_http_client)]
IdentitySignerDep = Annotated[IdentitySigner, Depends(get_identity_signer)]
