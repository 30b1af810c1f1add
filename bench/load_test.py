"""Load: N users each chat, use the dashboard and hold an open event stream, for a fixed time.

Runs against a running system (loopback only), e.g. `make up` then
`uv run --frozen python bench/load_test.py --users 100 --duration 60`.
Writes bench/results/load.json: status counts, 5xx, lost events, turn latency p50/p99, events/s.
"""

import argparse
import asyncio
import json
import secrets
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

RESULT_PATH = Path(__file__).parent / "results" / "load.json"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class UserRun:
    """One simulated user's account and what happened to it."""

    headers: dict[str, str]
    mutations_acked: int = 0
    chat_adds: int = 0
    versions: list[int] = field(default_factory=list)
    stream_breaks: int = 0


@dataclass
class Totals:
    """Counters over every user."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    turn_ms: list[float] = field(default_factory=list)
    dashboard_ms: list[float] = field(default_factory=list)

    def record(self, answer: httpx.Response) -> None:
        self.statuses[answer.status_code] += 1


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def sign_up(client: httpx.AsyncClient, totals: Totals) -> UserRun:
    """Register and sign in, waiting out throttling (not counted as a failure)."""
    email = f"load-{secrets.token_hex(8)}@example.com"
    password = secrets.token_urlsafe(18)
    for path in ("/auth/register", "/auth/login"):
        while True:
            answer = await client.post(path, json={"email": email, "password": password})
            if answer.status_code != 429:
                break
            await asyncio.sleep(float(answer.headers.get("retry-after", "1")))
        totals.record(answer)
        answer.raise_for_status()
    token = answer.json()["access_token"]
    return UserRun({"Authorization": f"Bearer {token}", "X-User-Timezone": "UTC"})


async def follow_events(client: httpx.AsyncClient, user: UserRun, stop: asyncio.Event) -> None:
    """Hold the event stream open, resuming with Last-Event-ID after any break."""
    while not stop.is_set():
        headers = dict(user.headers)
        if user.versions:
            headers["Last-Event-ID"] = str(user.versions[-1])
        try:
            async with client.stream(
                "GET", "/api/v1/events", headers=headers, timeout=httpx.Timeout(10.0, read=None)
            ) as answer:
                if answer.status_code != 200:
                    user.stream_breaks += 1
                    await asyncio.sleep(1)
                    continue
                event = "message"
                async for line in answer.aiter_lines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:") and event != "resync":
                        user.versions.append(int(json.loads(line[5:])["version"]))
                    elif line == "":
                        event = "message"
        except httpx.HTTPError:
            pass
        user.stream_breaks += 1
        await asyncio.sleep(0.5)


async def chat_turn(
    client: httpx.AsyncClient, user: UserRun, totals: Totals, text: str, thread: str | None
) -> str | None:
    """One chat turn read to its end; returns the thread id."""
    content = {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }
    body: dict[str, Any] = (
        {"type": "threads.create", "params": {"input": content}}
        if thread is None
        else {"type": "threads.add_user_message", "params": {"thread_id": thread, "input": content}}
    )
    began = time.perf_counter()
    async with client.stream("POST", "/api/v1/chatkit", json=body, headers=user.headers) as answer:
        raw = (await answer.aread()).decode()
    totals.record(answer)
    if answer.status_code != 200:
        totals.failures[f"chat {answer.status_code}"] += 1
        return thread
    totals.turn_ms.append((time.perf_counter() - began) * 1000)
    if '"type":"error"' in raw.replace(" ", ""):
        totals.failures["chat error event"] += 1
    for line in raw.splitlines():
        if line.startswith("data:") and '"thread.created"' in line:
            return str(json.loads(line[5:])["thread"]["id"])
    return thread


async def act(
    client: httpx.AsyncClient, user: UserRun, totals: Totals, deadline: float, think: float
) -> None:
    """Chat every few seconds, and use the dashboard in between."""
    thread: str | None = None
    n = 0
    next_chat = 0.0
    while time.monotonic() < deadline:
        n += 1
        try:
            if time.monotonic() >= next_chat:
                thread = await chat_turn(
                    client, user, totals, f"add a task to load item {n}", thread
                )
                user.chat_adds += 1
                next_chat = time.monotonic() + 4.0
            began = time.perf_counter()
            listed = await client.get("/api/v1/tasks", headers=user.headers)
            totals.dashboard_ms.append((time.perf_counter() - began) * 1000)
            totals.record(listed)
            created = await client.post(
                "/api/v1/tasks", json={"title": f"dash {n}"}, headers=user.headers
            )
            totals.record(created)
            if created.status_code == 201:
                user.mutations_acked += 1
                done = await client.patch(
                    f"/api/v1/tasks/{created.json()['id']}",
                    json={"completed": True},
                    headers=user.headers,
                )
                totals.record(done)
                user.mutations_acked += done.status_code == 200
        except httpx.HTTPError as error:
            totals.failures[type(error).__name__] += 1
        await asyncio.sleep(think)


async def count_chat_tasks(client: httpx.AsyncClient, user: UserRun) -> int:
    """Tasks the chat created (titles "load item ..."), as the task API lists them."""
    count, params = 0, {"status": "all", "limit": "200"}
    while True:
        answer = await client.get("/api/v1/tasks", params=params, headers=user.headers)
        body = answer.json()
        count += sum(1 for task in body["tasks"] if task["title"].startswith("load item"))
        if not body["next_cursor"]:
            return count
        params["cursor"] = body["next_cursor"]


async def run(base_url: str, users: int, duration: float, think: float) -> dict[str, Any]:
    """Drive the system and return the figures."""
    totals = Totals()
    limits = httpx.Limits(max_connections=users * 3, max_keepalive_connections=users * 2)
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0, limits=limits) as client:
        semaphore = asyncio.Semaphore(10)

        async def one() -> UserRun:
            async with semaphore:
                return await sign_up(client, totals)

        runs = await asyncio.gather(*(one() for _ in range(users)))
        stop = asyncio.Event()
        streams = [asyncio.create_task(follow_events(client, u, stop)) for u in runs]
        await asyncio.sleep(1.0)
        began = time.monotonic()
        await asyncio.gather(*(act(client, u, totals, began + duration, think) for u in runs))
        elapsed = time.monotonic() - began
        expected = [u.mutations_acked + await count_chat_tasks(client, u) for u in runs]
        drain_deadline = time.monotonic() + 10
        # Polls counters of many streams at once; bounded by the drain deadline.
        while time.monotonic() < drain_deadline and any(  # noqa: ASYNC110
            len(set(u.versions)) < e for u, e in zip(runs, expected, strict=True)
        ):
            await asyncio.sleep(0.2)
        stop.set()
        for task in streams:
            task.cancel()
        await asyncio.gather(*streams, return_exceptions=True)

    received = sum(len(u.versions) for u in runs)
    duplicates = sum(len(u.versions) - len(set(u.versions)) for u in runs)
    lost = sum(max(0, e - len(set(u.versions))) for u, e in zip(runs, expected, strict=True))
    out_of_order = sum(u.versions != sorted(u.versions) for u in runs)
    return {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": base_url,
        "users": users,
        "duration_seconds": round(elapsed, 1),
        "turns": len(totals.turn_ms),
        "turn_latency_ms": {
            "p50": percentile(totals.turn_ms, 50),
            "p99": percentile(totals.turn_ms, 99),
        },
        "dashboard_requests": len(totals.dashboard_ms),
        "dashboard_latency_ms": {
            "p50": percentile(totals.dashboard_ms, 50),
            "p99": percentile(totals.dashboard_ms, 99),
        },
        "events_expected": sum(expected),
        "events_received": received,
        "events_per_second": round(received / elapsed, 1) if elapsed else None,
        "lost_events": lost,
        "duplicate_events": duplicates,
        "users_with_out_of_order_events": out_of_order,
        "stream_breaks": sum(u.stream_breaks for u in runs),
        "status_counts": {str(k): v for k, v in sorted(totals.statuses.items())},
        "server_errors": sum(v for k, v in totals.statuses.items() if k >= 500),
        "failures": dict(totals.failures),
    }


def main() -> None:
    """Parse arguments, run, write the JSON result, exit non-zero when a promise broke."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between actions")
    parser.add_argument("--output", type=Path, default=RESULT_PATH)
    args = parser.parse_args()
    if urlsplit(args.base_url).hostname not in LOOPBACK:
        raise SystemExit("the load generator only targets loopback addresses")
    result = asyncio.run(run(args.base_url.rstrip("/"), args.users, args.duration, args.think))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if result["server_errors"] or result["lost_events"] or result["duplicate_events"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
