"""chat-gateway: latency and throughput of a chat turn with one tool call.

All three services run on this machine as uvicorn subprocesses (auth, mcp-tasks, chat-gateway
with the offline local model, its default). Each of 20 concurrent users sends "add <title>"
turns on its own thread (POST /api/v1/chatkit, Server-Sent Events); the local model calls
add_task over MCP once per turn and answers. Measured per turn: time to the first streamed
byte and to the last byte; and turns per second over the whole run.

Beside it, in the same run, the same turns against a minimal baseline: a ChatKit server with
an in-memory store, no authentication, and add_task as an in-process function tool, driven by
the same local model with the same tool definitions (served by this file with
--serve-baseline). The ratio shows what the production path (PostgreSQL store, JWT
verification, signed MCP over HTTP, undo records, widgets, rate limit) costs. The two are
measured in alternating rounds (2 with 20 users, 12 with one), so that drift in what else the
machine is doing weighs on both alike. Targets: p50 full turn under 60 ms; production within
2x of the baseline.

The gateway is configured with a second tool service, notes (services/notes, through
CHAT_GATEWAY_TOOL_SERVICES). A third comparison, one user in alternating rounds, sets turns
that use the tools of both services ("add a task to call Ana and save her number … in my
notes": add_task on mcp-tasks, then create_note on notes) against the one-service turn.
Target: the two-service turn within 1.5x of the one-service turn.

Writes bench/results/chat_turn.json. Needs PostgreSQL (BENCH_DATABASE_URL names the server,
the local one by default) and Redis.

    uv run --frozen python bench/chat_turn_bench.py [--users 20] [--turns 10]
"""

import argparse
import asyncio
import json
import os
import platform
import secrets
import statistics
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from chat_turns import register, send_turn, signing_key
from service_processes import (
    LOGS,
    ServiceProcess,
    ensure_database,
    migrate,
    start,
    start_tool_service,
    tool_service_env,
    uvicorn_app,
)

RESULT = Path(__file__).parent / "results" / "chat_turn.json"
THIS_FILE = Path(__file__).resolve()
# Any database URL of the PostgreSQL server to use (its database name is replaced).
POSTGRES = os.environ.get("BENCH_DATABASE_URL")
REDIS_URL = "redis://127.0.0.1:6379/3"
KEY_ID, SECRET = "bench", "chat-turn-bench-" + secrets.token_hex(12)
P50_TARGET_MS, RATIO_TARGET = 60.0, 2.0
TWO_SERVICES_TARGET = 1.5


async def one_turn(
    client: httpx.AsyncClient, url: str, token: str | None, thread_id: str | None, text: str
) -> tuple[float, float, str | None, bool]:
    """(ms to first byte, ms to last byte, thread id, ok) of one streamed turn."""
    turn = await send_turn(client, url, thread_id, text, token=token)
    ok = turn.ok and '"task_card"' in turn.body
    if "in my notes" in text:
        ok = ok and '"record_card"' in turn.body
    return turn.first_byte_ms, turn.total_ms, turn.thread_id, ok


@dataclass
class Measured:
    """Turns measured on one endpoint, over one or more rounds."""

    ttfb: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def result(self) -> dict[str, Any]:
        return {
            "turns": len(self.total),
            "errors": self.errors,
            "ttfb_ms": summary(self.ttfb),
            "total_ms": summary(self.total),
            "turns_per_second": round(len(self.total) / self.seconds, 1),
        }


class Users:
    """Concurrent users of one endpoint; each keeps its thread from one round to the next."""

    def __init__(self, url: str, tokens: list[str | None], *, two_services: bool = False) -> None:
        self.url = url
        self.tokens = tokens
        self.two_services = two_services
        self.threads: list[str | None] = [None] * len(tokens)

    def text(self, n: int, turn: int) -> str:
        """The message of turn ``turn`` of user ``n``."""
        if self.two_services:
            number = f"600 123 {turn:03d}"
            return f"add a task to call Ana {n}-{turn} and save her number {number} in my notes"
        return f"add bench task {n}-{turn}"

    async def run(self, turns: int, measured: Measured | None = None) -> None:
        """``turns`` turns per user, all users at once; recorded in ``measured`` when given."""

        async def user(n: int, client: httpx.AsyncClient) -> None:
            for turn in range(turns):
                first, last, self.threads[n], ok = await one_turn(
                    client, self.url, self.tokens[n], self.threads[n], self.text(n, turn)
                )
                if measured is not None:
                    measured.ttfb.append(first)
                    measured.total.append(last)
                    measured.errors += 0 if ok else 1

        async with httpx.AsyncClient(timeout=60) as client:
            started = time.perf_counter()
            await asyncio.gather(*(user(n, client) for n in range(len(self.tokens))))
            if measured is not None:
                measured.seconds += time.perf_counter() - started


async def compare(
    production: Users, baseline: Users, turns: int, rounds: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Production and baseline turns in alternating rounds, so that whatever else the machine
    does during the run weighs on both sides alike."""
    measured = (Measured(), Measured())
    for _ in range(rounds):
        await production.run(turns // rounds, measured[0])
        await baseline.run(turns // rounds, measured[1])
    return measured[0].result(), measured[1].result()


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "mean": round(statistics.fmean(ordered), 2),
        "max": round(ordered[-1], 2),
    }


def previous_runs() -> list[dict[str, Any]]:
    """The key figures of earlier runs (from the result file this run replaces), newest first."""
    if not RESULT.exists():
        return []
    old = json.loads(RESULT.read_text())
    single = old.get("single_user", {})
    latest = {
        "date": old.get("date"),
        "load_average": old.get("machine", {}).get("load_average"),
        "single_user_p50_total_ms": single.get("production", {}).get("total_ms", {}).get("p50"),
        "single_user_baseline_p50_total_ms": single.get("baseline", {})
        .get("total_ms", {})
        .get("p50"),
        "single_user_ratio": single.get("production_to_baseline_p50_total"),
        "users_20_p50_total_ms": old.get("production", {}).get("total_ms", {}).get("p50"),
        "users_20_baseline_p50_total_ms": old.get("baseline", {}).get("total_ms", {}).get("p50"),
        "users_20_ratio": old.get("production_to_baseline_p50_total"),
        "users_20_turns_per_second": old.get("production", {}).get("turns_per_second"),
        "note": old.get("note"),
    }
    return [latest, *old.get("previous_runs", [])][:6]


def load_average() -> dict[str, float]:
    one, five, fifteen = os.getloadavg()
    return {"1m": round(one, 2), "5m": round(five, 2), "15m": round(fifteen, 2)}


async def main(users: int, turns: int, warmup: int, note: str | None) -> None:
    logs = LOGS
    load_at_start = load_average()
    auth_db = await ensure_database("chat_turn_bench_auth", POSTGRES)
    tasks_db = await ensure_database("chat_turn_bench_tasks", POSTGRES)
    gateway_db = await ensure_database("chat_turn_bench_gateway", POSTGRES)
    notes_db = await ensure_database("chat_turn_bench_notes", POSTGRES)
    migrate("auth", auth_db)
    migrate("mcp-tasks", tasks_db)
    migrate("chat-gateway", gateway_db)
    common = {"ENVIRONMENT": "test", "REDIS_URL": REDIS_URL, "OPENAI_AGENTS_DISABLE_TRACING": "1"}
    processes: list[ServiceProcess] = []
    try:
        auth = start(
            uvicorn_app("auth_service.main:create_app"),
            common
            | {
                "DATABASE_URL": auth_db,
                "AUTH_SIGNING_KEY": signing_key(),
                "AUTH_SIGNING_KEY_ID": "bench",
                # Every bench user registers from 127.0.0.1, as do other runs on this machine.
                "AUTH_MAX_REGISTRATIONS_PER_ADDRESS": "100000",
                "AUTH_MAX_REGISTRATIONS": "100000",
            },
            logs / "auth.log",
        )
        processes.append(auth)
        tasks = start(
            uvicorn_app("mcp_tasks.main:create_app"),
            common
            | {"DATABASE_URL": tasks_db, "MCP_TASKS_IDENTITY_KEYS": json.dumps({KEY_ID: SECRET})},
            logs / "mcp-tasks.log",
        )
        processes.append(tasks)
        notes = start_tool_service(
            "notes",
            common | tool_service_env("notes", notes_db, REDIS_URL, KEY_ID, SECRET),
            logs / "notes.log",
        )
        processes.append(notes)
        notes_entry = {"name": "notes", "url": notes.url, "identity_key_id": KEY_ID}
        gateway = start(
            uvicorn_app("chat_gateway.main:create_app"),
            common
            | {
                "DATABASE_URL": gateway_db,
                "CHAT_GATEWAY_LOG_LEVEL": "WARNING",
                "CHAT_GATEWAY_IDENTITY_KEY_ID": KEY_ID,
                "CHAT_GATEWAY_IDENTITY_SECRET": SECRET,
                "CHAT_GATEWAY_MCP_TASKS_URL": tasks.url,
                "CHAT_GATEWAY_JWKS_URL": auth.url + "/.well-known/jwks.json",
                "CHAT_GATEWAY_MODEL_PROVIDER": "local",
                "CHAT_GATEWAY_CHAT_TURNS_PER_MINUTE": "100000",
                "CHAT_GATEWAY_TOOL_SERVICES": json.dumps([notes_entry]),
            },
            logs / "chat-gateway.log",
        )
        processes.append(gateway)
        baseline = start(
            [sys.executable, str(THIS_FILE), "--serve-baseline"],
            common | {"MCP_TASKS_IDENTITY_KEYS": json.dumps({KEY_ID: SECRET})},
            logs / "baseline.log",
        )
        processes.append(baseline)
        tokens: list[str | None] = list(await register(auth.url, users))
        production_url = gateway.url + "/api/v1/chatkit"
        baseline_chat = baseline.url + "/chatkit"
        crowd = (Users(production_url, tokens), Users(baseline_chat, [None] * users))
        alone = (Users(production_url, tokens[:1]), Users(baseline_chat, [None]))
        for side in (*crowd, *alone):
            await side.run(warmup)
        production, minimal = await compare(*crowd, turns, rounds=2)
        production_alone, minimal_alone = await compare(*alone, turns * 6, rounds=12)
        both = Users(production_url, tokens[1:2], two_services=True)
        one = Users(production_url, tokens[2:3])
        for side in (both, one):
            await side.run(warmup)
        two_services, one_service = await compare(both, one, turns * 3, rounds=6)
    finally:
        for service in processes:
            service.process.terminate()
        for service in processes:
            service.process.wait(15)
    ratio = production["total_ms"]["p50"] / minimal["total_ms"]["p50"]
    ratio_alone = production_alone["total_ms"]["p50"] / minimal_alone["total_ms"]["p50"]
    result = {
        "benchmark": "chat_turn",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": {"start": load_at_start, "end": load_average()},
        },
        "note": note,
        "setup": {
            "concurrent_users": users,
            "turns_per_user": turns,
            "warmup_turns_per_user": warmup,
            "alternating_rounds": {"concurrent_users": 2, "single_user": 12},
            "turn": (
                "threads.create, then threads.add_user_message 'add <title>';"
                " local model; one add_task call"
            ),
        },
        "production": production,
        "baseline": minimal,
        "production_to_baseline_p50_total": round(ratio, 2),
        "single_user": {
            "production": production_alone,
            "baseline": minimal_alone,
            "production_to_baseline_p50_total": round(ratio_alone, 2),
        },
        "targets": {
            "p50_total_ms": P50_TARGET_MS,
            "p50_total_met_single_user": production_alone["total_ms"]["p50"] < P50_TARGET_MS,
            "p50_total_met_20_users": production["total_ms"]["p50"] < P50_TARGET_MS,
            "ratio": RATIO_TARGET,
            "ratio_met_20_users": ratio <= RATIO_TARGET,
            "ratio_met_single_user": ratio_alone <= RATIO_TARGET,
        },
        "two_services": {
            "turn": (
                "'add a task to call Ana <n> and save her number 600 123 <n> in my notes';"
                " add_task on mcp-tasks, then create_note on notes; one user"
            ),
            "two_services": two_services,
            "one_service": one_service,
            "two_to_one_p50_total": round(
                two_services["total_ms"]["p50"] / one_service["total_ms"]["p50"], 2
            ),
            "target": TWO_SERVICES_TARGET,
            "met": two_services["total_ms"]["p50"]
            <= TWO_SERVICES_TARGET * one_service["total_ms"]["p50"],
        },
        "previous_runs": previous_runs(),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def baseline_app() -> Any:
    """The minimal baseline: in-memory ChatKit store, in-process add_task, the local model."""
    from agents import ModelSettings, RunConfig, Runner, set_tracing_disabled
    from agents.tool_context import ToolContext
    from chat_gateway.chat.assistant import build_agent
    from chat_gateway.chat.function_tools import function_tool, undo_function_tool
    from chat_gateway.chat.request_context import RequestContext
    from chat_gateway.chat.widgets import task_card_widget
    from chatkit.agents import AgentContext, stream_agent_response
    from chatkit.server import ChatKitServer, NonStreamingResult, StreamingResult
    from chatkit.store import NotFoundError, Store
    from chatkit.types import ChatKitReq, Page, ThreadItem, ThreadMetadata, is_streaming_req
    from fastapi import FastAPI, Request, Response
    from fastapi.responses import StreamingResponse
    from local_model import LocalModelProvider
    from mcp_tasks.config import Settings as TaskSettings
    from mcp_tasks.server import build_server
    from pydantic import TypeAdapter

    set_tracing_disabled(True)

    class MemoryStore(Store[RequestContext]):
        def __init__(self) -> None:
            self.threads: dict[str, ThreadMetadata] = {}
            self.items: dict[str, list[ThreadItem]] = {}

        async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
            if thread_id not in self.threads:
                raise NotFoundError(thread_id)
            return self.threads[thread_id]

        async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
            self.threads[thread.id] = thread
            self.items.setdefault(thread.id, [])

        async def load_thread_items(
            self, thread_id: str, after: str | None, limit: int, order: str, context: RequestContext
        ) -> Page[ThreadItem]:
            items = list(self.items.get(thread_id, []))
            if order == "desc":
                items.reverse()
            return Page(data=items[:limit], has_more=len(items) > limit)

        async def add_thread_item(
            self, thread_id: str, item: ThreadItem, context: RequestContext
        ) -> None:
            await self.save_item(thread_id, item, context)

        async def save_item(
            self, thread_id: str, item: ThreadItem, context: RequestContext
        ) -> None:
            items = self.items.setdefault(thread_id, [])
            for index, existing in enumerate(items):
                if existing.id == item.id:
                    items[index] = item
                    return
            items.append(item)

        async def load_item(
            self, thread_id: str, item_id: str, context: RequestContext
        ) -> ThreadItem:
            for item in self.items.get(thread_id, []):
                if item.id == item_id:
                    return item
            raise NotFoundError(item_id)

        async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
            self.threads.pop(thread_id, None)
            self.items.pop(thread_id, None)

        async def delete_thread_item(
            self, thread_id: str, item_id: str, context: RequestContext
        ) -> None:
            self.items[thread_id] = [i for i in self.items.get(thread_id, []) if i.id != item_id]

        async def load_threads(
            self, limit: int, after: str | None, order: str, context: RequestContext
        ) -> Page[ThreadMetadata]:
            return Page(data=list(self.threads.values())[:limit])

        async def save_attachment(self, attachment: Any, context: RequestContext) -> None:
            raise NotImplementedError

        async def load_attachment(self, attachment_id: str, context: RequestContext) -> Any:
            raise NotFoundError(attachment_id)

        async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
            return None

    tasks: dict[str, dict[str, Any]] = {}

    async def add_task(tool_context: ToolContext[Any], raw: str) -> str:
        arguments = json.loads(raw or "{}")
        now = datetime.now().astimezone().isoformat()
        task = {
            "id": str(uuid.uuid4()),
            "title": str(arguments.get("title", "")).strip(),
            "description": arguments.get("description", ""),
            "due_date": arguments.get("due_date"),
            "priority": arguments.get("priority", "normal"),
            "tags": arguments.get("tags", []),
            "completed": False,
            "completed_at": None,
            "created_at": now,
            "updated_at": now,
            "deleted_at": None,
        }
        tasks[task["id"]] = task
        await tool_context.context.stream_widget(
            task_card_widget(task, headline="Task added", undo_id=None), copy_text=task["title"]
        )
        return json.dumps({"task": task})

    async def not_in_baseline(tool_context: ToolContext[Any], raw: str) -> str:
        return "This tool is not part of the baseline."

    # The agent gets the same tools as in production, as mcp-tasks lists them (taken from its
    # MCP server in process, not over the network); only add_task runs here.
    listed = asyncio.run(build_server(TaskSettings()).list_tools())
    tools = [
        function_tool(tool, add_task if tool.name == "add_task" else not_in_baseline)
        for tool in listed
    ]
    tools.append(undo_function_tool(not_in_baseline))
    provider = LocalModelProvider()

    class BaselineServer(ChatKitServer[RequestContext]):
        async def respond(
            self, thread: ThreadMetadata, input_user_message: Any, context: RequestContext
        ) -> AsyncIterator[Any]:
            page = await self.store.load_thread_items(thread.id, None, 40, "desc", context)
            from chat_gateway.chat.history import TaskHistoryConverter

            history = await TaskHistoryConverter().to_agent_input(list(reversed(page.data)))
            agent_context = AgentContext[RequestContext](
                thread=thread, store=self.store, request_context=context
            )
            result = Runner.run_streamed(
                build_agent(tools, None, ModelSettings(parallel_tool_calls=False)),
                history,
                context=agent_context,
                run_config=RunConfig(model_provider=provider, tracing_disabled=True),
            )
            async for event in stream_agent_response(agent_context, result):
                yield event

    server = BaselineServer(MemoryStore())
    # Parsed with one shared validator, as the production route does (the SDK's own
    # process() builds a validator per request, a cost neither side should carry).
    requests = TypeAdapter[ChatKitReq](ChatKitReq)
    app = FastAPI()
    user = uuid.uuid4()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/chatkit")
    async def chatkit(request: Request) -> Response:
        parsed = requests.validate_json(await request.body())
        context = RequestContext(user_id=user)
        if is_streaming_req(parsed):
            stream = StreamingResult(server._process_streaming(parsed, context))
            return StreamingResponse(stream, media_type="text/event-stream")
        body = NonStreamingResult(await server._process_non_streaming(parsed, context))
        return Response(content=body.json, media_type="application/json")

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--note", default=None, help="what changed since the previous run")
    parser.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--log-level", default="warning", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve_baseline:
        import logging

        import uvicorn

        logging.getLogger().setLevel(logging.WARNING)
        uvicorn.run(
            baseline_app(), host=options.host, port=options.port, log_level=options.log_level
        )
    else:
        asyncio.run(main(options.users, options.turns, options.warmup, options.note))
