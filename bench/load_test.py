"""Load and capacity: N users each chat, use the dashboard and hold an open event stream.

Runs against a running system (loopback only), e.g. `make up` then `make load`, or
`uv run --frozen python bench/load_test.py --users 100 300 --capacity`.

Each user, with ``--think`` seconds (default 1) between actions: a chat turn every 4 s, and in
between the dashboard (list the tasks, add one, complete it), while its event stream stays
open. Every number of users in ``--users`` is measured for ``--duration`` seconds; with
``--capacity`` the largest number of users that meets the targets (turn p99 < 1 s, dashboard
p99 < 300 ms, no 5xx, no lost event) is searched for in shorter probes. The users are split
over ``--processes`` generator processes so that the generator is not the bottleneck; its CPU
is reported with the machine's load average, and the CPU time of every process `make up`
started (.run/pids) is reported per level, which says which service the time goes to.

Writes bench/results/load.json; exits non-zero when a measured level had a 5xx or lost events.
"""

import argparse
import asyncio
import json
import os
import secrets
import statistics
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

RESULT_PATH = Path(__file__).parent / "results" / "load.json"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TURN_P99_TARGET_MS = 1000.0
DASHBOARD_P99_TARGET_MS = 300.0
CHAT_EVERY_SECONDS = 4.0
# Access tokens live 15 minutes; users sign in again before a level that could outlast theirs.
SIGN_IN_AGAIN_AFTER_SECONDS = 600.0
DRAIN_SECONDS = 10.0


@dataclass
class Account:
    """A simulated user's credentials and where its event stream and chat tasks stand."""

    email: str
    password: str
    token: str = ""
    signed_in_at: float = 0.0
    last_version: int = 0
    chat_tasks: int = 0


@dataclass
class UserRun:
    """What happened to one user during one level."""

    account: Account
    mutations_acked: int = 0
    versions: list[int] = field(default_factory=list)
    stream_breaks: int = 0
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.account.token}", "X-User-Timezone": "UTC"}


@dataclass
class Totals:
    """Counters over the users of one generator process."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    turn_ms: list[float] = field(default_factory=list)
    dashboard_ms: list[float] = field(default_factory=list)
    dashboard_write_ms: list[float] = field(default_factory=list)

    def record(self, answer: httpx.Response) -> None:
        self.statuses[answer.status_code] += 1


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _limits(users: int) -> httpx.Limits:
    return httpx.Limits(max_connections=users * 3 + 10, max_keepalive_connections=users * 2 + 10)


async def _post_waiting_out_throttling(
    client: httpx.AsyncClient, path: str, body: dict[str, str]
) -> httpx.Response:
    while True:
        answer = await client.post(path, json=body)
        if answer.status_code not in (429, 503):
            return answer
        await asyncio.sleep(float(answer.headers.get("retry-after", "1")))


async def _sign_in(client: httpx.AsyncClient, account: Account, *, register: bool) -> None:
    body = {"email": account.email, "password": account.password}
    if register:
        (await _post_waiting_out_throttling(client, "/auth/register", body)).raise_for_status()
    answer = await _post_waiting_out_throttling(client, "/auth/login", body)
    answer.raise_for_status()
    account.token = answer.json()["access_token"]
    account.signed_in_at = time.time()


async def sign_in_all(base_url: str, accounts: list[Account]) -> None:
    """Register new accounts and sign in those whose token is missing or old."""
    semaphore = asyncio.Semaphore(10)
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0, limits=_limits(10)) as client:

        async def one(account: Account) -> None:
            if account.token and time.time() - account.signed_in_at < SIGN_IN_AGAIN_AFTER_SECONDS:
                return
            async with semaphore:
                await _sign_in(client, account, register=not account.token)

        await asyncio.gather(*(one(account) for account in accounts))


async def follow_events(client: httpx.AsyncClient, user: UserRun, stop: asyncio.Event) -> None:
    """Hold the event stream open from the account's last version, resuming after any break."""
    while not stop.is_set():
        last = user.versions[-1] if user.versions else user.account.last_version
        headers = {**user.headers, "Last-Event-ID": str(last)}
        try:
            async with client.stream(
                "GET", "/api/v1/events", headers=headers, timeout=httpx.Timeout(10.0, read=None)
            ) as answer:
                if answer.status_code != 200:
                    user.stream_breaks += 1
                    await asyncio.sleep(1)
                    continue
                user.connected.set()
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
    # Users start spread over one chat period, as real ones do, not all in the same second.
    next_chat = time.monotonic() + secrets.randbelow(1000) / 1000 * CHAT_EVERY_SECONDS
    await asyncio.sleep(secrets.randbelow(1000) / 1000 * think)
    while time.monotonic() < deadline:
        n += 1
        try:
            if time.monotonic() >= next_chat:
                thread = await chat_turn(
                    client, user, totals, f"add a task to load item {n}", thread
                )
                next_chat = time.monotonic() + CHAT_EVERY_SECONDS
            began = time.perf_counter()
            listed = await client.get("/api/v1/tasks", headers=user.headers)
            totals.dashboard_ms.append((time.perf_counter() - began) * 1000)
            totals.record(listed)
            began = time.perf_counter()
            created = await client.post(
                "/api/v1/tasks", json={"title": f"dash {n}"}, headers=user.headers
            )
            totals.dashboard_write_ms.append((time.perf_counter() - began) * 1000)
            totals.record(created)
            if created.status_code == 201:
                user.mutations_acked += 1
                began = time.perf_counter()
                done = await client.patch(
                    f"/api/v1/tasks/{created.json()['id']}",
                    json={"completed": True},
                    headers=user.headers,
                )
                totals.dashboard_write_ms.append((time.perf_counter() - began) * 1000)
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


async def drive(
    base_url: str, accounts: list[Account], start_at: float, duration: float, think: float
) -> dict[str, Any]:
    """One generator process's share of a level: streams, then actions, then the event check."""
    totals = Totals()
    runs = [UserRun(account) for account in accounts]
    cpu_began = time.process_time()
    async with httpx.AsyncClient(
        base_url=base_url, timeout=30.0, limits=_limits(len(runs))
    ) as client:
        stop = asyncio.Event()
        streams = [asyncio.create_task(follow_events(client, run, stop)) for run in runs]
        not_connected = 0
        try:
            async with asyncio.timeout(max(1.0, start_at - time.time())):
                await asyncio.gather(*(run.connected.wait() for run in runs))
        except TimeoutError:
            not_connected = sum(not run.connected.is_set() for run in runs)
        await asyncio.sleep(max(0.0, start_at - time.time()))
        began = time.monotonic()
        await asyncio.gather(*(act(client, run, totals, began + duration, think) for run in runs))
        elapsed = time.monotonic() - began
        chat_tasks = [await count_chat_tasks(client, run) for run in runs]
        expected = [
            run.mutations_acked + tasks - run.account.chat_tasks
            for run, tasks in zip(runs, chat_tasks, strict=True)
        ]
        drain_deadline = time.monotonic() + DRAIN_SECONDS
        # Polls counters of many streams at once; bounded by the drain deadline.
        while time.monotonic() < drain_deadline and any(  # noqa: ASYNC110
            len(set(run.versions)) < e for run, e in zip(runs, expected, strict=True)
        ):
            await asyncio.sleep(0.2)
        stop.set()
        for task in streams:
            task.cancel()
        await asyncio.gather(*streams, return_exceptions=True)
    for run, tasks in zip(runs, chat_tasks, strict=True):
        run.account.chat_tasks = tasks
        if run.versions:
            run.account.last_version = max(run.account.last_version, *run.versions)
    return {
        "accounts": [asdict(run.account) for run in runs],
        "elapsed": elapsed,
        "cpu_seconds": time.process_time() - cpu_began,
        "statuses": dict(totals.statuses),
        "failures": dict(totals.failures),
        "turn_ms": totals.turn_ms,
        "dashboard_ms": totals.dashboard_ms,
        "dashboard_write_ms": totals.dashboard_write_ms,
        "expected": sum(expected),
        "received": sum(len(run.versions) for run in runs),
        "duplicates": sum(len(run.versions) - len(set(run.versions)) for run in runs),
        "lost": sum(
            max(0, e - len(set(run.versions))) for run, e in zip(runs, expected, strict=True)
        ),
        "out_of_order": sum(run.versions != sorted(run.versions) for run in runs),
        "stream_breaks": sum(run.stream_breaks for run in runs),
        "streams_not_connected": not_connected,
    }


def _drive_in_process(
    base_url: str, accounts: list[dict[str, Any]], start_at: float, duration: float, think: float
) -> dict[str, Any]:
    return asyncio.run(drive(base_url, [Account(**a) for a in accounts], start_at, duration, think))


def _stack_cpu_seconds() -> dict[str, tuple[float, float]]:
    """(CPU seconds, seconds runnable but waiting for a CPU) so far of each process `make up`
    started here, with its worker processes (nginx's, PostgreSQL's backends) and threads, by
    the name `make up` gave it (from /proc/<pid>/task/<tid>/schedstat)."""
    run = Path(__file__).resolve().parent.parent / ".run"
    roots: dict[int, str] = {}
    for pid_file in sorted((run / "pids").glob("*.pid")) if (run / "pids").is_dir() else []:
        try:
            roots[int(pid_file.read_text().strip())] = pid_file.stem
        except ValueError:
            continue
    with suppress(OSError, ValueError, IndexError):
        roots[int((run / "postgres" / "postmaster.pid").read_text().split()[0])] = "postgres"
    parent: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, IndexError, ValueError):
            parent[int(stat.parent.name)] = int(stat.read_text().rpartition(")")[2].split()[1])
    found = dict.fromkeys(roots.values(), (0.0, 0.0))
    for pid in parent:
        ancestor = pid
        while ancestor > 1 and ancestor not in roots:
            ancestor = parent.get(ancestor, 0)
        if ancestor not in roots:
            continue
        cpu, wait = found[roots[ancestor]]
        for task in Path(f"/proc/{pid}/task").glob("*/schedstat"):
            with suppress(OSError, ValueError, IndexError):
                ran, waited, _ = (int(value) for value in task.read_text().split())
                cpu, wait = cpu + ran / 1e9, wait + waited / 1e9
        found[roots[ancestor]] = (cpu, wait)
    return found


def measure(
    base_url: str,
    accounts: list[Account],
    users: int,
    duration: float,
    think: float,
    processes: int,
) -> dict[str, Any]:
    """Run one level with the first ``users`` accounts; the figures, accounts updated."""
    selected = accounts[:users]
    asyncio.run(sign_in_all(base_url, selected))
    shares = [selected[i::processes] for i in range(processes) if selected[i::processes]]
    start_at = time.time() + 3.0 + users / 100
    print(
        json.dumps({"level": users, "starts_in_seconds": round(start_at - time.time(), 1)}),
        flush=True,
    )
    load_before = os.getloadavg()
    cpu_before = _stack_cpu_seconds()
    with ProcessPoolExecutor(len(shares), mp_context=get_context("spawn")) as pool:
        parts = list(
            pool.map(
                _drive_in_process,
                [base_url] * len(shares),
                [[asdict(a) for a in share] for share in shares],
                [start_at] * len(shares),
                [duration] * len(shares),
                [think] * len(shares),
            )
        )
    cpu_after = _stack_cpu_seconds()
    by_email = {a.email: a for a in selected}
    for part in parts:
        for state in part["accounts"]:
            account = by_email[state["email"]]
            account.last_version = state["last_version"]
            account.chat_tasks = state["chat_tasks"]
    elapsed = max(part["elapsed"] for part in parts)
    turn_ms = [v for part in parts for v in part["turn_ms"]]
    dashboard_ms = [v for part in parts for v in part["dashboard_ms"]]
    write_ms = [v for part in parts for v in part["dashboard_write_ms"]]
    statuses: Counter[int] = Counter()
    failures: Counter[str] = Counter()
    for part in parts:
        statuses.update({int(k): v for k, v in part["statuses"].items()})
        failures.update(part["failures"])
    wall = duration + DRAIN_SECONDS
    server_errors = sum(v for k, v in statuses.items() if k >= 500)
    lost = sum(part["lost"] for part in parts)
    figures: dict[str, Any] = {
        "users": users,
        "duration_seconds": round(elapsed, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "turns": len(turn_ms),
        "turns_per_second": round(len(turn_ms) / elapsed, 1),
        "turn_latency_ms": _p50_p99(turn_ms),
        "dashboard_requests": len(dashboard_ms),
        "dashboard_latency_ms": _p50_p99(dashboard_ms),
        "dashboard_write_latency_ms": _p50_p99(write_ms),
        "requests_per_second": round(sum(statuses.values()) / elapsed, 1),
        "events_expected": sum(part["expected"] for part in parts),
        "events_received": sum(part["received"] for part in parts),
        "lost_events": lost,
        "duplicate_events": sum(part["duplicates"] for part in parts),
        "users_with_out_of_order_events": sum(part["out_of_order"] for part in parts),
        "stream_breaks": sum(part["stream_breaks"] for part in parts),
        "streams_not_connected_at_start": sum(part["streams_not_connected"] for part in parts),
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "server_errors": server_errors,
        "failures": dict(failures),
        "generator": {
            "processes": len(shares),
            "cpu_seconds": round(sum(part["cpu_seconds"] for part in parts), 1),
            "busiest_process_cpu_share": round(
                max(part["cpu_seconds"] for part in parts) / (elapsed + DRAIN_SECONDS), 2
            ),
        },
        # CPU over the level and its drain, as a share of one core (2.0 = both cores busy).
        "stack_cpu_cores": {
            name: round((cpu_after[name][0] - cpu_before.get(name, (0.0, 0.0))[0]) / wall, 2)
            for name in cpu_after
        },
        # Time the processes were ready to run but waited for a CPU, per second of CPU they
        # got: above 1, other programs on the machine, not the work, set the latencies.
        "stack_run_queue_wait_per_cpu_second": {
            name: round(
                (cpu_after[name][1] - cpu_before.get(name, (0.0, 0.0))[1])
                / max(1e-9, cpu_after[name][0] - cpu_before.get(name, (0.0, 0.0))[0]),
                2,
            )
            for name in cpu_after
        },
    }
    # CPU per answered request (a chat turn counts as one), over the level and its drain:
    # what each request costs whatever the machine's other load, unlike the latencies.
    requests = sum(statuses.values()) or 1
    figures["stack_cpu_ms_per_request"] = {
        name: round((cpu_after[name][0] - cpu_before.get(name, (0.0, 0.0))[0]) * 1000 / requests, 2)
        for name in cpu_after
    }
    figures["generator_cpu_ms_per_request"] = round(
        figures["generator"]["cpu_seconds"] * 1000 / requests, 2
    )
    figures["meets_targets"] = _meets_targets(figures)
    return figures


def _p50_p99(values: list[float]) -> dict[str, float | None]:
    return {
        "p50": _rounded(percentile(values, 50)),
        "p99": _rounded(percentile(values, 99)),
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _meets_targets(figures: dict[str, Any]) -> bool:
    turn_p99 = figures["turn_latency_ms"]["p99"]
    dashboard_p99 = figures["dashboard_latency_ms"]["p99"]
    return (
        turn_p99 is not None
        and turn_p99 < TURN_P99_TARGET_MS
        and dashboard_p99 is not None
        and dashboard_p99 < DASHBOARD_P99_TARGET_MS
        and figures["server_errors"] == 0
        and figures["lost_events"] == 0
        and figures["duplicate_events"] == 0
    )


def search_capacity(
    run_level: Any, measured: dict[int, dict[str, Any]], max_users: int, resolution: int
) -> int:
    """The largest number of users that meets the targets, by doubling then bisection."""
    passing = [users for users, figures in measured.items() if figures["meets_targets"]]
    failing = [users for users, figures in measured.items() if not figures["meets_targets"]]
    low = max(passing, default=0)
    high = min((users for users in failing if users > low), default=None)
    while high is None:
        probe = min(max(low * 2, resolution), max_users)
        if probe <= low:
            return low
        figures = run_level(probe)
        measured[probe] = figures
        if figures["meets_targets"]:
            low = probe
            if probe == max_users:
                return low
        else:
            high = probe
    while high - low > resolution:
        probe = (low + high) // 2
        figures = run_level(probe)
        measured[probe] = figures
        if figures["meets_targets"]:
            low = probe
        else:
            high = probe
    return low


def main() -> None:
    """Parse arguments, run, write the JSON result, exit non-zero when a promise broke."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--users", type=int, nargs="+", default=[100])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between actions")
    parser.add_argument(
        "--processes", type=int, default=2, help="generator processes the users are split over"
    )
    parser.add_argument("--capacity", action="store_true", help="search the capacity too")
    parser.add_argument("--probe-duration", type=float, default=30.0)
    parser.add_argument("--max-users", type=int, default=600)
    parser.add_argument("--resolution", type=int, default=25, help="capacity search step")
    parser.add_argument("--output", type=Path, default=RESULT_PATH)
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/")
    if urlsplit(base_url).hostname not in LOOPBACK:
        raise SystemExit("the load generator only targets loopback addresses")
    most = max(max(args.users), args.max_users if args.capacity else 0)
    accounts = [
        Account(f"load-{secrets.token_hex(8)}@example.com", secrets.token_urlsafe(18))
        for _ in range(most)
    ]

    def run_level(users: int, duration: float) -> dict[str, Any]:
        figures = measure(base_url, accounts, users, duration, args.think, args.processes)
        print(json.dumps({k: figures[k] for k in _SUMMARY}), flush=True)
        return figures

    levels = {users: run_level(users, args.duration) for users in sorted(set(args.users))}
    probes: dict[int, dict[str, Any]] = dict(levels)
    capacity = (
        search_capacity(
            lambda users: run_level(users, args.probe_duration),
            probes,
            args.max_users,
            args.resolution,
        )
        if args.capacity
        else None
    )
    result = {
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "target": base_url,
        "cpus": os.cpu_count(),
        "think_seconds": args.think,
        "targets": {
            "turn_p99_ms": TURN_P99_TARGET_MS,
            "dashboard_p99_ms": DASHBOARD_P99_TARGET_MS,
            "server_errors": 0,
            "lost_events": 0,
        },
        "capacity_users": capacity,
        "capacity_resolution_users": args.resolution if args.capacity else None,
        "levels": {str(users): figures for users, figures in levels.items()},
        "capacity_probes": {
            str(users): {k: figures[k] for k in _SUMMARY}
            for users, figures in sorted(probes.items())
            if users not in levels
        },
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if any(
        figures["server_errors"] or figures["lost_events"] or figures["duplicate_events"]
        for figures in levels.values()
    ):
        raise SystemExit(1)


_SUMMARY = (
    "users",
    "duration_seconds",
    "load_average_before",
    "turns_per_second",
    "turn_latency_ms",
    "dashboard_latency_ms",
    "server_errors",
    "lost_events",
    "generator",
    "stack_cpu_cores",
    "stack_run_queue_wait_per_cpu_second",
    "meets_targets",
)


if __name__ == "__main__":
    main()
