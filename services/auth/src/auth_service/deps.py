"""Request-scoped access to what the lifespan built, as Annotated dependency aliases."""

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from redis.asyncio import Redis
from servicekit.app_choice import APP_HEADER, choose_app
from servicekit.database import Database

from auth_service.accounts import Accounts
from auth_service.config import Settings
from auth_service.errors import NotAuthenticatedError, UnknownAppError
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


def request_app(request: Request) -> str:
    """The app the request is for (X-Chat-App, else its Host's in AUTH_APP_HOSTS, else the
    first of AUTH_APPS); 400 for an app tokens are not issued for."""
    settings = get_resources(request).settings
    app = choose_app(
        request.headers.get(APP_HEADER),
        request.headers.get("host"),
        settings.app_hosts,
        settings.apps[0],
    )
    if app not in settings.apps:
        raise UnknownAppError
    return app


RequestApp = Annotated[str, Depends(request_app)]


def current_user_id(
    resources: ResourcesDep,
    app: RequestApp,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> uuid.UUID:
    """The user id of the request's valid Bearer access token of the request's app."""
    if credentials is None:
        raise NotAuthenticatedError
    try:
        return verify_access_token(credentials.credentials, resources.keys, resources.settings, app)
    except InvalidAccessTokenError as exc:
        raise NotAuthenticatedError from exc


CurrentUserId = Annotated[uuid.UUID, Depends(current_user_id)]
