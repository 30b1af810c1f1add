"""Calls to the MCP tools of mcp-tasks over streamable HTTP, signed for one user per request.

Every tool call is its own short MCP exchange on a shared, pooled HTTP client: each POST is
signed with the identity of the user the call is made for (taken from a context variable
that the call sets), so concurrent users never wait on each other behind one session lock.
The server's discover result and tool list are fetched once and cached for
``tools_cache_seconds``; later calls adopt the cached protocol version without a probe.
"""

import asyncio
import json
import logging
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx2
import mcp_types
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from opentelemetry import trace
from servicekit.identity import IdentitySigner, signing_hook
from servicekit.telemetry import inject_trace_headers

from chat_gateway.errors import TaskServiceUnavailableError

logger = logging.getLogger(__name__)

_calling_user: ContextVar[UUID | None] = ContextVar("mcp_calling_user", default=None)
_tracer = trace.get_tracer("chat_gateway.mcp")


@dataclass(frozen=True, slots=True)
class ToolResult:
    """A tool's answer: structured content on success, the error text otherwise."""

    name: str
    is_error: bool
    structured: dict[str, Any] | None
    text: str

    def for_model(self) -> str:
        """What the model reads as the tool output."""
        if not self.is_error and self.structured is not None:
            return json.dumps(self.structured)
        return self.text


@dataclass(frozen=True, slots=True)
class _Listing:
    tools: list[mcp_types.Tool]
    discover: mcp_types.DiscoverResult | None
    fetched_at: float
    validators: dict[str, Any] = field(default_factory=dict)


async def _add_trace_headers(request: httpx2.Request) -> None:
    carrier: dict[str, str] = {}
    inject_trace_headers(carrier)
    for name, value in carrier.items():
        request.headers[name] = value


def _adopt_listing(client: Client, listing: _Listing) -> None:
    # The session re-lists tools before validating a structured result unless it knows their
    # output schemas, and compiles each schema's validator (~35 ms) once per session. Hand it
    # the cached listing and a validator cache shared by all calls on that listing.
    session = client.session
    absorb = getattr(session, "_absorb_tool_listing", None)
    if callable(absorb):
        absorb(mcp_types.ListToolsResult(tools=listing.tools), complete=True)
    if isinstance(getattr(session, "_tool_output_validators", None), dict):
        session._tool_output_validators = listing.validators


class TaskToolsClient:
    """The gateway's MCP client for mcp-tasks; one per application."""

    def __init__(
        self,
        base_url: str,
        signer: IdentitySigner,
        *,
        connect_timeout: float,
        tool_timeout: float,
        tools_cache_seconds: float,
    ) -> None:
        self.url = base_url.rstrip("/") + "/mcp"
        self._tool_timeout = tool_timeout
        self._cache_seconds = tools_cache_seconds
        # One SSL context for the process: building one per client costs ~40 ms.
        self._http = httpx2.AsyncClient(
            timeout=httpx2.Timeout(tool_timeout, connect=connect_timeout),
            verify=ssl.create_default_context(),
            event_hooks={"request": [signing_hook(signer, _calling_user.get), _add_trace_headers]},
        )
        self._listing: _Listing | None = None
        self._refresh = asyncio.Lock()

    async def aclose(self) -> None:
        """Close the pooled HTTP connections."""
        await self._http.aclose()

    async def list_tools(self, user_id: UUID) -> list[mcp_types.Tool]:
        """The server's tools, from the cache while it is fresh."""
        listing = self._listing
        if listing is not None and time.monotonic() - listing.fetched_at < self._cache_seconds:
            return listing.tools
        async with self._refresh:
            listing = self._listing
            if listing is None or time.monotonic() - listing.fetched_at >= self._cache_seconds:
                listing = await self._fetch_listing(user_id)
                self._listing = listing
        return listing.tools

    async def call_tool(self, user_id: UUID, name: str, arguments: dict[str, Any]) -> ToolResult:
        """Call one tool for ``user_id``; TaskServiceUnavailableError when it cannot be reached."""
        with _tracer.start_as_current_span(f"mcp tools/call {name}") as span:
            span.set_attribute("mcp.tool.name", name)
            async with self._client(user_id) as client:
                result = await client.call_tool(name, arguments)
            text = "\n".join(
                block.text for block in result.content if isinstance(block, mcp_types.TextContent)
            )
            structured = result.structured_content
            span.set_attribute("mcp.tool.is_error", bool(result.is_error))
            return ToolResult(
                name=name,
                is_error=bool(result.is_error),
                structured=structured if isinstance(structured, dict) else None,
                text=text,
            )

    async def _fetch_listing(self, user_id: UUID) -> _Listing:
        async with self._client(user_id, pinned=False) as client:
            tools: list[mcp_types.Tool] = []
            cursor: str | None = None
            while True:
                page = await client.list_tools(cursor=cursor)
                tools.extend(page.tools)
                cursor = page.next_cursor
                if not cursor:
                    break
            discover = client.session.discover_result
        return _Listing(tools=tools, discover=discover, fetched_at=time.monotonic())

    @asynccontextmanager
    async def _client(self, user_id: UUID, *, pinned: bool = True) -> AsyncIterator[Client]:
        listing = self._listing
        discover = listing.discover if pinned and listing is not None else None
        supported = discover.supported_versions if discover is not None else []
        version = next((v for v in reversed(MODERN_PROTOCOL_VERSIONS) if v in supported), None)
        token = _calling_user.set(user_id)
        try:
            async with Client(
                streamable_http_client(self.url, http_client=self._http),
                mode=version or "auto",
                prior_discover=discover if version else None,
                read_timeout_seconds=self._tool_timeout,
                cache=None,
            ) as client:
                if version is not None and listing is not None:
                    _adopt_listing(client, listing)
                yield client
        except TaskServiceUnavailableError:
            raise
        # Transport failures surface as httpx2 errors, MCPError or exception groups.
        except (Exception, BaseExceptionGroup) as exc:
            logger.warning("mcp-tasks unreachable", extra={"error": repr(exc)})
            raise TaskServiceUnavailableError(f"cannot reach mcp-tasks: {exc!r}") from exc
        finally:
            _calling_user.reset(token)
