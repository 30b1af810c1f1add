"""Live task events: GET /api/v1/events (Server-Sent Events) and its single-use tickets."""

import asyncio
import contextlib
import logging
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from servicekit.errors import problem_response
from servicekit.jwt import AccessClaims, InvalidTokenError, bearer_user
from starlette.types import Receive, Scope, Send

from chat_gateway.apps import AppCaller
from chat_gateway.config import TASKS_SERVICE
from chat_gateway.deps import FOREIGN_TOKEN, CurrentApp, ResourcesDep, jwks_verifier, request_app
from chat_gateway.errors import TaskServiceUnavailableError
from chat_gateway.events.hub import EventHub
from chat_gateway.events.stream import EventLog, EventStream, StreamSettings
from chat_gateway.events.tickets import EventTickets
from chat_gateway.tasks.routes import TasksClientDep
from chat_gateway.tasks.schemas import EventTicket, problem_responses

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/events", tags=["events"])

MAX_VERSION = 2**62
SESSION_ENDED = "The session has ended. Sign in again."
_VERSION = re.compile(r"[0-9]{1,19}")
_STREAM_HEADERS = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}


async def get_event_hub(resources: ResourcesDep) -> EventHub:
    """The process's event hub, started by the lifespan."""
    return resources.dashboard.event_hub


async def get_event_tickets(resources: ResourcesDep) -> EventTickets:
    """The ticket store."""
    return resources.dashboard.event_tickets


async def get_stream_settings(resources: ResourcesDep) -> StreamSettings:
    """Timings of the event stream."""
    return resources.dashboard.event_stream_settings


Claims = Annotated[AccessClaims, Depends(bearer_user(jwks_verifier))]
EventHubDep = Annotated[EventHub, Depends(get_event_hub)]
EventTicketsDep = Annotated[EventTickets, Depends(get_event_tickets)]
StreamSettingsDep = Annotated[StreamSettings, Depends(get_stream_settings)]


class EventStreamResponse(Response):
    """The text/event-stream response of one EventStream, unregistered however it ends.

    Lighter than StreamingResponse, which runs two extra tasks per response under an anyio
    task group: a process holds thousands of these open, so the frames are sent from the
    request's own task and one small task waits for the client to leave.
    """

    media_type = "text/event-stream"

    def __init__(self, stream: EventStream) -> None:
        # Response.__init__ would render a body and a Content-Length; a stream has neither.
        self.status_code = 200
        self.background = None
        self.raw_headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            *((name.lower().encode(), value.encode()) for name, value in _STREAM_HEADERS.items()),
        ]
        self._stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        watcher = asyncio.create_task(self._end_when_client_leaves(receive))
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            async with contextlib.aclosing(self._stream.frames()) as frames:
                async for frame in frames:
                    await send({"type": "http.response.body", "body": frame, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # the client is gone (servers of ASGI 2.4 say so on send)
        finally:
            watcher.cancel()
            self._stream.close()

    async def _end_when_client_leaves(self, receive: Receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        self._stream.end()


class _BadRequest(Exception):
    pass


def _parse_version(value: str) -> int:
    if not _VERSION.fullmatch(value) or int(value) > MAX_VERSION:
        raise _BadRequest
    return int(value)


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
        return _unauthorized(FOREIGN_TOKEN)
    if await tickets.session_ended(claims.session_id):
        return _unauthorized(SESSION_ENDED)
    ticket = await tickets.issue(claims.user_id, claims.expires_at, claims.session_id, app.id)
    return EventTicket(ticket=ticket, expires_in=tickets.ttl_seconds)


@router.get(
    "",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Server-Sent Events: `id: <version>`, `event: <type>`, "
            "`data: <TaskEvent JSON>`; `: heartbeat` comments; `event: resync` with "
            '`{"reason", "latest_version"}` when the task list must be reloaded.',
        },
        **problem_responses(400, 401, 422, 429, 503),
    },
    summary="Follow the user's task changes live",
)
async def stream_events(
    request: Request,
    hub: EventHubDep,
    tasks: TasksClientDep,
    tickets: EventTicketsDep,
    settings: StreamSettingsDep,
    after: Annotated[int | None, Query(ge=0, le=MAX_VERSION)] = None,
    ticket: Annotated[str | None, Query(max_length=128)] = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> Response:
    """Every task event of the user after ``Last-Event-ID`` (or ``?after``), then live ones.

    Authenticate with the Authorization header, or with ``?ticket=`` from
    POST /api/v1/events/tickets. Without a starting version the stream begins at the current
    one (sent as the first ``id:``).
    """
    return await open_event_stream(
        request, hub, tasks, tickets, settings, after, ticket, last_event_id, service=None
    )


async def open_event_stream(
    request: Request,
    hub: EventHub,
    log: EventLog | None,
    tickets: EventTickets,
    settings: StreamSettings,
    after: int | None,
    ticket: str | None,
    last_event_id: str | None,
    *,
    service: str | None,
) -> Response:
    """The SSE response of one user's events of mcp-tasks (``service`` None) or of a tool
    service, after authenticating the request by its Bearer token or event ticket (then 404
    when ``log`` is None: no such service publishes events)."""
    try:
        resume_from = _parse_version(last_event_id.strip()) if last_event_id is not None else after
    except _BadRequest:
        return problem_response(400, "Last-Event-ID must be a non-negative event version.")
    app = request_app(request)
    authorization = request.headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.partition(" ")
        try:
            if scheme.lower() != "bearer":
                raise InvalidTokenError("not a Bearer token")
            claims = await jwks_verifier(request).verify(token.strip())
        except InvalidTokenError as exc:
            logger.info("access token rejected", extra={"reason": str(exc)})
            return _unauthorized("The access token is invalid or expired.")
        if claims.app != app.id:
            return _unauthorized(FOREIGN_TOKEN)
        user, expires_at, session_id = claims.user_id, claims.expires_at, claims.session_id
    elif ticket is not None:
        holder = await tickets.redeem(ticket)
        if holder is None:
            return _unauthorized("The ticket is invalid, expired or already used.")
        if holder.app != app.id:
            return _unauthorized("The ticket was issued for another app.")
        user, expires_at, session_id = holder.user_id, holder.expires_at, holder.session_id
    else:
        return _unauthorized("A Bearer access token or an event ticket is required.")
    if log is None or not app.grants_service(service or TASKS_SERVICE):
        return problem_response(
            404, f"No tool service named {service or TASKS_SERVICE!r} is configured."
        )
    user_id = AppCaller(user, app)
    # Per process: a user's streams on other replicas are not counted.
    if hub.listener_count(user_id) >= settings.max_streams_per_user:
        return problem_response(
            429,
            f"Too many open event streams for this user (at most {settings.max_streams_per_user}).",
            headers={"Retry-After": "5"},
        )
    stream = EventStream(
        user_id,
        after=resume_from,
        hub=hub,
        tasks=log,
        settings=settings,
        expires_at=expires_at,
        session_id=session_id,
        service=service,
    )
    try:
        await stream.open()
    except TaskServiceUnavailableError as exc:
        return problem_response(exc.status, exc.detail, headers={"Retry-After": "2"})
    # Checked once registered: a logout announced from now on ends the stream anyway.
    if await tickets.session_ended(session_id):
        stream.close()
        return _unauthorized(SESSION_ENDED)
    return EventStreamResponse(stream)


def _unauthorized(detail: str) -> JSONResponse:
    return problem_response(401, detail, headers={"WWW-Authenticate": "Bearer"})
