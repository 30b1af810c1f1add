"""Registration, sign-in, token refresh, sign-out and the current user."""

import re
from typing import Annotated

from fastapi import APIRouter, Body, Request, Response, status
from servicekit.sessions import revoke_session

from auth_service.accounts import IssuedTokens
from auth_service.deps import CurrentUserId, RequestApp, ResourcesDep
from auth_service.errors import InvalidRefreshTokenError, NotAuthenticatedError
from auth_service.schemas import (
    REFRESH_TOKEN_PATTERN,
    AccessToken,
    Credentials,
    RefreshRequest,
    RegistrationAccepted,
    TokenPair,
    UserCreate,
    UserPublic,
)

router = APIRouter(prefix="/auth", tags=["auth"])

REFRESH_COOKIE = "refresh_token"
"""The refresh cookie of the default app; another app's is ``refresh_token_<app>`` (browsers
share cookies across ports, so apps on one host would otherwise overwrite each other's)."""
_COOKIE_PATH = "/auth"
_TOKEN = re.compile(REFRESH_TOKEN_PATTERN)

OptionalRefreshBody = Annotated[RefreshRequest | None, Body()]


def refresh_cookie(app: str, resources: ResourcesDep) -> str:
    """The name of ``app``'s refresh cookie."""
    return REFRESH_COOKIE if app == resources.settings.apps[0] else f"{REFRESH_COOKIE}_{app}"


def _cookie(request: Request, app: str, resources: ResourcesDep) -> str | None:
    return request.cookies.get(refresh_cookie(app, resources))


def _presented_token(body: RefreshRequest | None, cookie: str | None) -> str:
    if body is not None and body.refresh_token is not None:
        return body.refresh_token
    if cookie is not None and _TOKEN.fullmatch(cookie):
        return cookie
    raise InvalidRefreshTokenError


def _tokens_answer(
    tokens: IssuedTokens, response: Response, resources: ResourcesDep, app: str, *, in_body: bool
) -> AccessToken | TokenPair:
    response.set_cookie(
        refresh_cookie(app, resources),
        tokens.refresh_token,
        max_age=resources.settings.refresh_token_ttl_seconds,
        path=_COOKIE_PATH,
        secure=resources.settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    response.headers["Cache-Control"] = "no-store"
    access = {"access_token": tokens.access_token, "expires_in": tokens.expires_in}
    if in_body:
        return TokenPair(**access, refresh_token=tokens.refresh_token)
    return AccessToken(**access)


@router.post("/register", status_code=status.HTTP_202_ACCEPTED)
async def register(
    body: UserCreate, request: Request, resources: ResourcesDep
) -> RegistrationAccepted:
    """Create an account; the same answer whether or not the email already had one."""
    address = request.client.host if request.client else "unknown"
    await resources.accounts.register(body.email, body.password, address)
    return RegistrationAccepted()


@router.post("/login", response_model=AccessToken | TokenPair)
async def login(
    body: Credentials,
    request: Request,
    response: Response,
    resources: ResourcesDep,
    app: RequestApp,
) -> AccessToken | TokenPair:
    """Sign in to the request's app with email and password; the refresh token is set as an
    HttpOnly cookie."""
    address = request.client.host if request.client else "unknown"
    peer = getattr(request.state, "peer_address", address)
    tokens = await resources.accounts.login(body.email, body.password, address, peer, app)
    return _tokens_answer(tokens, response, resources, app, in_body=body.refresh_token_in_body)


@router.post(
    "/refresh",
    response_model=AccessToken | TokenPair,
    responses={204: {"description": "No refresh token was presented: no one is signed in."}},
)
async def refresh(
    request: Request,
    response: Response,
    resources: ResourcesDep,
    app: RequestApp,
    body: OptionalRefreshBody = None,
) -> AccessToken | TokenPair | Response:
    """Exchange a refresh token for a new access token and a rotated refresh token.

    A token presented in the body comes back in the body (the client keeps it itself); one
    presented as the cookie comes back only as the cookie. With neither, no one is signed in:
    204, so a visitor's first page load is not an error. A token of another app is refused.
    """
    cookie = _cookie(request, app, resources)
    in_body = body is not None and body.refresh_token is not None
    if not in_body and cookie is None:
        return Response(
            status_code=status.HTTP_204_NO_CONTENT, headers={"Cache-Control": "no-store"}
        )
    tokens = await resources.accounts.refresh(_presented_token(body, cookie), app)
    return _tokens_answer(tokens, response, resources, app, in_body=in_body)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    request: Request,
    resources: ResourcesDep,
    app: RequestApp,
    body: OptionalRefreshBody = None,
) -> Response:
    """Revoke the refresh token's family, end its session's streams and clear the cookie."""
    cookie = _cookie(request, app, resources)
    ended = await resources.accounts.logout(_presented_token(body, cookie), app)
    if ended is not None:
        await revoke_session(resources.redis, ended, resources.settings.access_token_ttl_seconds)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(
        refresh_cookie(app, resources),
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
