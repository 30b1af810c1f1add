"""FastAPI dependencies: the request's app, its verified caller and the lifespan's resources."""

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from servicekit.jwt import AccessClaims, JWKSVerifier, bearer_user

from chat_gateway.apps import APP_HEADER, AppCaller, AppConfig
from chat_gateway.resources import Resources, resources_of

FOREIGN_TOKEN = "The access token was issued for another app."


async def get_resources(request: Request) -> Resources:
    """The resources the lifespan opened (async: FastAPI would run a plain function in a thread)."""
    return resources_of(request.app)


def jwks_verifier(request: Request) -> JWKSVerifier:
    """The verifier of auth's access tokens."""
    return resources_of(request.app).jwks_verifier


def request_app(request: Request) -> AppConfig:
    """The app the request is for (X-Chat-App, else its Host's, else the default); 400 for an
    unknown name."""
    app = resources_of(request.app).apps.resolve(
        request.headers.get(APP_HEADER), request.headers.get("host")
    )
    if app is None:
        raise HTTPException(400, f"The {APP_HEADER} header names no app served here.")
    return app


def caller_of(claims: AccessClaims, app: AppConfig) -> AppCaller:
    """The caller of a verified token at ``app``; 401 when the token is another app's."""
    if claims.app != app.id:
        raise HTTPException(
            401, FOREIGN_TOKEN, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )
    return AppCaller(claims.user_id, app)


async def current_app(request: Request) -> AppConfig:
    """The app of the request (async: FastAPI would run a plain function in a thread)."""
    return request_app(request)


async def current_user(
    claims: Annotated[AccessClaims, Depends(bearer_user(jwks_verifier))],
    app: Annotated[AppConfig, Depends(current_app)],
) -> AppCaller:
    """The caller of a valid Bearer access token of the request's app; 401 otherwise.

    It is the data subject every query, channel and signed call of the request is keyed by.
    """
    return caller_of(claims, app)


CurrentApp = Annotated[AppConfig, Depends(current_app)]
CurrentUser = Annotated[AppCaller, Depends(current_user)]
ResourcesDep = Annotated[Resources, Depends(get_resources)]
