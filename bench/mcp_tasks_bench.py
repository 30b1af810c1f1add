"""mcp-tasks: cost of a tool call over HTTP, and list_tasks latency on a large table.

1. Round trip of get_task through the official MCP client over streamable HTTP (uvicorn on a
   free port, every request signed with the X-Identity-* headers), next to a direct call of
   the same domain function (TaskService.get_task) in this process, in the same run.
   Target: overhead (MCP + HTTP + identity) under 3 ms at the median.
2. list_tasks for one user (100 matching tasks) with 1,000,000 tasks across 1,000 users in the
   table (bulk-loaded once with INSERT ... SELECT generate_series into database
   mcp_tasks_bench). Target: p99 under 10 ms. The query plans are recorded to show the indexes.

Writes bench/results/mcp_tasks.json, with the machine's load average (1, 5 and 15 minutes)
at the start and at the end of the run so that figures from a busy machine can be told apart.
Needs PostgreSQL and Redis.

    uv run --frozen python bench/mcp_tasks_bench.py [--iterations N] [--database-url URL]
"""

import argparse
import asyncio
import hashlib
import json
import os
import platform
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx2
from alembic import command
from alembic.config import Config
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp_tasks.config import Settings
from mcp_tasks.runtime import open_runtime
from mcp_tasks.task_listing import TaskFilters, list_statement
from pydantic import SecretStr
from service_processes import LOGS, ServiceProcess, start, uvicorn_app
from servicekit.database import create_database_if_missing
from servicekit.identity import IdentitySigner, signing_hook
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

ROOT = Path(__file__).resolve().parents[1]
RESULT = Path(__file__).parent / "results" / "mcp_tasks.json"
DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/mcp_tasks_bench"
REDIS_URL = "redis://127.0.0.1:6379/2"
KEY_ID, SECRET = "bench", "mcp-tasks-bench-secret-0123456789abcdef"
USERS, TASKS_PER_USER, MATCHING = 1000, 1000, 100
OVERHEAD_TARGET_MS, LIST_P99_TARGET_MS = 3.0, 10.0
RAW_HEADERS = {
    "accept": "application/json, text/event-stream",
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": "tools/call",
    "mcp-name": "get_task",
}

# Per user: tasks j = 0..999; every tenth (j % 10 = 0) is pending (100 per user), the rest are
# completed; the tasks with j % 10 = 1 carry the tag "focus" (another 100 per user).
LOAD_SQL = f"""
INSERT INTO tasks (id, user_id, title, description, due_date, priority, tags, completed,
                   completed_at, created_at, updated_at)
SELECT gen_random_uuid(),
       md5('bench-user-' || (i % {USERS}))::uuid,
       'Task ' || i,
       CASE WHEN i % 3 = 0 THEN 'details of task ' || i ELSE '' END,
       CASE WHEN i % 7 = 0 THEN NULL ELSE DATE '2030-01-01' + (i % 90) END,
       (ARRAY['low', 'normal', 'high'])[1 + i % 3],
       CASE WHEN (i / {USERS}) % 10 = 1 THEN ARRAY['focus', 'work']::varchar[]
            ELSE ARRAY['home']::varchar[] END,
       (i / {USERS}) % 10 <> 0,
       CASE WHEN (i / {USERS}) % 10 <> 0 THEN now() ELSE NULL END,
       now() - i * interval '1 second',
       now() - i * interval '1 second'
FROM generate_series(0, {USERS * TASKS_PER_USER - 1}) AS i
"""


def bench_user(n: int) -> uuid.UUID:
    """The id the loader gave user ``n`` (md5 of its name, as a UUID)."""
    return uuid.UUID(hashlib.md5(f"bench-user-{n}".encode()).hexdigest())


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages, as ``uptime`` shows them."""
    return [round(value, 2) for value in os.getloadavg()]


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
    }


async def timed(call: Callable[[], Awaitable[object]], iterations: int) -> list[float]:
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


def migrate(url: str) -> None:
    config = Config(str(ROOT / "services" / "mcp-tasks" / "alembic.ini"))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")


async def load(url: str) -> dict[str, Any]:
    plain = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    connection = await asyncpg.connect(plain)
    try:
        existing = await connection.fetchval(
            "SELECT count(*) FROM tasks WHERE user_id = $1", bench_user(0)
        )
        total = await connection.fetchval("SELECT count(*) FROM tasks")
        seconds = 0.0
        if existing != TASKS_PER_USER or total < USERS * TASKS_PER_USER:
            started = time.perf_counter()
            await connection.execute("TRUNCATE tasks, task_events, task_user_versions")
            await connection.execute(LOAD_SQL)
            await connection.execute("VACUUM ANALYZE tasks")
            seconds = time.perf_counter() - started
        total = await connection.fetchval("SELECT count(*) FROM tasks")
        users = await connection.fetchval("SELECT count(DISTINCT user_id) FROM tasks")
    finally:
        await connection.close()
    return {"tasks": total, "users": users, "load_seconds": round(seconds, 1)}


def start_server(database_url: str) -> ServiceProcess:
    """mcp-tasks as deployed (uvicorn) on a free port."""
    env = {
        "ENVIRONMENT": "test",
        "MCP_TASKS_DATABASE_URL": database_url,
        "MCP_TASKS_REDIS_URL": REDIS_URL,
        "MCP_TASKS_IDENTITY_KEYS": json.dumps({KEY_ID: SECRET}),
        "MCP_TASKS_LOG_LEVEL": "WARNING",
    }
    return start(uvicorn_app("mcp_tasks.main:create_app"), env, LOGS / "mcp-tasks-bench.log")


async def round_trip(settings: Settings, base_url: str, iterations: int) -> dict[str, Any]:
    user = uuid.uuid4()
    signer = IdentitySigner(KEY_ID, SECRET.encode())
    async with open_runtime(settings, prune=False) as runtime:
        task = await runtime.domain.add_task(user, "api", title="Benchmark task")

        async def direct() -> object:
            return await runtime.domain.get_task(user, task.id)

        hook = signing_hook(signer, lambda: user)
        async with (
            httpx2.AsyncClient(event_hooks={"request": [hook]}) as http,
            Client(streamable_http_client(f"{base_url}/mcp", http_client=http)) as client,
        ):

            async def over_http() -> object:
                result = await client.call_tool("get_task", {"task_id": str(task.id)})
                assert result.is_error is False
                return result

            request_id = 0

            async def raw_json_rpc() -> object:
                # The exact request the official client sends, without its client-side work
                # (output-schema validation, dispatch): isolates the server's share.
                nonlocal request_id
                request_id += 1
                body = {
                    "jsonrpc": "2.0",
                    "id": request_id,
                    "method": "tools/call",
                    "params": {
                        "name": "get_task",
                        "arguments": {"task_id": str(task.id)},
                        "_meta": {
                            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                            "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "0"},
                            "io.modelcontextprotocol/clientCapabilities": {},
                        },
                    },
                }
                response = await http.post(f"{base_url}/mcp", json=body, headers=RAW_HEADERS)
                assert response.status_code == 200, response.text
                assert response.json()["result"]["isError"] is False
                return response

            for call in (over_http, raw_json_rpc, direct):
                await timed(call, 50)
            samples: dict[str, list[float]] = {"client": [], "raw": [], "direct": []}
            for _ in range(iterations // 50):
                samples["client"] += await timed(over_http, 50)
                samples["raw"] += await timed(raw_json_rpc, 50)
                samples["direct"] += await timed(direct, 50)
    client_summary, raw_summary = summary(samples["client"]), summary(samples["raw"])
    direct_summary = summary(samples["direct"])
    overhead = round(client_summary["p50_ms"] - direct_summary["p50_ms"], 3)
    server_overhead = round(raw_summary["p50_ms"] - direct_summary["p50_ms"], 3)
    return {
        "tool": "get_task",
        "iterations": len(samples["client"]),
        "mcp_client_over_http_signed": client_summary,
        "raw_json_rpc_over_http_signed": raw_summary,
        "direct_domain_call": direct_summary,
        "overhead_p50_ms": overhead,
        "overhead_without_client_sdk_p50_ms": server_overhead,
        "target_overhead_p50_ms": OVERHEAD_TARGET_MS,
        "met": overhead < OVERHEAD_TARGET_MS,
    }


async def list_latency(settings: Settings, iterations: int) -> dict[str, Any]:
    queries = {
        "pending": TaskFilters(status="pending", limit=MATCHING),
        "tag_all_statuses": TaskFilters(status="all", tag="focus", limit=MATCHING),
    }
    results: dict[str, Any] = {}
    async with open_runtime(settings, prune=False) as runtime:
        service = runtime.domain
        for name, filters in queries.items():
            page = await service.list_tasks(bench_user(0), filters)
            assert len(page.tasks) == MATCHING, (name, len(page.tasks))
            statement = list_statement(bench_user(0), filters)
            compiled = statement.compile(
                dialect=postgresql.dialect(),  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
                compile_kwargs={"literal_binds": True},
            )
            # Inlined literals lose the bound parameter's varchar[] type that the service sends.
            sql = str(compiled).replace("ARRAY['focus']", "ARRAY['focus']::varchar[]")
            async with runtime.database.engine.connect() as connection:
                plan = (
                    await connection.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}"))
                ).scalar_one()
            # One pass over every user first: the figure is for a warm server, not for the
            # first read of a page after PostgreSQL or the OS dropped it from cache.
            for index in range(USERS):
                await service.list_tasks(bench_user(index), filters)
            users = [bench_user(random.randrange(USERS)) for _ in range(iterations)]
            samples: list[float] = []
            for user in users:
                started = time.perf_counter()
                page = await service.list_tasks(user, filters)
                samples.append(time.perf_counter() - started)
                assert len(page.tasks) == MATCHING
            stats = summary(samples)
            results[name] = {
                **stats,
                "iterations": iterations,
                "indexes_used": sorted(set(index_names(plan))),
                "plan_execution_ms": plan[0]["Execution Time"],
                "met": stats["p99_ms"] < LIST_P99_TARGET_MS,
            }
    return results


def index_names(plan: Any) -> list[str]:
    found: list[str] = []
    if isinstance(plan, dict):
        if "Index Name" in plan:
            found.append(plan["Index Name"])
        for value in plan.values():
            found += index_names(value)
    elif isinstance(plan, list):
        for item in plan:
            found += index_names(item)
    return found


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args()
    load_at_start = load_average()
    await create_database_if_missing(args.database_url)
    await asyncio.to_thread(migrate, args.database_url)
    table = await load(args.database_url)
    settings = Settings.model_validate(
        {
            "environment": "test",
            "database_url": args.database_url,
            "redis_url": REDIS_URL,
            "identity_keys": {KEY_ID: SecretStr(SECRET)},
            "log_level": "WARNING",
        }
    )
    server = start_server(args.database_url)
    try:
        trip = await round_trip(settings, server.url, args.iterations)
    finally:
        server.stop()
    listing = await list_latency(settings, args.iterations)
    result = {
        "benchmark": "mcp_tasks",
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_at_start": load_at_start,
            "load_average_at_end": load_average(),
        },
        "tool_round_trip": trip,
        "list_tasks": {
            "table": table,
            "matching_per_query": MATCHING,
            "target_p99_ms": LIST_P99_TARGET_MS,
            "queries": listing,
        },
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
