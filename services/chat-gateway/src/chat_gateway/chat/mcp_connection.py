"""Calls to the MCP tools of mcp-tasks over streamable HTTP, signed for one user per request.

Every request is a POST on a shared, pooled HTTP client, signed with the identity of the
user it is made for, so concurrent users never wait on each other behind one session lock.
The server's discover result and tool list come from the MCP SDK's client (on its httpx2
transport, signed for the user in a context variable) and are cached for
``tools_cache_seconds``. A tools/call is then one sessionless request of the negotiated
2026-07-28 protocol, sent and read in the caller's task on an aiohttp session: the SDK's
client would build a session, its task group and memory streams around every call, and
httpx2 alone costs about three times aiohttp's CPU per request; together they were most of
the gateway's cost of a tool call.
"""

import asyncio
import itertools
import json
import logging
import time
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import aiohttp
import httpx2
import mcp_types
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.inbound import MCP_METHOD_HEADER, MCP_NAME_HEADER, encode_header_value
from mcp_types.jsonrpc import HEADER_MISMATCH
from mcp_types.version import MODERN_PROTOCOL_VERSIONS
from opentelemetry import trace
from pydantic import ValidationError
from servicekit.identity import IdentitySigner, signing_hook
from servicekit.telemetry import inject_trace_headers

from chat_gateway.errors import TaskServiceUnavailableError
from chat_gateway.tls import client_tls_context

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
    meta: dict[str, Any] | None = None
    """The result's ``_meta`` (a tool service's ``event_version`` for Undo)."""

    def for_model(self) -> str:
        """What the model reads as the tool output."""
        if not self.is_error and self.structured is not None:
            return json.dumps(self.structured)
        return self.text


@dataclass(frozen=True, slots=True)
class _Listing:
    tools: list[mcp_types.Tool]
    version: str
    fetched_at: float


async def _add_trace_headers(request: httpx2.Request) -> None:
    carrier: dict[str, str] = {}
    inject_trace_headers(carrier)
    for name, value in carrier.items():
        request.headers[name] = value


class _ProtocolError(Exception):
    """mcp-tasks answered a tools/call with something other than a result."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


_CLIENT_META = {
    mcp_types.CLIENT_INFO_META_KEY: {"name": "chat-gateway", "version": "1"},
    mcp_types.CLIENT_CAPABILITIES_META_KEY: {},
}


class TaskToolsClient:
    """The gateway's MCP client of one tool service (mcp-tasks or a configured one)."""

    def __init__(
        self,
        base_url: str,
        signer: IdentitySigner,
        *,
        connect_timeout: float,
        tool_timeout: float,
        tools_cache_seconds: float,
        service: str = "mcp-tasks",
    ) -> None:
        self.service = service
        self.url = base_url.rstrip("/") + "/mcp"
        self._target = urlsplit(self.url).path
        self._signer = signer
        self._tool_timeout = tool_timeout
        self._cache_seconds = tools_cache_seconds
        tls = client_tls_context()
        self._http = httpx2.AsyncClient(
            timeout=httpx2.Timeout(tool_timeout, connect=connect_timeout),
            verify=tls,
            event_hooks={"request": [signing_hook(signer, _calling_user.get), _add_trace_headers]},
        )
        self._calls = aiohttp.ClientSession(
            # Idle connections are dropped before uvicorn's 5 s keep-alive closes them, so a
            # call is not sent on a connection the server is closing.
            connector=aiohttp.TCPConnector(limit=100, keepalive_timeout=4, ssl=tls),
            timeout=aiohttp.ClientTimeout(total=tool_timeout, sock_connect=connect_timeout),
        )
        self._listing: _Listing | None = None
        self._refresh = asyncio.Lock()
        self._request_ids = itertools.count(1)

    async def aclose(self) -> None:
        """Close the pooled HTTP connections."""
        await self._http.aclose()
        await self._calls.close()

    async def list_tools(self, user_id: UUID) -> list[mcp_types.Tool]:
        """The server's tools, from the cache while it is fresh."""
        return (await self._listing_for(user_id)).tools

    async def call_tool(self, user_id: UUID, name: str, arguments: dict[str, Any]) -> ToolResult:
        """Call one tool for ``user_id``; TaskServiceUnavailableError when it cannot be reached."""
        with _tracer.start_as_current_span(f"mcp tools/call {name}") as span:
            span.set_attribute("mcp.tool.name", name)
            try:
                listing = await self._listing_for(user_id)
                try:
                    result = await self._post_call(user_id, listing.version, name, arguments)
                except _ProtocolError as exc:
                    # The server no longer knows the tool as listed: re-list, then try once more.
                    if exc.code != HEADER_MISMATCH:
                        raise
                    self._listing = None
                    listing = await self._listing_for(user_id)
                    result = await self._post_call(user_id, listing.version, name, arguments)
            except TaskServiceUnavailableError:
                raise
            except (
                aiohttp.ClientError,
                TimeoutError,
                _ProtocolError,
                ValidationError,
                ValueError,
            ) as exc:
                logger.warning(
                    "tool service unreachable", extra={"service": self.service, "error": repr(exc)}
                )
                raise TaskServiceUnavailableError(service=self.service) from exc
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
                meta=dict(result.meta) if result.meta else None,
            )

    async def _post_call(
        self, user_id: UUID, version: str, name: str, arguments: dict[str, Any]
    ) -> mcp_types.CallToolResult:
        meta = {mcp_types.PROTOCOL_VERSION_META_KEY: version, **_CLIENT_META}
        request = {
            "jsonrpc": "2.0",
            "id": next(self._request_ids),
            "method": "tools/call",
            "params": {"name": name, "arguments": arguments, "_meta": meta},
        }
        body = json.dumps(request).encode()
        headers = {
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
            "MCP-Protocol-Version": version,
            MCP_METHOD_HEADER: "tools/call",
            MCP_NAME_HEADER: encode_header_value(name),
            **self._signer.headers("POST", self._target, body, user_id),
        }
        inject_trace_headers(headers)
        async with self._calls.post(self.url, data=body, headers=headers) as response:
            if response.content_type != "application/json":
                raise _ProtocolError(f"HTTP {response.status} without a JSON-RPC answer")
            answer = await response.read()
        message = json.loads(answer)
        if not isinstance(message, dict):
            raise _ProtocolError("the answer is not a JSON-RPC message")
        error = message.get("error")
        if isinstance(error, dict):
            code = error.get("code")
            raise _ProtocolError(str(error.get("message")), code if isinstance(code, int) else None)
        return mcp_types.CallToolResult.model_validate(message.get("result"))

    async def _listing_for(self, user_id: UUID) -> _Listing:
        listing = self._listing
        if listing is not None and time.monotonic() - listing.fetched_at < self._cache_seconds:
            return listing
        async with self._refresh:
            listing = self._listing
            if listing is None or time.monotonic() - listing.fetched_at >= self._cache_seconds:
                listing = await self._fetch_listing(user_id)
                self._listing = listing
        return listing

    async def _fetch_listing(self, user_id: UUID) -> _Listing:
        token = _calling_user.set(user_id)
        try:
            async with Client(
                streamable_http_client(self.url, http_client=self._http),
                read_timeout_seconds=self._tool_timeout,
                cache=None,
            ) as client:
                tools: list[mcp_types.Tool] = []
                cursor: str | None = None
                while True:
                    page = await client.list_tools(cursor=cursor)
                    tools.extend(page.tools)
                    cursor = page.next_cursor
                    if not cursor:
                        break
                version = client.protocol_version
        # The SDK's transport failures surface as httpx2 errors, MCPError or exception groups.
        except (Exception, BaseExceptionGroup) as exc:
            logger.warning(
                "tool service unreachable", extra={"service": self.service, "error": repr(exc)}
            )
            raise TaskServiceUnavailableError(service=self.service) from exc
        finally:
            _calling_user.reset(token)
        if version not in MODERN_PROTOCOL_VERSIONS:
            logger.warning(
                "tool service speaks an MCP version the gateway cannot call",
                extra={
                    "service": self.service,
                    "version": version,
                    "supported": list(MODERN_PROTOCOL_VERSIONS),
                },
            )
            raise TaskServiceUnavailableError(service=self.service)
        return _Listing(tools=tools, version=version, fetched_at=time.monotonic())
