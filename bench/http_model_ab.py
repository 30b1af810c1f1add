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
import os
import statistics
import sys
from pathlib import Path

import http_model_bench
import httpx
from chat_turns import register
from http_model_bench import Side, one_turn
from http_model_stack import http_model_stack
from service_processes import LOGS

KINDS = ("text", "tool")


def scheduled_cpu_ms(pid: int) -> float:
    """CPU time all threads of process ``pid`` have run so far, in ms (ns precision)."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return sum(int((task / "schedstat").read_text().split()[0]) for task in tasks) / 1e6


def _gateway_command(python: str) -> list[str]:
    return [python, "-m", "uvicorn", "chat_gateway.main:create_app", "--factory"]


async def main(other: str, provider: str, turns: int) -> None:
    http_model_bench.cpu_ms = scheduled_cpu_ms
    async with http_model_stack() as stack:
        gateways = {
            name: stack.start_gateway(
                _gateway_command(python),
                stack.model_env(provider),
                LOGS / f"chat-gateway-ab-{name}.log",
            )
            for name, python in (("this", sys.executable), ("other", other))
        }
        tokens = await register(stack.auth.url, len(gateways))
        sides = [
            Side(name, gateway.url, token, gateway.process.pid)
            for (name, gateway), token in zip(gateways.items(), tokens, strict=True)
        ]
        async with httpx.AsyncClient(timeout=60) as client:
            for n in range(5):
                for side in sides:
                    for kind in KINDS:
                        await one_turn(client, side, kind, stack.model, n)
            for side in sides:
                side.total, side.model = {"text": [], "tool": []}, {"text": [], "tool": []}
                side.tools, side.cpu = {"text": [], "tool": []}, {"text": [], "tool": []}
            for n in range(turns):
                for side in sides if n % 2 == 0 else sides[::-1]:
                    for kind in KINDS:
                        await one_turn(client, side, kind, stack.model, 100 + n)
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
