"""FastAPI dependencies: the verified user and the resources the lifespan opened."""

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from servicekit.jwt import AccessClaims, JWKSVerifier, bearer_user

from chat_gateway.resources import Resources, resources_of


async def get_resources(request: Request) -> Resources:
    """The resources the lifespan opened (async: FastAPI would run a plain function in a thread)."""
    return resources_of(request.app)


def jwks_verifier(request: Request) -> JWKSVerifier:
    """The verifier of auth's access tokens."""
    return resources_of(request.app).jwks_verifier


async def current_user(
    claims: Annotated[AccessClaims, Depends(bearer_user(jwks_verifier))],
) -> UUID:
    """The user id of a valid Bearer access token; 401 problem+json otherwise."""
    return claims.user_id


CurrentUser = Annotated[UUID, Depends(current_user)]
ResourcesDep = Annotated[Resources, Depends(get_resources)]
