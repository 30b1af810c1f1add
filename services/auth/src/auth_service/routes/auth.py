"""Registration, sign-in, token refresh, sign-out and the current user."""

import re
from typing import Annotated

from fastapi import APIRouter, Body, Cookie, Request, Response, status
from servicekit.sessions import revoke_session

from auth_service.accounts import IssuedTokens
from auth_service.deps import CurrentUserId, ResourcesDep
from auth_service.errors import InvalidRefreshTokenError, NotAuthenticatedError
from auth_service.schemas import (
    REFRESH_TOKEN_PATTERN,
    Credentials,
    RefreshRequest,
    TokenPair,
    UserCreate,
    UserPublic,
)

router = APIRouter(prefix="/auth", tags=["auth"])

REFRESH_COOKIE = "refresh_token"
_COOKIE_PATH = "/auth"
_TOKEN = re.compile(REFRESH_TOKEN_PATTERN)

OptionalRefreshBody = Annotated[RefreshRequest | None, Body()]
RefreshCookie = Annotated[str | None, Cookie(alias=REFRESH_COOKIE, include_in_schema=False)]


def _presented_token(body: RefreshRequest | None, cookie: str | None) -> str:
    if body is not None and body.refresh_token is not None:
        return body.refresh_token
    if cookie is not None and _TOKEN.fullmatch(cookie):
        return cookie
    raise InvalidRefreshTokenError


def _token_pair(tokens: IssuedTokens, response: Response, resources: ResourcesDep) -> TokenPair:
    response.set_cookie(
        REFRESH_COOKIE,
        tokens.refresh_token,
        max_age=resources.settings.refresh_token_ttl_seconds,
        path=_COOKIE_PATH,
        secure=resources.settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return TokenPair(
        access_token=tokens.access_token,
        expires_in=tokens.expires_in,
        refresh_token=tokens.refresh_token,
    )


@router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(body: UserCreate, resources: ResourcesDep) -> UserPublic:
    """Create an account."""
    user = await resources.accounts.register(body.email, body.password)
    return UserPublic.model_validate(user, from_attributes=True)


@router.post("/login")
async def login(
    body: Credentials, request: Request, response: Response, resources: ResourcesDep
) -> TokenPair:
    """Sign in with email and password."""
    address = request.client.host if request.client else "unknown"
    tokens = await resources.accounts.login(body.email, body.password, address)
    return _token_pair(tokens, response, resources)


@router.post("/refresh")
async def refresh(
    response: Response,
    resources: ResourcesDep,
    body: OptionalRefreshBody = None,
    cookie: RefreshCookie = None,
) -> TokenPair:
    """Exchange a refresh token (body or cookie) for a new token pair."""
    tokens = await resources.accounts.refresh(_presented_token(body, cookie))
    return _token_pair(tokens, response, resources)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    resources: ResourcesDep,
    body: OptionalRefreshBody = None,
    cookie: RefreshCookie = None,
) -> Response:
    """Revoke the refresh token's family, end its session's streams and clear the cookie."""
    ended = await resources.accounts.logout(_presented_token(body, cookie))
    if ended is not None:
        await revoke_session(resources.redis, ended, resources.settings.access_token_ttl_seconds)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(
        REFRESH_COOKIE,
        path=_COOKIE_PATH,
        secure=resources.settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/me")
async def me(user_id: CurrentUserId, resources: ResourcesDep) -> UserPublic:
    """The signed-in user."""
    user = await resources.accounts.user(user_id)
    if user is None:
        raise NotAuthenticatedError
    return UserPublic.model_validate(user, from_attributes=True)
