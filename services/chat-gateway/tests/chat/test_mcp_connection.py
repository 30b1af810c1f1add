"""The gateway's own tools/call (aiohttp) against the MCP SDK's client, on the real mcp-tasks.

Every tool of mcp-tasks runs through both, each for its own user with the same history, and
both must see the same result or error and send the same protocol headers: the fast path
speaks the wire protocol of one SDK version, and this is where a drift shows.
"""

import json
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import aiohttp
import anyio
import httpx2
import mcp_types
import pytest
from aiohttp import web
from chat_gateway.chat.mcp_connection import TaskToolsClient, ToolResult
from live_harness import IDENTITY_KEY_ID, IDENTITY_SECRET, REDIS_URL
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from redis.asyncio import Redis
from service_processes import ServiceProcess
from servicekit.identity import IdentitySigner, IdentityVerifier, signing_hook
from servicekit.telemetry import inject_trace_headers

pytestmark = pytest.mark.anyio

MISSING_TASK = "00000000-0000-4000-8000-000000000000"
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
_TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]")
# What a hop may set differently without it meaning anything to mcp-tasks.
_PER_REQUEST_HEADERS = frozenset(
    {"content-length", "host", "user-agent", "accept-encoding", "connection", "traceparent"}
)


@dataclass
class Recorded:
    """One request as mcp-tasks received it through the recording proxy."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def rpc_method(self) -> str | None:
        try:
            message = json.loads(self.body)
        except ValueError:
            return None
        return message.get("method") if isinstance(message, dict) else None


@dataclass
class RecordingProxy:
    """Forwards every request to mcp-tasks as it is and keeps a copy of it."""

    upstream: str
    requests: list[Recorded] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {name.lower(): value for name, value in request.headers.items()}
        self.requests.append(Recorded(request.method, request.path_qs, headers, body))
        forwarded = {
            name: value
            for name, value in request.headers.items()
            if name.lower() not in {"host", "content-length", "transfer-encoding"}
        }
        async with (
            aiohttp.ClientSession(auto_decompress=False) as session,
            session.request(
                request.method, self.upstream + request.path_qs, data=body, headers=forwarded
            ) as upstream,
        ):
            response = web.StreamResponse(status=upstream.status)
            for name, value in upstream.headers.items():
                if name.lower() not in {"content-length", "transfer-encoding", "connection"}:
                    response.headers[name] = value
            await response.prepare(request)
            async for chunk in upstream.content.iter_any():
                await response.write(chunk)
            await response.write_eof()
            return response

    def tool_calls(self) -> list[Recorded]:
        return [recorded for recorded in self.requests if recorded.rpc_method == "tools/call"]


@asynccontextmanager
async def recording_proxy(upstream: str) -> AsyncIterator[tuple[str, RecordingProxy]]:
    proxy = RecordingProxy(upstream)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", proxy.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", proxy
    finally:
        await runner.cleanup()


@contextmanager
def active_trace(trace_id: int) -> Iterator[None]:
    """Make ``trace_id`` the current trace, as a chat turn's server span would."""
    span = NonRecordingSpan(
        SpanContext(
            trace_id=trace_id,
            span_id=secrets.randbits(64) | 1,
            is_remote=False,
            trace_flags=TraceFlags(TraceFlags.SAMPLED),
        )
    )
    token = otel_context.attach(trace.set_span_in_context(span))
    try:
        yield
    finally:
        otel_context.detach(token)


async def _add_trace_headers(request: httpx2.Request) -> None:
    carrier: dict[str, str] = {}
    inject_trace_headers(carrier)
    request.headers.update(carrier)


@asynccontextmanager
async def sdk_client(url: str, signer: IdentitySigner, user_id: UUID) -> AsyncIterator[Client]:
    """The MCP SDK's client over streamable HTTP, signed for ``user_id`` with trace context."""
    async with (
        httpx2.AsyncClient(
            event_hooks={"request": [signing_hook(signer, lambda: user_id), _add_trace_headers]}
        ) as http,
        Client(streamable_http_client(url + "/mcp", http_client=http), cache=None) as client,
    ):
        yield client


def _sdk_result(name: str, result: mcp_types.CallToolResult) -> ToolResult:
    text = "\n".join(
        block.text for block in result.content if isinstance(block, mcp_types.TextContent)
    )
    structured = result.structured_content
    return ToolResult(
        name=name,
        is_error=bool(result.is_error),
        structured=structured if isinstance(structured, dict) else None,
        text=text,
    )


@dataclass
class Names:
    """Gives each task id of one user the name it would have in the other's history."""

    ids: dict[str, str] = field(default_factory=dict)

    def learn(self, result: ToolResult) -> None:
        for value in re.findall(
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            json.dumps(result.structured) + result.text,
        ):
            if value != MISSING_TASK and value not in self.ids:
                self.ids[value] = f"<task {len(self.ids) + 1}>"

    def neutral(self, result: ToolResult) -> dict[str, Any]:
        """The result with ids and times replaced by what both users share."""
        self.learn(result)
        shown = json.dumps(
            {"is_error": result.is_error, "structured": result.structured, "text": result.text}
        )
        for value, name in self.ids.items():
            shown = shown.replace(value, name)
        neutral: dict[str, Any] = json.loads(_TIMESTAMP.sub("<time>", shown))
        return neutral


Step = tuple[str, dict[str, Any]]
ToolCaller = Callable[[str, dict[str, Any]], Awaitable[ToolResult]]


TASK, SECOND = "<task 1>", "<task 2>"


def _script() -> list[Step]:
    """Every tool, with a success and, where one exists, a mistake the model can make.

    TASK and SECOND stand for the ids of the first two tasks added.
    """
    return [
        (
            "add_task",
            {"title": "Buy milk", "due_date": "2026-12-01", "priority": "high", "tags": ["home"]},
        ),
        ("add_task", {"title": "Call “Mum” ✓", "description": "evening"}),
        ("add_task", {"title": ""}),
        ("add_task", {"title": "Paint", "colour": "red"}),
        ("list_tasks", {"status": "all", "tag": "home"}),
        ("list_tasks", {"query": "mum"}),
        ("list_tasks", {"limit": 0}),
        ("get_task", {"task_id": TASK}),
        ("get_task", {"task_id": MISSING_TASK}),
        (
            "update_task",
            {
                "task_id": TASK,
                "title": "Buy oat milk",
                "clear_due_date": True,
                "tags": ["home", "shop"],
            },
        ),
        ("update_task", {"task_id": TASK, "due_date": "tomorrow"}),
        ("update_task", {"task_id": MISSING_TASK, "title": "Nothing"}),
        ("complete_task", {"task_id": TASK}),
        ("complete_task", {"task_id": MISSING_TASK}),
        ("reopen_task", {"task_id": TASK}),
        ("reopen_task", {"task_id": "not-an-id"}),
        ("delete_task", {"task_id": SECOND}),
        ("delete_task", {"task_id": MISSING_TASK}),
        ("restore_task", {"task_id": SECOND}),
        ("restore_task", {"task_id": MISSING_TASK}),
        ("complete_task", {"task_id": TASK}),
        ("clear_completed", {}),
        ("clear_completed", {"all": True}),
    ]


async def _run_script(call: ToolCaller, names: Names) -> list[tuple[str, dict[str, Any]]]:
    """Run the script with ``call(name, arguments)``; ids come from the first two results."""
    results: list[tuple[str, dict[str, Any]]] = []
    real: dict[str, str] = {}
    for name, arguments in _script():
        concrete = {
            key: real.get(value, value) if isinstance(value, str) else value
            for key, value in arguments.items()
        }
        result = await call(name, concrete)
        results.append((name, names.neutral(result)))
        if name == "add_task" and not result.is_error and result.structured is not None:
            real[f"<task {len(real) + 1}>"] = str(result.structured["task"]["id"])
    return results


async def test_every_tool_answers_the_fast_path_as_it_answers_the_sdk_client(
    mcp_tasks: ServiceProcess, signer: IdentitySigner
) -> None:
    sdk_user, fast_user = uuid4(), uuid4()
    sdk_names, fast_names = Names(), Names()
    trace_id = secrets.randbits(128) | 1
    async with recording_proxy(mcp_tasks.url) as (url, proxy):
        fast = TaskToolsClient(
            url, signer, connect_timeout=3.0, tool_timeout=10.0, tools_cache_seconds=60.0
        )
        try:
            with anyio.fail_after(60), active_trace(trace_id):
                async with sdk_client(url, signer, sdk_user) as client:

                    async def through_sdk(name: str, arguments: dict[str, Any]) -> ToolResult:
                        return _sdk_result(name, await client.call_tool(name, arguments))

                    sdk_results = await _run_script(through_sdk, sdk_names)
                sdk_calls = proxy.tool_calls()

                async def through_fast_path(name: str, arguments: dict[str, Any]) -> ToolResult:
                    return await fast.call_tool(fast_user, name, arguments)

                fast_results = await _run_script(through_fast_path, fast_names)
                fast_calls = proxy.tool_calls()[len(sdk_calls) :]
        finally:
            await fast.aclose()

    tools = {name for name, _ in sdk_results}
    assert len(tools) == 9
    assert fast_results == sdk_results
    outcomes = [(name, result["is_error"]) for name, result in sdk_results]
    assert {name for name, failed in outcomes if failed} == tools
    assert {name for name, failed in outcomes if not failed} == tools
    await _assert_same_headers(sdk_calls, fast_calls, sdk_user, fast_user, trace_id)


async def _assert_same_headers(
    sdk_calls: list[Recorded],
    fast_calls: list[Recorded],
    sdk_user: UUID,
    fast_user: UUID,
    trace_id: int,
) -> None:
    assert len(sdk_calls) == len(fast_calls) == len(_script())
    redis = Redis.from_url(REDIS_URL)
    verifier = IdentityVerifier(
        {IDENTITY_KEY_ID: IDENTITY_SECRET.encode()},
        redis,
        nonce_prefix=f"test:conformance:{uuid4()}:",
    )
    try:
        for sdk_call, fast_call in zip(sdk_calls, fast_calls, strict=True):
            for recorded, user in ((sdk_call, sdk_user), (fast_call, fast_user)):
                assert recorded.method == "POST"
                verified = await verifier.verify(
                    recorded.method, recorded.target, recorded.body, recorded.headers
                )
                assert verified == user
                match = _TRACEPARENT.fullmatch(recorded.headers.get("traceparent", ""))
                assert match is not None, recorded.headers
                assert int(match.group(1), 16) == trace_id
            assert sdk_call.target == fast_call.target == "/mcp"
            assert _protocol_headers(fast_call) == _protocol_headers(sdk_call)
            assert "mcp-protocol-version" in _protocol_headers(sdk_call)
            assert _protocol_headers(sdk_call)["mcp-method"] == "tools/call"
            assert (
                json.loads(fast_call.body)["params"]["name"]
                == (json.loads(sdk_call.body)["params"]["name"])
            )
    finally:
        await redis.aclose()


def _protocol_headers(recorded: Recorded) -> dict[str, str]:
    """The headers that mean something to mcp-tasks, without the per-request signature."""
    return {
        name: value
        for name, value in recorded.headers.items()
        if name not in _PER_REQUEST_HEADERS and not name.startswith("x-identity-")
    }
