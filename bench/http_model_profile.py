"""chat-gateway: where the CPU of a turn on the HTTP model path goes, by phase.

Starts auth, mcp-tasks and one chat-gateway (CHAT_GATEWAY_MODEL_PROVIDER=openai, or
openai_compatible) against the scripted model server, as http_model_bench.py does, with the
gateway under cProfile on the CPU clock. After a few warm-up turns the profile is switched on
(SIGUSR1), one user sends ``--turns`` turns of one kind (text: one model request; tool: add_task
over MCP, then the answer), and the profile is written (SIGUSR2) and summed by phase, in ms
per turn. cProfile inflates call-heavy code, so compare phases and runs of this tool with each
other, not with http_model_bench.py's unprofiled times. The /metrics scrapes the turns make
to read the tool-call histogram are left out.

    uv run --frozen python bench/http_model_profile.py --kind text --turns 40 [--out turns.prof]
"""

import argparse
import asyncio
import pstats
import re
import signal
import sys
from pathlib import Path

import httpx
from chat_turns import register
from http_model_bench import Side, one_turn
from http_model_stack import http_model_stack
from service_processes import LOGS

_PROFILED_GATEWAY = (
    "import cProfile, os, runpy, signal, sys, time\n"
    "profile = cProfile.Profile(time.process_time)\n"
    "def dump(*_):\n"
    "    profile.disable()\n"
    "    profile.dump_stats(os.environ['PROFILE_OUT'])\n"
    "signal.signal(signal.SIGUSR1, lambda *_: profile.enable())\n"
    "signal.signal(signal.SIGUSR2, dump)\n"
    "sys.argv = ['uvicorn', 'chat_gateway.main:create_app', '--factory', *sys.argv[1:]]\n"
    "runpy.run_module('uvicorn', run_name='__main__')\n"
)
# (phase, function pattern, caller pattern or None): the cumulative CPU of the functions named.
PHASES: tuple[tuple[str, str, str | None], ...] = (
    (
        "authentication and dependencies",
        r"fastapi/dependencies/utils\.py:\d+\(solve_dependencies",
        r"fastapi/routing\.py",
    ),
    (
        "request checks (parse, limits, rate limit, history read)",
        r"request_checks\.py:\d+\(check_request|request_checks\.py:\d+\(_count_request|server\.py:\d+\(prefetch_history",
        None,
    ),
    (
        "streamed response: ChatKit, respond, SSE (without the run loop)",
        r"anyio/_core/_tasks\.py:\d+\(_run_coro",
        None,
    ),
    (
        "  Runner.run_streamed setting up a run",
        r"agents/run\.py:\d+\(run_streamed",
        r"chat_gateway/chat/server\.py",
    ),
    (
        "  store writes (items, thread)",
        r"chat/store\.py:\d+\((add_thread_item|save_thread)",
        r"chatkit/server\.py",
    ),
    ("  SSE serialisation", r"chatkit/server\.py:\d+\(_serialize", None),
    (
        "Agents SDK run loop (its own task)",
        r"agents/exceptions\.py:\d+\(_await_data_redacted_error_boundary",
        None,
    ),
    (
        "  the SDK building a Responses request",
        r"openai_responses\.py:\d+\(_build_response_create_kwargs",
        None,
    ),
    (
        "  the openai client sending a request",
        r"responses/responses\.py:\d+\(create|completions/completions\.py:\d+\(create",
        None,
    ),
    (
        "    its body check (plain_request_bodies)",
        r"plain_request_bodies\.py:\d+\(transform_request_body",
        None,
    ),
    ("  reading a Responses stream", r"openai_responses\.py:\d+\(__anext__", None),
    (
        "tool calls (the SDK's tool execution and the MCP call)",
        r"tool_execution\.py:\d+\((_invoke_tool_and_run_post_invoke|_run_single_tool|execute_function_tool_calls)",
        None,
    ),
)
_METRICS = r"servicekit/metrics\.py:\d+\(metrics"


def _name(function: tuple[str, int, str]) -> str:
    path = re.sub(r".*(site-packages|/src)/", "", function[0])
    return f"{path}:{function[1]}({function[2]})"


def phase_table(profile: Path, turns: int) -> list[tuple[str, float]]:
    """ms of CPU per turn: the whole profile without the /metrics scrapes, then each phase."""
    stats = pstats.Stats(str(profile)).stats  # type: ignore[attr-defined]  # pstats keeps its table here
    named = {_name(function): entry for function, entry in stats.items()}

    def cumulative(pattern: str, caller: str | None) -> float:
        total = 0.0
        for name, (_, _, _, cumtime, callers) in named.items():
            if not re.search(pattern, name):
                continue
            if caller is None:
                total += cumtime
                continue
            total += sum(
                timing[3]
                for function, timing in callers.items()
                if re.search(caller, _name(function))
            )
        return total * 1000 / turns

    everything = sum(entry[2] for entry in named.values()) * 1000 / turns
    rows = [("all CPU of the turns", everything - cumulative(_METRICS, None))]
    rows += [(label, cumulative(pattern, caller)) for label, pattern, caller in PHASES]
    return rows


async def main(kind: str, turns: int, provider: str, out: Path) -> None:
    async with http_model_stack() as stack:
        command = [sys.executable, "-c", _PROFILED_GATEWAY]
        env = stack.model_env(provider) | {"PROFILE_OUT": str(out)}
        gateway = stack.start_gateway(command, env, LOGS / "chat-gateway-profiled.log")
        [token] = await register(stack.auth.url, 1)
        side = Side(provider, gateway.url, token, gateway.process.pid)
        async with httpx.AsyncClient(timeout=60) as client:
            for n in range(5):
                await one_turn(client, side, kind, stack.model, n)
            gateway.process.send_signal(signal.SIGUSR1)
            await asyncio.sleep(0.2)
            for n in range(turns):
                await one_turn(client, side, kind, stack.model, 100 + n)
            # The handler writes the profile before the gateway's SIGTERM handler runs.
            gateway.process.send_signal(signal.SIGUSR2)
            await asyncio.sleep(1)
    if side.errors:
        raise SystemExit(f"{side.errors} turns failed: {side.first_error}")
    print(f"{provider} {kind} turns, {turns} profiled, CPU ms per turn (cProfile, CPU clock)")
    for label, milliseconds in phase_table(out, turns):
        print(f"{milliseconds:8.2f}  {label}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kind", choices=("text", "tool"), default="text")
    parser.add_argument("--turns", type=int, default=40)
    parser.add_argument("--provider", choices=("openai", "openai_compatible"), default="openai")
    parser.add_argument("--out", type=Path, default=LOGS / "http_model_turns.prof")
    arguments = parser.parse_args()
    arguments.out.unlink(missing_ok=True)
    out = arguments.out.resolve()
    asyncio.run(main(arguments.kind, arguments.turns, arguments.provider, out))
