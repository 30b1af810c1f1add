"""Request-scoped access to what the lifespan built, as Annotated dependency aliases."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from redis.asyncio import Redis
from servicekit.database import Database

from auth_service.accounts import Accounts
from auth_service.config import Settings
from auth_service.errors import NotAuthenticatedError
from auth_service.keys import KeyRing
from auth_service.tokens import InvalidAccessTokenError, verify_access_token


@dataclass(frozen=True, slots=True)
class Resources:
    """Everything the lifespan opens, stored on ``app.state.resources``."""

    settings: Settings
    database: Database
    redis: Redis
    keys: KeyRing
    accounts: Accounts


def get_resources(request: Request) -> Resources:
    """The resources of the running application."""
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]

_bearer = HTTPBearer(auto_error=False)


def current_user_id(
    resources: ResourcesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> uuid.UUID:
    """The user id of the request's valid Bearer access token."""
    if credentials is None:
        raise NotAuthenticatedError
    try:
        return verify_access_token(credentials.credentials, resources.keys, resources.settings)
    except InvalidAccessTokenError as exc:
        raise NotAuthenticatedError from exc


CurrentUserId = Annotated[uuid.UUID, Depends(current_user_id)]
