"""chat-gateway: what a turn costs on the HTTP model path, apart from the model server itself.

auth, mcp-tasks and four chat-gateway processes run as uvicorn subprocesses: one with
CHAT_GATEWAY_MODEL_PROVIDER=openai (Responses API), one with openai_compatible (Chat
Completions), both against the scripted model server of the gateway's tests
(services/chat-gateway/tests/model_server.py, served in a thread of this process over real
HTTP), one with the offline local model as the baseline, and an openai one that runs the
openai client's own request transform on every request (the code path before
chat/plain_request_bodies.py) as the old-path baseline. One user sends turns one after
another, on threads of at most 10 turns:

- text: the model answers one sentence (one model request);
- tool: the model calls add_task, then answers (two model requests, one MCP call).

Per turn: the time from sending the request to the last streamed byte, minus the model
server's own time for that turn's requests (from reading each request to writing its last
byte), is the gateway's overhead: authentication, the store, history, the openai client, the
Agents SDK, widgets, SSE and, for tool turns, the MCP call to mcp-tasks (reported apart, from
the gateway's tool-call histogram). Beside the wall times, the gateway process's CPU time
during each turn (from /proc, 10 ms ticks: read as a mean) is less swayed by what else the
machine runs. Providers and the baselines are measured in alternating rounds. Target:
overhead p50 under 15 ms.

Writes bench/results/http_model.json. Needs PostgreSQL (BENCH_DATABASE_URL names the server,
the local one by default) and Redis.

    uv run --frozen python bench/http_model_bench.py [--turns 60]
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from chat_turns import register, send_turn
from http_model_stack import http_model_stack

# http_model_stack put the gateway's tests on the path.
from model_server import ModelServer, call, say  # type: ignore[import-not-found]
from service_processes import LOGS, ServiceProcess, uvicorn_app

RESULT = Path(__file__).parent / "results" / "http_model.json"
TARGET_P50_MS = 15.0
TURNS_PER_THREAD = 10
PROVIDERS = ("openai", "openai_compatible")
# Titles the local model adds without asking back (numbered titles make it ask).
TITLES = (
    "buy milk",
    "call mom",
    "water the plants",
    "pay rent",
    "book a dentist appointment",
    "renew the passport",
    "clean the garage",
    "send the invoice",
    "fix the bike",
)
# The openai gateway as it was before it skipped the client library's request transform.
LIBRARY_TRANSFORM = "openai_library_transform"
_WITHOUT_SKIP = (
    "import runpy, sys\n"
    "from chat_gateway.chat import plain_request_bodies\n"
    "plain_request_bodies.skip_needless_transforms = lambda: None\n"
    "sys.argv = ['uvicorn', 'chat_gateway.main:create_app', '--factory', *sys.argv[1:]]\n"
    "runpy.run_module('uvicorn', run_name='__main__')\n"
)
_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


@dataclass
class Side:
    """One gateway and what was measured on it."""

    name: str
    url: str
    token: str
    pid: int
    thread: str | None = None
    turns_on_thread: int = 0
    total: dict[str, list[float]] = field(default_factory=lambda: {"text": [], "tool": []})
    model: dict[str, list[float]] = field(default_factory=lambda: {"text": [], "tool": []})
    tools: dict[str, list[float]] = field(default_factory=lambda: {"text": [], "tool": []})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {"text": [], "tool": []})
    errors: int = 0
    first_error: str | None = None


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p90": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))], 2),
        "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


def load_average() -> dict[str, float]:
    one, five, fifteen = os.getloadavg()
    return {"1m": round(one, 2), "5m": round(five, 2), "15m": round(fifteen, 2)}


async def tool_seconds(client: httpx.AsyncClient, url: str) -> float:
    """The sum of the gateway's tool-call histogram (all tools), in seconds."""
    metrics = (await client.get(url + "/metrics")).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("chat_gateway_tool_call_seconds_sum")
    )


def cpu_ms(pid: int) -> float:
    """CPU time (user + system) process ``pid`` has used so far, in ms (10 ms ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * _TICK_MS


async def one_turn(
    client: httpx.AsyncClient, side: Side, kind: str, model: ModelServer, n: int
) -> None:
    if kind == "text":
        model.play(say("You have a few tasks; ask me to list them."))
        text = "how are things?" if side.name != "local" else "hello"
    else:
        title = TITLES[n % len(TITLES)]
        model.play(call("add_task", title=title), say("Added the task."))
        text = f"add {title}"
    if side.turns_on_thread >= TURNS_PER_THREAD:
        side.thread, side.turns_on_thread = None, 0
    tools_before = await tool_seconds(client, side.url)
    cpu_before = cpu_ms(side.pid)
    turn = await send_turn(
        client, side.url + "/api/v1/chatkit", side.thread, text, token=side.token
    )
    cpu = cpu_ms(side.pid) - cpu_before
    total = turn.total_ms
    tools = (await tool_seconds(client, side.url) - tools_before) * 1000
    ok = turn.ok
    if kind == "tool":
        ok = ok and '"task_card"' in turn.body
    if side.name != "local":
        ok = ok and model.left() == 0
    side.thread = turn.thread_id
    side.turns_on_thread += 1
    if not ok:
        side.errors += 1
        side.first_error = side.first_error or f"{turn.status} {turn.body[-600:]}"
        return
    model_ms = sum(served.seconds for served in model.served) * 1000 if side.name != "local" else 0
    side.total[kind].append(total)
    side.model[kind].append(model_ms)
    side.tools[kind].append(tools)
    side.cpu[kind].append(cpu)


def side_result(side: Side) -> dict[str, Any]:
    result: dict[str, Any] = {"errors": side.errors, "first_error": side.first_error}
    if side.errors:
        print(side.name, side.errors, side.first_error, file=sys.stderr)
    for kind in ("text", "tool"):
        total, model, tools = side.total[kind], side.model[kind], side.tools[kind]
        overhead = [t - m for t, m in zip(total, model, strict=True)]
        result[kind] = {
            "turns": len(total),
            "turn_ms": summary(total),
            "model_server_ms": summary(model),
            "overhead_ms": summary(overhead),
            "mcp_tool_calls_ms": summary(tools),
            "overhead_without_mcp_ms": summary(
                [o - t for o, t in zip(overhead, tools, strict=True)]
            ),
            "gateway_cpu_ms_per_turn_mean": round(statistics.fmean(side.cpu[kind]), 2),
        }
    return result


async def main(turns: int, warmup: int, rounds: int, note: str | None) -> None:
    load_at_start = load_average()
    async with http_model_stack() as stack:
        gateways: dict[str, ServiceProcess] = {}
        for name in (*PROVIDERS, "local", LIBRARY_TRANSFORM):
            provider = "openai" if name == LIBRARY_TRANSFORM else name
            command = uvicorn_app("chat_gateway.main:create_app")
            if name == LIBRARY_TRANSFORM:
                command = [sys.executable, "-c", _WITHOUT_SKIP]
            gateways[name] = stack.start_gateway(
                command, stack.model_env(provider), LOGS / f"chat-gateway-{name}.log"
            )
        tokens = await register(stack.auth.url, len(gateways))
        sides = [
            Side(name, gateway.url, token, gateway.process.pid)
            for (name, gateway), token in zip(gateways.items(), tokens, strict=True)
        ]
        model = stack.model
        async with httpx.AsyncClient(timeout=60) as client:
            for side in sides:
                for n in range(warmup):
                    for kind in ("text", "tool"):
                        await one_turn(client, side, kind, model, n)
                side.total = {"text": [], "tool": []}
                side.model = {"text": [], "tool": []}
                side.tools = {"text": [], "tool": []}
                side.cpu = {"text": [], "tool": []}
                side.errors = 0
            for round_ in range(rounds):
                for side in sides:
                    for n in range(turns // rounds):
                        for kind in ("text", "tool"):
                            await one_turn(client, side, kind, model, round_ * 1000 + n)
    measured = {side.name: side_result(side) for side in sides}
    local = measured["local"]
    result = {
        "benchmark": "http_model",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": {"start": load_at_start, "end": load_average()},
        },
        "note": note,
        "setup": {
            "turns_per_kind_and_gateway": turns,
            "warmup_turns": warmup,
            "alternating_rounds": rounds,
            "turns_per_thread": TURNS_PER_THREAD,
            "model_server": "scripted, served by this process (tests/model_server.py)",
            "baseline": "the same gateway with the offline local model (no HTTP model)",
            LIBRARY_TRANSFORM: (
                "the openai gateway with the client library's request transform on every"
                " request (the code before it was skipped)"
            ),
            "gateway_cpu": "user+system CPU of the gateway process during each turn, /proc ticks",
        },
        "providers": measured,
        "overhead_to_local_turn_p50": {
            provider: {
                kind: round(
                    measured[provider][kind]["overhead_ms"]["p50"] / local[kind]["turn_ms"]["p50"],
                    2,
                )
                for kind in ("text", "tool")
            }
            for provider in PROVIDERS
        },
        "skipped_transform_to_library_transform": {
            kind: {
                "overhead_p50": round(
                    measured["openai"][kind]["overhead_ms"]["p50"]
                    / measured[LIBRARY_TRANSFORM][kind]["overhead_ms"]["p50"],
                    2,
                ),
                "gateway_cpu_per_turn": round(
                    measured["openai"][kind]["gateway_cpu_ms_per_turn_mean"]
                    / measured[LIBRARY_TRANSFORM][kind]["gateway_cpu_ms_per_turn_mean"],
                    2,
                ),
            }
            for kind in ("text", "tool")
        },
        "target": {
            "overhead_p50_ms": TARGET_P50_MS,
            "met": {
                provider: {
                    kind: measured[provider][kind]["overhead_ms"]["p50"] < TARGET_P50_MS
                    for kind in ("text", "tool")
                }
                for provider in PROVIDERS
            },
        },
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--turns", type=int, default=60, help="turns per kind and gateway")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--note", default=None)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.turns, arguments.warmup, arguments.rounds, arguments.note))
