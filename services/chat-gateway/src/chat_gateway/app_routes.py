"""GET /api/v1/app: what the web app shows for the app it is served as (no sign-in needed)."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from servicekit.jwt import InvalidTokenError

from chat_gateway.apps import AppConfig
from chat_gateway.config import TASKS_SERVICE
from chat_gateway.deps import CurrentApp, caller_of, jwks_verifier
from chat_gateway.tasks.schemas import problem_responses

router = APIRouter(prefix="/api/v1/app", tags=["app"])

_optional_bearer = HTTPBearer(auto_error=False)

TASK_SUGGESTIONS = (
    ("Add buy milk tomorrow", "add_task"),
    ("What's due this week?", "list_tasks"),
    ("Show my completed tasks", "list_tasks"),
)
"""The start screen's suggestions of an app that names none, each with the mcp-tasks tool it
needs."""


class AppBranding(BaseModel):
    """The name, colour and logo the web app wears."""

    name: str
    colour: str
    logo: str | None


class AppInfo(BaseModel):
    """The app the request is for, as the web app needs it."""

    id: str
    branding: AppBranding
    greeting: str | None
    domain_key: str | None
    tasks: bool
    """Whether the web app shows the task dashboard (the app may use mcp-tasks)."""
    task_tools: list[str] | None
    """The mcp-tasks tools the app is granted (None: every one); the dashboard offers only
    the controls whose tools these are, and the task API refuses the others with 403."""
    suggestions: list[str]
    """What the chat's start screen offers to send: the app's own, else the task suggestions
    whose tools it is granted."""


@router.get("", response_model=AppInfo, responses=problem_responses(400, 401))
async def app_info(
    request: Request,
    app: CurrentApp,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_optional_bearer)],
) -> AppInfo:
    """Branding, greeting and sections of the request's app.

    Anyone may ask (the sign-in screen wears the branding); a request that does present a
    token is refused (401) unless the token is valid and this app's.
    """
    if credentials is not None:
        try:
            claims = await jwks_verifier(request).verify(credentials.credentials)
        except InvalidTokenError as exc:
            raise HTTPException(
                401, "The access token is invalid or expired.", {"WWW-Authenticate": "Bearer"}
            ) from exc
        caller_of(claims, app)
    return AppInfo(
        id=app.id,
        branding=AppBranding(name=app.name, colour=app.branding.colour, logo=app.branding.logo),
        greeting=app.greeting,
        domain_key=app.domain_key,
        tasks=app.grants_service(TASKS_SERVICE),
        task_tools=_task_tools(app),
        suggestions=suggestions_of(app),
    )


def suggestions_of(app: AppConfig) -> list[str]:
    """The app's suggestions, or the task suggestions it has the tools for."""
    if app.suggestions is not None:
        return list(app.suggestions)
    return [text for text, tool in TASK_SUGGESTIONS if app.grants_tool(TASKS_SERVICE, tool)]


def _task_tools(app: AppConfig) -> list[str] | None:
    if not app.grants_service(TASKS_SERVICE):
        return []
    granted = app.tools.get(TASKS_SERVICE)
    return None if granted is None else list(granted)
