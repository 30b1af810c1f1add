"""The gateway's client of mcp-tasks' internal REST API (/internal/v1), signed per user."""

import logging
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any
from uuid import UUID

import httpx
from pydantic import BaseModel, ValidationError
from servicekit.events import TaskEvent
from servicekit.identity import IdentitySigner, signing_hook
from servicekit.telemetry import inject_trace_headers

from chat_gateway.errors import TaskServiceUnavailableError

logger = logging.getLogger(__name__)

_acting_user: ContextVar[UUID | None] = ContextVar("tasks_client_acting_user", default=None)


# The connection could not be made, or broke before an answer came: the task service is down
# or restarting, and the same request is worth sending again shortly (503 + Retry-After).
# A timeout or an answer that is not HTTP stays 502: the service is up but misbehaving.
_TRANSIENT_FAILURES = (
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


class EventsGoneError(Exception):
    """The event log no longer holds the versions asked for (retention pruned them)."""

    def __init__(self, latest_version: int) -> None:
        super().__init__(f"events pruned; latest version is {latest_version}")
        self.latest_version = latest_version


class EventPage(BaseModel):
    """One page of a user's task event log."""

    events: list[TaskEvent]
    latest_version: int


async def _inject_trace(request: httpx.Request) -> None:
    carrier: dict[str, str] = {}
    inject_trace_headers(carrier)
    for name, value in carrier.items():
        request.headers[name] = value


class TasksClient:
    """Calls mcp-tasks' /internal/v1 on behalf of one user per call.

    Every request carries the X-Identity-* headers for that user (servicekit's signing hook)
    and the current trace context. Answers of mcp-tasks, errors included, are returned as
    they are; only a transport failure raises (TaskServiceUnavailableError).
    """

    def __init__(
        self,
        mcp_tasks_url: str,
        signer: IdentitySigner,
        *,
        timeout: httpx.Timeout | None = None,
        max_connections: int = 100,
        api_path: str = "/internal/v1",
        service: str = "mcp-tasks",
    ) -> None:
        self.service = service
        self._http = httpx.AsyncClient(
            base_url=mcp_tasks_url.rstrip("/") + api_path,
            timeout=timeout or httpx.Timeout(10.0, connect=3.0),
            limits=httpx.Limits(
                max_connections=max_connections,
                max_keepalive_connections=max_connections,
                # Below uvicorn's 5 s keep-alive, so the pool drops idle connections first.
                keepalive_expiry=4.0,
            ),
            event_hooks={"request": [_inject_trace, signing_hook(signer, _acting_user.get)]},
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def request(
        self,
        user_id: UUID,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Send one request to ``<api_path><path>`` as ``user_id`` and return the answer."""
        headers = {"Content-Type": "application/json"} if content is not None else None
        token = _acting_user.set(user_id)
        try:
            try:
                return await self._http.request(
                    method, path, params=params, content=content, headers=headers
                )
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # A pooled connection the server closed as idle at the same moment; a read
                # is safe to send again (a fresh nonce and signature are made per attempt).
                if method != "GET":
                    raise
                return await self._http.request(method, path, params=params, headers=headers)
        except _TRANSIENT_FAILURES as exc:
            logger.warning(
                "service unreachable",
                extra={"service": self.service, "error": repr(exc), "path": path},
            )
            raise TaskServiceUnavailableError() from exc
        except httpx.TransportError as exc:
            logger.warning(
                "service gave no answer",
                extra={"service": self.service, "error": repr(exc), "path": path},
            )
            detail = "The task service did not answer."
            raise TaskServiceUnavailableError(detail, status=502) from exc
        finally:
            _acting_user.reset(token)

    async def event_log_page(self, user_id: UUID, *, after: int, limit: int) -> bytes:
        """The JSON of GET /events (EventsGoneError when the log no longer holds ``after``)."""
        response = await self.request(
            user_id, "GET", "/events", params={"after": str(after), "limit": str(limit)}
        )
        if response.status_code == 410:
            latest = _latest_version_of(response)
            if latest is None:
                latest = await self.latest_version(user_id)
            raise EventsGoneError(latest)
        if response.status_code != 200:
            logger.warning(
                "event log request failed",
                extra={"service": self.service, "status": response.status_code},
            )
            raise TaskServiceUnavailableError("The service could not list events.", status=502)
        return response.content

    async def events(self, user_id: UUID, *, after: int, limit: int = 500) -> EventPage:
        """The user's events with versions above ``after`` (at most ``limit``)."""
        content = await self.event_log_page(user_id, after=after, limit=limit)
        try:
            return EventPage.model_validate_json(content)
        except ValidationError as exc:
            raise TaskServiceUnavailableError(
                "The task service sent malformed events.", status=502
            ) from exc

    async def latest_version(self, user_id: UUID) -> int:
        """The version of the user's most recent event (0 when there is none)."""
        page = await self.events(user_id, after=_FAR_FUTURE_VERSION, limit=1)
        return page.latest_version


# Above any version a log can reach, so that asking for events after it only reads the latest.
_FAR_FUTURE_VERSION = 2**62


def _latest_version_of(response: httpx.Response) -> int | None:
    try:
        body: Any = response.json()
        return int(body["latest_version"])
    except (ValueError, KeyError, TypeError):
        return None
