"""chat-gateway live sync: change committed -> event at a connected SSE client, vs. polling.

One run, on loopback:
- mcp-tasks and chat-gateway run as uvicorn subprocesses on free ports (database
  live_sync_bench, Redis db 3); access tokens are signed by a bench key whose JWKS this
  process serves.
- 1,000 SSE clients stay connected to GET /api/v1/events: 100 users with 10 tabs each.
  Gateway memory (RSS) is read with the 1,000 clients idle.
- A writer changes one task per user (PATCH /api/v1/tasks/{id} through the gateway),
  round-robin, at a steady pace. For every change three intervals are recorded, each named
  in the JSON with what it measures:
  stamp -> SSE client: from the task's ``updated_at`` (mcp-tasks stamps it when the change
  begins, before its transaction) to the event's arrival at each of the user's 10 tabs;
  stamp -> publish: from ``updated_at`` to the event reaching a direct Redis subscriber in
  this process (mcp-tasks' transaction, commit and publish; the commit itself is not visible
  from outside, the publish right after it is);
  publish -> SSE client: from that subscriber to each tab (the gateway's share).
- At the same time, 20 of those users also have a dashboard that polls GET /api/v1/tasks
  every second (the pattern push replaces); for each change, the delay until a poll shows it.
Targets: push p99 under 25 ms with 1,000 clients; gateway RSS under 200 MB with 1,000 idle
clients. A second scenario puts 1,000 tabs on one user (fan-out of one change to 1,000
connections), reported without a target. Writes bench/results/live_sync.json.

    uv run --frozen python bench/live_sync_bench.py [--changes N] [--interval-ms MS]
"""

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import random
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from jose import jwk
from jose import jwt as jose_jwt
from redis.asyncio import Redis
from service_processes import LOGS, database_url, free_port, migrate, start, uvicorn_app

RESULT = Path(__file__).parent / "results" / "live_sync.json"
DATABASE = "live_sync_bench"
# Any database URL of the PostgreSQL server to use (its database name is replaced).
POSTGRES = os.environ.get("BENCH_DATABASE_URL")
REDIS_URL = "redis://127.0.0.1:6379/3"
KEY_ID, SECRET = "bench", "live-sync-bench-secret-0123456789abcdef"
ISSUER, AUDIENCE = "chatkit-botbuilder-auth", "chatkit-botbuilder"
USERS, TABS, POLLED_USERS = 100, 10, 20
P99_TARGET_MS, RSS_TARGET_MB = 25.0, 200.0
# A thousand event streams connect at once.
BACKLOG = ("--backlog", "4096")


def percentiles(samples: list[float]) -> dict[str, float | int]:
    if not samples:
        return {"count": 0}
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {
        "count": len(ordered),
        "p50_ms": at(0.50),
        "p90_ms": at(0.90),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


class TokenIssuer:
    """Signs RS256 access tokens and serves the matching JWKS."""

    def __init__(self) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        entry = jwk.construct(public.decode(), algorithm="RS256").to_dict()
        self.jwks = {"keys": [{**entry, "kid": "bench-key", "use": "sig", "alg": "RS256"}]}

    def token(self, user_id: uuid.UUID) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": str(user_id),
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "jti": uuid.uuid4().hex,
        }
        return str(
            jose_jwt.encode(claims, self.pem, algorithm="RS256", headers={"kid": "bench-key"})
        )

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/.well-known/jwks.json")
        async def jwks() -> dict[str, Any]:
            return self.jwks

        return app


async def prepare_database() -> str:
    """Create the bench database afresh and migrate both services into it."""
    admin = database_url("postgres", POSTGRES).replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await connection.close()
    url = database_url(DATABASE, POSTGRES)
    for service in ("mcp-tasks", "chat-gateway"):
        await asyncio.to_thread(migrate, service, url)
    return url


@dataclass
class Tab:
    """One SSE connection; records when each version arrived."""

    user: int
    arrivals: dict[int, float] = field(default_factory=dict)
    """Milliseconds from the task's updated_at to arrival, by version."""
    arrived_at: dict[int, float] = field(default_factory=dict)
    """Wall-clock arrival time, by version."""
    connected: asyncio.Event = field(default_factory=asyncio.Event)


async def follow(host: str, port: int, token: str, tab: Tab) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        (
            f"GET /api/v1/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
        ).encode()
    )
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"event stream refused: {status!r}")
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"retry:"):
                tab.connected.set()
            elif line.startswith(b"data: "):
                arrived = time.time()
                event = json.loads(line[6:])
                updated = datetime.fromisoformat(event["task"]["updated_at"]).timestamp()
                tab.arrivals[event["version"]] = (arrived - updated) * 1000
                tab.arrived_at[event["version"]] = arrived
    finally:
        writer.close()


async def watch_publications(
    redis_url: str,
    user_ids: list[uuid.UUID],
    published: dict[tuple[int, int], float],
    stamp_to_publish: list[float],
) -> None:
    """Note when each event reaches a direct Redis subscriber: just after commit and publish.

    ``stamp_to_publish`` gets, per event, the milliseconds from the task's updated_at.
    """
    index = {f"tasks:user:{user_id}": i for i, user_id in enumerate(user_ids)}
    redis = Redis.from_url(redis_url)
    pubsub = redis.pubsub()
    try:
        await pubsub.subscribe(*index)
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
            if message is not None and message["type"] == "message":
                seen = time.time()
                event = json.loads(message["data"])
                published[(index[message["channel"].decode()], event["version"])] = seen
                if event["task"] is not None:
                    updated = datetime.fromisoformat(event["task"]["updated_at"]).timestamp()
                    stamp_to_publish.append((seen - updated) * 1000)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py
        await redis.aclose()


async def poll_dashboard(
    client: httpx.AsyncClient, token: str, task_id: str, seen: dict[str, float], stop: asyncio.Event
) -> None:
    """GET the task list every second; record when each title revision first shows up."""
    await asyncio.sleep(random.random())  # dashboards open at different moments
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.is_set():
        started = time.monotonic()
        response = await client.get("/api/v1/tasks", headers=headers)
        observed = time.time()
        for task in response.json()["tasks"]:
            if task["id"] == task_id and task["title"] not in seen:
                updated = datetime.fromisoformat(task["updated_at"]).timestamp()
                seen[task["title"]] = (observed - updated) * 1000
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


@contextlib.asynccontextmanager
async def serve_in_process(app: FastAPI) -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 -- uvicorn offers no started event
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("VmRSS not found")


async def connect_tabs(
    gateway: str, tokens: list[str], tabs_per_user: int
) -> tuple[list[Tab], list[asyncio.Task[None]]]:
    host, port = gateway.removeprefix("http://").split(":")
    tabs: list[Tab] = []
    tasks: list[asyncio.Task[None]] = []
    for index, token in enumerate(tokens):
        for _ in range(tabs_per_user):
            tab = Tab(index)
            tabs.append(tab)
            tasks.append(asyncio.create_task(follow(host, int(port), token, tab)))
        if len(tasks) % 50 == 0:
            await asyncio.wait_for(asyncio.gather(*(t.connected.wait() for t in tabs)), 60)
    await asyncio.wait_for(asyncio.gather(*(t.connected.wait() for t in tabs)), 120)
    return tabs, tasks


async def run(changes: int, interval: float) -> dict[str, Any]:
    issuer = TokenIssuer()
    database_url = await prepare_database()
    logs = LOGS
    logs.mkdir(parents=True, exist_ok=True)
    common = {"ENVIRONMENT": "test", "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL}
    mcp_tasks = start(
        uvicorn_app("mcp_tasks.main:create_app"),
        {**common, "MCP_TASKS_IDENTITY_KEYS": json.dumps({KEY_ID: SECRET})},
        logs / "live-sync-mcp-tasks.log",
        options=BACKLOG,
    )
    try:
        async with serve_in_process(issuer.app()) as jwks_url:
            gateway = start(
                uvicorn_app("chat_gateway.main:create_app"),
                {
                    **common,
                    "CHAT_GATEWAY_IDENTITY_KEY_ID": KEY_ID,
                    "CHAT_GATEWAY_IDENTITY_SECRET": SECRET,
                    "CHAT_GATEWAY_MCP_TASKS_URL": mcp_tasks.url,
                    "CHAT_GATEWAY_JWKS_URL": jwks_url + "/.well-known/jwks.json",
                    "CHAT_GATEWAY_LOG_LEVEL": "WARNING",
                    # The fan-out scenario opens 1,000 tabs for one user.
                    "CHAT_GATEWAY_MAX_STREAMS_PER_USER": "2000",
                },
                logs / "live-sync-chat-gateway.log",
                options=BACKLOG,
            )
            try:
                result = await measure(issuer, gateway.url, gateway.process.pid, changes, interval)
                return result
            finally:
                gateway.stop()
    finally:
        mcp_tasks.stop()


async def measure(
    issuer: TokenIssuer, gateway: str, gateway_pid: int, changes: int, interval: float
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=gateway, limits=limits, timeout=30) as client:
        users = [uuid.uuid4() for _ in range(USERS)]
        tokens = [issuer.token(user) for user in users]
        task_ids: list[str] = []
        for token in tokens:
            created = await client.post(
                "/api/v1/tasks",
                json={"title": "rev 0"},
                headers={"Authorization": f"Bearer {token}"},
            )
            created.raise_for_status()
            task_ids.append(created.json()["id"])

        published: dict[tuple[int, int], float] = {}
        stamp_to_publish: list[float] = []
        watcher = asyncio.create_task(
            watch_publications(REDIS_URL, users, published, stamp_to_publish)
        )
        rss_before = rss_mb(gateway_pid)
        connect_started = time.monotonic()
        tabs, followers = await connect_tabs(gateway, tokens, TABS)
        connect_seconds = time.monotonic() - connect_started
        # This process holds 1,000 client streams; a full pass of its own collector would
        # stall every reader at once and be counted as delivery latency.
        gc.collect()
        gc.freeze()
        await asyncio.sleep(2)
        rss_idle = rss_mb(gateway_pid)

        stop = asyncio.Event()
        polled: list[dict[str, float]] = [{} for _ in range(POLLED_USERS)]
        pollers = [
            asyncio.create_task(poll_dashboard(client, tokens[i], task_ids[i], polled[i], stop))
            for i in range(POLLED_USERS)
        ]
        await asyncio.sleep(1.5)
        expected: dict[int, list[int]] = defaultdict(list)
        titles: dict[int, list[str]] = defaultdict(list)
        versions = [1] * USERS
        write_round_trips: list[float] = []
        load_before = os.getloadavg()
        for n in range(changes):
            user = n % USERS
            versions[user] += 1
            title = f"rev {n + 1}"
            sent = time.monotonic()
            response = await client.patch(
                f"/api/v1/tasks/{task_ids[user]}",
                json={"title": title},
                headers={"Authorization": f"Bearer {tokens[user]}"},
            )
            write_round_trips.append((time.monotonic() - sent) * 1000)
            response.raise_for_status()
            expected[user].append(versions[user])
            titles[user].append(title)
            await asyncio.sleep(interval)
        await asyncio.sleep(2.5)
        load_after = os.getloadavg()
        stop.set()
        await asyncio.gather(*pollers)
        rss_busy = rss_mb(gateway_pid)
        for follower in followers:
            follower.cancel()
        await asyncio.gather(*followers, return_exceptions=True)

        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)
        push: list[float] = []
        after_publish: list[float] = []
        missing = 0
        for tab in tabs:
            for version in expected[tab.user]:
                if version in tab.arrivals:
                    push.append(tab.arrivals[version])
                    if (tab.user, version) in published:
                        sent = published[(tab.user, version)]
                        after_publish.append((tab.arrived_at[version] - sent) * 1000)
                else:
                    missing += 1
        polling = [
            seen[title] for i, seen in enumerate(polled) for title in titles[i] if title in seen
        ]
        polled_changes = sum(len(titles[i]) for i in range(POLLED_USERS))

        fan_out = await one_user_with_many_tabs(issuer, gateway, client)

    push_stats = percentiles(push)
    publish_stats = percentiles(after_publish)
    idle_added = round(rss_idle - rss_before, 1)
    return {
        "benchmark": "live_sync",
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_1_5_15_before_changes": [round(x, 2) for x in load_before],
            "load_average_1_5_15_after_changes": [round(x, 2) for x in load_after],
            "note": "a shared machine: other programs ran beside the benchmark",
        },
        "setup": {
            "clients": len(tabs),
            "users": USERS,
            "tabs_per_user": TABS,
            "changes": changes,
            "change_interval_ms": round(interval * 1000, 1),
            "polling_dashboards": POLLED_USERS,
            "poll_interval_s": 1.0,
            "connect_seconds_for_all_clients": round(connect_seconds, 2),
        },
        "push_sse": {
            **push_stats,
            "missing_deliveries": missing,
            "measures": "stamp -> SSE client: task updated_at (mcp-tasks stamps it as the change "
            "begins, before its transaction) to the event read by each connected tab",
        },
        "stamp_to_publish": {
            **percentiles(stamp_to_publish),
            "measures": "stamp -> publish: task updated_at to the event read by a direct Redis "
            "subscriber in this process (mcp-tasks' transaction, commit, publish; the commit "
            "is not visible from outside, the publish follows it at once)",
        },
        "push_sse_from_publish": {
            **publish_stats,
            "measures": "publish -> SSE client: the event read by a direct Redis subscriber in "
            "this process to the same event read by each tab (the gateway's share)",
        },
        "write_round_trip": {
            **percentiles(write_round_trips),
            "measures": "PATCH /api/v1/tasks/{id} sent by the writer to its answer (gateway and "
            "mcp-tasks, commit and publish included)",
        },
        "polling_1s": {**percentiles(polling), "changes_on_polled_users": polled_changes},
        "gateway_rss_mb": {
            "before_clients": rss_before,
            "idle_1000_clients": rss_idle,
            "added_by_1000_idle_clients": idle_added,
            "after_changes": rss_busy,
        },
        "one_user_1000_tabs": fan_out,
        "targets": {
            "push_p99_ms": P99_TARGET_MS,
            "push_p99_target_measured_from": "the change's commit; the publish that follows it is "
            "the closest point visible from outside (p99_from_publish_met)",
            "idle_rss_mb": RSS_TARGET_MB,
            "p99_from_publish_met": publish_stats.get("p99_ms", float("inf")) < P99_TARGET_MS
            and missing == 0,
            "p99_from_updated_at_met": push_stats.get("p99_ms", float("inf")) < P99_TARGET_MS
            and missing == 0,
            "rss_met": rss_idle < RSS_TARGET_MB,
        },
    }


async def one_user_with_many_tabs(
    issuer: TokenIssuer, gateway: str, client: httpx.AsyncClient
) -> dict[str, Any]:
    """One change fanned out to 1,000 tabs of one user: time until the last tab has it."""
    user = uuid.uuid4()
    token = issuer.token(user)
    headers = {"Authorization": f"Bearer {token}"}
    created = await client.post("/api/v1/tasks", json={"title": "fan 0"}, headers=headers)
    created.raise_for_status()
    tabs, followers = await connect_tabs(gateway, [token], 1000)
    await asyncio.sleep(1)
    last_arrival: list[float] = []
    median_arrival: list[float] = []
    for n in range(1, 21):
        await client.patch(
            f"/api/v1/tasks/{created.json()['id']}", json={"title": f"fan {n}"}, headers=headers
        )
        await asyncio.sleep(0.3)
        arrivals = [tab.arrivals[n + 1] for tab in tabs if n + 1 in tab.arrivals]
        if len(arrivals) == len(tabs):
            last_arrival.append(max(arrivals))
            median_arrival.append(statistics.median(arrivals))
    for follower in followers:
        follower.cancel()
    await asyncio.gather(*followers, return_exceptions=True)
    return {
        "changes": 20,
        "changes_delivered_to_every_tab": len(last_arrival),
        "median_tab": percentiles(median_arrival),
        "last_tab": percentiles(last_arrival),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--changes", type=int, default=300)
    parser.add_argument("--interval-ms", type=float, default=50.0)
    args = parser.parse_args()
    result = asyncio.run(run(args.changes, args.interval_ms / 1000))
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
