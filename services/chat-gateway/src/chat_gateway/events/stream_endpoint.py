"""The one way an event stream endpoint answers: authenticate by Bearer token or ticket, check
the app's grant, then stream the user's events of one service as Server-Sent Events.

GET /api/v1/events (mcp-tasks' task events) and GET /api/v1/tool-services/{name}/events (a
tool service's record events) differ only in the log they read and the grant they need: the
tool that lists what the stream reports changes of (list_tasks, or the service's records tool).
"""

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from servicekit.errors import problem_response
from servicekit.jwt import InvalidTokenError
from starlette.types import Receive, Scope, Send

from chat_gateway.apps import AppCaller
from chat_gateway.deps import FOREIGN_TOKEN, ResourcesDep, jwks_verifier, request_app
from chat_gateway.errors import TaskServiceUnavailableError
from chat_gateway.events.hub import EventHub
from chat_gateway.events.stream import EventLog, EventStream, StreamSettings
from chat_gateway.events.tickets import EventTickets
from chat_gateway.tasks.schemas import problem_responses

logger = logging.getLogger(__name__)

MAX_VERSION = 2**62
SESSION_ENDED = "The session has ended. Sign in again."
_VERSION = re.compile(r"[0-9]{1,19}")
_STREAM_HEADERS = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}

Grant = Callable[[AppCaller], Awaitable[Response | None]]
"""Checks the authenticated caller's app may follow the stream: None, or the problem answer."""


async def get_event_hub(resources: ResourcesDep) -> EventHub:
    """The process's event hub, started by the lifespan."""
    return resources.dashboard.event_hub


async def get_event_tickets(resources: ResourcesDep) -> EventTickets:
    """The ticket store."""
    return resources.dashboard.event_tickets


async def get_stream_settings(resources: ResourcesDep) -> StreamSettings:
    """Timings of the event stream."""
    return resources.dashboard.event_stream_settings


EventHubDep = Annotated[EventHub, Depends(get_event_hub)]
EventTicketsDep = Annotated[EventTickets, Depends(get_event_tickets)]
StreamSettingsDep = Annotated[StreamSettings, Depends(get_stream_settings)]


def stream_responses(events: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` of an event stream endpoint whose frames carry ``events``."""
    return {
        200: {
            "content": {"text/event-stream": {}},
            "description": f"Server-Sent Events: {events}; `: heartbeat` comments; "
            '`event: resync` with `{"reason", "latest_version"}` when the list must be '
            "reloaded.",
        },
        **problem_responses(400, 401, 403, 404, 422, 429, 502, 503),
    }


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


def unauthorized(detail: str) -> JSONResponse:
    """A 401 problem asking for a Bearer token."""
    return problem_response(401, detail, headers={"WWW-Authenticate": "Bearer"})


@dataclass(frozen=True, slots=True)
class StreamRequest:
    """A request to follow events live, with what answering it needs."""

    request: Request
    hub: EventHub
    tickets: EventTickets
    settings: StreamSettings
    after: int | None
    ticket: str | None
    last_event_id: str | None

    async def respond(self, log: EventLog | None, *, service: str | None, grant: Grant) -> Response:
        """The SSE response of the user's events of mcp-tasks (``service`` None) or of a tool
        service, once the request is authenticated (401 otherwise), ``log`` exists (404
        otherwise: no such service publishes events) and ``grant`` lets the caller's app
        follow it (its answer otherwise)."""
        try:
            last_event_id = self.last_event_id
            resume_from = (
                _parse_version(last_event_id.strip()) if last_event_id is not None else self.after
            )
        except _BadRequest:
            return problem_response(400, "Last-Event-ID must be a non-negative event version.")
        app = request_app(self.request)
        authorization = self.request.headers.get("authorization")
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            try:
                if scheme.lower() != "bearer":
                    raise InvalidTokenError("not a Bearer token")
                claims = await jwks_verifier(self.request).verify(token.strip())
            except InvalidTokenError as exc:
                logger.info("access token rejected", extra={"reason": str(exc)})
                return unauthorized("The access token is invalid or expired.")
            if claims.app != app.id:
                return unauthorized(FOREIGN_TOKEN)
            user, expires_at, session_id = claims.user_id, claims.expires_at, claims.session_id
        elif self.ticket is not None:
            holder = await self.tickets.redeem(self.ticket)
            if holder is None:
                return unauthorized("The ticket is invalid, expired or already used.")
            if holder.app != app.id:
                return unauthorized("The ticket was issued for another app.")
            user, expires_at, session_id = holder.user_id, holder.expires_at, holder.session_id
        else:
            return unauthorized("A Bearer access token or an event ticket is required.")
        user_id = AppCaller(user, app)
        if log is None:
            return problem_response(404, f"No tool service named {service!r} is configured.")
        refused = await grant(user_id)
        if refused is not None:
            return refused
        # Per process: a user's streams on other replicas are not counted.
        limit = self.settings.max_streams_per_user
        if self.hub.listener_count(user_id) >= limit:
            return problem_response(
                429,
                f"Too many open event streams for this user (at most {limit}).",
                headers={"Retry-After": "5"},
            )
        stream = EventStream(
            user_id,
            after=resume_from,
            hub=self.hub,
            tasks=log,
            settings=self.settings,
            expires_at=expires_at,
            session_id=session_id,
            service=service,
        )
        try:
            await stream.open()
        except TaskServiceUnavailableError as exc:
            return problem_response(exc.status, exc.detail, headers={"Retry-After": "2"})
        # Checked once registered: a logout announced from now on ends the stream anyway.
        if await self.tickets.session_ended(session_id):
            stream.close()
            return unauthorized(SESSION_ENDED)
        return EventStreamResponse(stream)


async def stream_request(
    request: Request,
    hub: EventHubDep,
    tickets: EventTicketsDep,
    settings: StreamSettingsDep,
    after: Annotated[int | None, Query(ge=0, le=MAX_VERSION)] = None,
    ticket: Annotated[str | None, Query(max_length=128)] = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> StreamRequest:
    """The event stream request; StreamRequest.respond authenticates it."""
    return StreamRequest(request, hub, tickets, settings, after, ticket, last_event_id)


StreamRequestDep = Annotated[StreamRequest, Depends(stream_request)]
