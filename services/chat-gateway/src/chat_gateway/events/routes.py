"""Live task events: GET /api/v1/events (Server-Sent Events) and its single-use tickets."""

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response, StreamingResponse
from servicekit.jwt import AccessClaims, bearer_user

from chat_gateway.apps import AppCaller
from chat_gateway.config import TASKS_SERVICE
from chat_gateway.deps import FOREIGN_TOKEN, CurrentApp, jwks_verifier
from chat_gateway.events.stream_endpoint import (
    SESSION_ENDED,
    EventTicketsDep,
    StreamRequestDep,
    stream_responses,
    unauthorized,
)
from chat_gateway.service_access import refusal
from chat_gateway.tasks.routes import TasksClientDep
from chat_gateway.tasks.schemas import EventTicket, problem_responses

router = APIRouter(prefix="/api/v1/events", tags=["events"])

Claims = Annotated[AccessClaims, Depends(bearer_user(jwks_verifier))]


@router.post(
    "/tickets",
    response_model=EventTicket,
    responses=problem_responses(401, 503),
    summary="Get a single-use ticket for the event stream",
)
async def create_ticket(
    claims: Claims, app: CurrentApp, tickets: EventTicketsDep
) -> EventTicket | Response:
    """A ticket for ``GET /api/v1/events?ticket=...``, usable once within 30 seconds.

    For clients that cannot send an Authorization header (EventSource); the stream it
    opens ends when the access token used here expires, or when its session logs out.
    """
    if claims.app != app.id:
        return unauthorized(FOREIGN_TOKEN)
    if await tickets.session_ended(claims.session_id):
        return unauthorized(SESSION_ENDED)
    ticket = await tickets.issue(claims.user_id, claims.expires_at, claims.session_id, app.id)
    return EventTicket(ticket=ticket, expires_in=tickets.ttl_seconds)


@router.get(
    "",
    response_class=StreamingResponse,
    responses=stream_responses("`id: <version>`, `event: <type>`, `data: <TaskEvent JSON>`"),
    summary="Follow the user's task changes live",
)
async def stream_events(stream: StreamRequestDep, tasks: TasksClientDep) -> Response:
    """Every task event of the user after ``Last-Event-ID`` (or ``?after``), then live ones.

    Authenticate with the Authorization header, or with ``?ticket=`` from
    POST /api/v1/events/tickets. Without a starting version the stream begins at the current
    one (sent as the first ``id:``). The app must be granted list_tasks.
    """
    return await stream.respond(tasks, service=None, grant=_list_tasks_granted)


async def _list_tasks_granted(caller: AppCaller) -> Response | None:
    return refusal(caller, TASKS_SERVICE, ["list_tasks"])
