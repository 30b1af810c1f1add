"""chat-gateway: this checkout's gateway against another's on the HTTP model path, interleaved.

Two chat-gateway processes with the same provider (openai or openai_compatible), one run by
this checkout's Python and one by ``--other`` (the Python of another checkout's environment,
e.g. a worktree of main: /path/to/worktree/.venv/bin/python), share one auth, one mcp-tasks
and the scripted model server, as in http_model_bench.py. One user per gateway sends text and
tool turns; the gateways take turns, in alternating order, so that whatever else the machine
does weighs on both alike. Per turn: the overhead (the turn's time minus the model server's
own) and the gateway's CPU time from /proc/<pid>/schedstat (nanoseconds, all threads; the
10 ms ticks of /proc/<pid>/stat are too coarse to tell a few per cent apart). Prints p50 and
means for both and their ratios (this checkout / other).

    uv run --frozen python bench/http_model_ab.py --other ../main/.venv/bin/python [--turns 100]
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
from pathlib import Path

import http_model_bench
import httpx
from chat_turn_bench import KEY_ID, POSTGRES, REDIS_URL, SECRET
from chat_turns import register, signing_key
from http_model_bench import Side, one_turn

# http_model_bench put the gateway's tests on the path.
from model_server import ModelServer  # type: ignore[import-not-found]
from service_processes import LOGS, ServiceProcess, ensure_database, migrate, start, uvicorn_app

KINDS = ("text", "tool")


def scheduled_cpu_ms(pid: int) -> float:
    """CPU time all threads of process ``pid`` have run so far, in ms (ns precision)."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return sum(int((task / "schedstat").read_text().split()[0]) for task in tasks) / 1e6


def _gateway_command(python: str) -> list[str]:
    return [python, "-m", "uvicorn", "chat_gateway.main:create_app", "--factory"]


async def main(other: str, provider: str, turns: int) -> None:
    http_model_bench.cpu_ms = scheduled_cpu_ms
    auth_db = await ensure_database("http_model_bench_auth", POSTGRES)
    tasks_db = await ensure_database("http_model_bench_tasks", POSTGRES)
    gateway_db = await ensure_database("http_model_bench_gateway", POSTGRES)
    migrate("auth", auth_db)
    migrate("mcp-tasks", tasks_db)
    migrate("chat-gateway", gateway_db)
    common = {"ENVIRONMENT": "test", "REDIS_URL": REDIS_URL, "OPENAI_AGENTS_DISABLE_TRACING": "1"}
    model = ModelServer().start()
    processes: list[ServiceProcess] = []
    try:
        auth_env = {
            "DATABASE_URL": auth_db,
            "AUTH_SIGNING_KEY": signing_key(),
            "AUTH_SIGNING_KEY_ID": "b",
        }
        auth = start(
            uvicorn_app("auth_service.main:create_app"), common | auth_env, LOGS / "auth.log"
        )
        processes.append(auth)
        tasks_env = {
            "DATABASE_URL": tasks_db,
            "MCP_TASKS_IDENTITY_KEYS": json.dumps({KEY_ID: SECRET}),
        }
        tasks = start(
            uvicorn_app("mcp_tasks.main:create_app"), common | tasks_env, LOGS / "mcp-tasks.log"
        )
        processes.append(tasks)
        gateway_env = common | {
            "DATABASE_URL": gateway_db,
            "CHAT_GATEWAY_LOG_LEVEL": "WARNING",
            "CHAT_GATEWAY_IDENTITY_KEY_ID": KEY_ID,
            "CHAT_GATEWAY_IDENTITY_SECRET": SECRET,
            "CHAT_GATEWAY_MCP_TASKS_URL": tasks.url,
            "CHAT_GATEWAY_JWKS_URL": auth.url + "/.well-known/jwks.json",
            "CHAT_GATEWAY_CHAT_TURNS_PER_MINUTE": "100000",
            "CHAT_GATEWAY_MODEL_PROVIDER": provider,
            "CHAT_GATEWAY_MODEL_BASE_URL": model.base_url,
            "CHAT_GATEWAY_MODEL_NAME": "scripted-model",
            "CHAT_GATEWAY_OPENAI_API_KEY": "sk-bench",
        }
        gateways = {
            name: start(_gateway_command(python), gateway_env, LOGS / f"chat-gateway-ab-{name}.log")
            for name, python in (("this", sys.executable), ("other", other))
        }
        processes.extend(gateways.values())
        tokens = await register(auth.url, len(gateways))
        sides = [
            Side(name, gateway.url, token, gateway.process.pid)
            for (name, gateway), token in zip(gateways.items(), tokens, strict=True)
        ]
        async with httpx.AsyncClient(timeout=60) as client:
            for n in range(5):
                for side in sides:
                    for kind in KINDS:
                        await one_turn(client, side, kind, model, n)
            for side in sides:
                side.total, side.model = {"text": [], "tool": []}, {"text": [], "tool": []}
                side.tools, side.cpu = {"text": [], "tool": []}, {"text": [], "tool": []}
            for n in range(turns):
                for side in sides if n % 2 == 0 else sides[::-1]:
                    for kind in KINDS:
                        await one_turn(client, side, kind, model, 100 + n)
    finally:
        model.stop()
        for service in processes:
            service.stop()
    report(sides, provider)


def report(sides: list[Side], provider: str) -> None:
    """Print p50 overhead and mean CPU per kind for both gateways, and their ratios."""
    measured: dict[str, dict[str, tuple[float, float]]] = {}
    for side in sides:
        if side.errors:
            raise SystemExit(f"{side.name}: {side.errors} turns failed: {side.first_error}")
        measured[side.name] = {
            kind: (
                statistics.median(
                    t - m for t, m in zip(side.total[kind], side.model[kind], strict=True)
                ),
                statistics.fmean(side.cpu[kind]),
            )
            for kind in KINDS
        }
    print(f"{provider}, load average {os.getloadavg()[0]:.2f}; this / other:")
    for kind in KINDS:
        (this_p50, this_cpu), (other_p50, other_cpu) = (
            measured["this"][kind],
            measured["other"][kind],
        )
        print(
            f"{kind}: overhead p50 {this_p50:.2f} / {other_p50:.2f} ms"
            f" ({this_p50 / other_p50:.3f}), CPU {this_cpu:.2f} / {other_cpu:.2f} ms"
            f" ({this_cpu / other_cpu:.3f})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--other", required=True, help="the Python of the other checkout")
    parser.add_argument("--provider", choices=("openai", "openai_compatible"), default="openai")
    parser.add_argument("--turns", type=int, default=100, help="turns per kind and gateway")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.other, arguments.provider, arguments.turns))
