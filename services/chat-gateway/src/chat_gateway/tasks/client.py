"""The gateway's client of mcp-tasks' internal REST API (/internal/v1), signed per user.

Requests go out on an aiohttp session: every dashboard request is relayed through here, and
httpx's connection pool scanned all its pooled connections on each request, about a third
of the gateway's CPU time under load (see the README's Capacity section).
"""

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode
from uuid import UUID

import aiohttp
from pydantic import BaseModel, ValidationError
from servicekit.events import TaskEvent
from servicekit.identity import IdentitySigner
from servicekit.telemetry import inject_trace_headers
from yarl import URL

from chat_gateway.errors import TaskServiceUnavailableError

logger = logging.getLogger(__name__)

# Below uvicorn's 5 s keep-alive, so the pool drops idle connections first.
_KEEPALIVE_SECONDS = 4.0
# The connection could not be made (or not in time), or broke before an answer came: the task
# service is down or restarting, and the same request is worth sending again shortly (503 +
# Retry-After). A timeout waiting for the answer, or an answer that is not HTTP, stays 502:
# the service is up but misbehaving.
_TRANSIENT_FAILURES: tuple[type[Exception], ...] = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
    aiohttp.ServerDisconnectedError,
    aiohttp.ClientOSError,
)
# A pooled connection the server closed as idle at the same moment: a read is safe to send
# again (a fresh nonce and signature are made per attempt).
_STALE_CONNECTION: tuple[type[Exception], ...] = (
    aiohttp.ServerDisconnectedError,
    aiohttp.ClientOSError,
)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the service answered: status, body and the headers the gateway passes on."""

    status_code: int
    content: bytes
    content_type: str | None
    retry_after: str | None

    def json(self) -> Any:
        """The body parsed as JSON (ValueError when it is not)."""
        return json.loads(self.content)


class EventsGoneError(Exception):
    """The event log no longer holds the versions asked for (retention pruned them)."""

    def __init__(self, latest_version: int) -> None:
        super().__init__(f"events pruned; latest version is {latest_version}")
        self.latest_version = latest_version


class EventPage(BaseModel):
    """One page of a user's task event log."""

    events: list[TaskEvent]
    latest_version: int


class TasksClient:
    """Calls mcp-tasks' /internal/v1 on behalf of one user per call.

    Every request carries the X-Identity-* headers for that user and the current trace
    context. Answers of mcp-tasks, errors included, are returned as they are; only a
    transport failure raises (TaskServiceUnavailableError).
    """

    def __init__(
        self,
        mcp_tasks_url: str,
        signer: IdentitySigner,
        *,
        timeout_seconds: float = 10.0,
        connect_timeout_seconds: float = 3.0,
        max_connections: int = 100,
        api_path: str = "/internal/v1",
        service: str = "mcp-tasks",
    ) -> None:
        self.service = service
        base = URL(mcp_tasks_url.rstrip("/"))
        self._origin = str(base.origin())
        self._prefix = base.raw_path.rstrip("/") + api_path
        self._signer = signer
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=max_connections,
                keepalive_timeout=_KEEPALIVE_SECONDS,
            ),
            timeout=aiohttp.ClientTimeout(
                total=timeout_seconds, sock_connect=connect_timeout_seconds
            ),
            # One session serves every user: a cookie one answer sets must not reach another.
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._session.close()

    async def request(
        self,
        user_id: UUID,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> Answer:
        """Send one request to ``<api_path><path>`` as ``user_id`` and return the answer."""
        target = self._prefix + path
        if params:
            target += "?" + urlencode(params, quote_via=quote)
        try:
            try:
                return await self._send(user_id, method, target, content)
            except _STALE_CONNECTION:
                if method != "GET":
                    raise
                return await self._send(user_id, method, target, content)
        except _TRANSIENT_FAILURES as exc:
            logger.warning(
                "service unreachable",
                extra={"service": self.service, "error": repr(exc), "path": path},
            )
            raise TaskServiceUnavailableError() from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning(
                "service gave no answer",
                extra={"service": self.service, "error": repr(exc), "path": path},
            )
            detail = "The task service did not answer."
            raise TaskServiceUnavailableError(detail, status=502) from exc

    async def _send(self, user_id: UUID, method: str, target: str, content: bytes | None) -> Answer:
        body = content or b""
        headers = self._signer.headers(method, target, body, user_id)
        if content is not None:
            headers["Content-Type"] = "application/json"
        inject_trace_headers(headers)
        # encoded=True: the path and query go out byte for byte as they were signed.
        url = URL(self._origin + target, encoded=True)
        async with self._session.request(method, url, data=content, headers=headers) as response:
            answer = await response.read()
            return Answer(
                status_code=response.status,
                content=answer,
                content_type=response.headers.get("Content-Type"),
                retry_after=response.headers.get("Retry-After"),
            )

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


def _latest_version_of(response: Answer) -> int | None:
    try:
        body: Any = response.json()
        return int(body["latest_version"])
    except (ValueError, KeyError, TypeError):
        return None
