"""Benchmark of the offline local model.

    uv run --frozen python bench/local_model_bench.py [intents.jsonl]

1. Decision time: one model step (read the input items, understand the message, choose the
   tool call or reply) for every message of the given labelled file, or of built-in sentences.
2. A whole agent turn with one in-process function tool (call, tool output, reply), run with
   the local model and with a trivial scripted model in the same process; the difference is
   what the local model adds to a turn.
3. Memory: the resident set size a fresh process gains by importing the local model, loading
   its classifier weights and deciding once (measured after the Agents SDK is imported, as
   it is in the gateway), and the time that first load takes.

Writes bench/results/local_model.json.
"""

from __future__ import annotations

import asyncio
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from agents import Agent, RunConfig, Runner, Tool, function_tool, set_tracing_disabled
from agents.items import TResponseInputItem
from agents.testing import ScriptedModel, assistant_message
from agents.testing import function_call as scripted_call
from local_model import LocalModel

RESULTS = Path(__file__).parent / "results" / "local_model.json"
INSTRUCTIONS = "Manage tasks.\nCurrent local time: 2027-03-10T09:30:00+01:00 (Europe/Paris)"
BUILT_IN = [
    "add a task: delete the spam folder",
    "remind me to ring the garage tmrw morning",
    "Add a high priority task to sign the lease",
    "put 'sort the recycling' on my list for saturday",
    "what's on my plate",
    "which of my tasks are late?",
    "search for anything about the passport",
    "mark 'wash the car' as finished",
    "I'm done with the tax forms",
    "uncheck walk the dog",
    "please get rid of the dentist task",
    "rename walk the dog to walk the dogs",
    "postpone the report until monday",
    "wipe all the completed stuff",
    "hmm no, revert that",
    "what are you able to do?",
    "good morning :)",
]
DECISION_REPEATS = 20
TURN_RUNS = 300


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _conversations(path: Path | None) -> list[list[TResponseInputItem]]:
    if path is None:
        return [[{"role": "user", "content": text}] for text in BUILT_IN]
    conversations = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            line = json.loads(raw)
            conversations.append(
                [{"role": m["role"], "content": m["content"]} for m in line["messages"]]
            )
    return conversations  # type: ignore[return-value]


def _tools() -> list[Tool]:
    @function_tool
    def add_task(title: str, due_date: str | None = None, priority: str = "normal") -> str:
        """Add a task."""
        task: dict[str, Any] = {
            "id": "7d1f0c1e-0000-4000-8000-000000000001",
            "title": title,
            "description": "",
            "due_date": due_date,
            "priority": priority,
            "tags": [],
            "completed": False,
        }
        return json.dumps({"task": task})

    @function_tool
    def list_tasks(status: str = "pending", query: str | None = None) -> str:
        """List tasks."""
        return json.dumps({"tasks": [], "next_cursor": None})

    return [add_task, list_tasks]


def decision_times(conversations: list[list[TResponseInputItem]]) -> list[float]:
    """Milliseconds per model step, each conversation timed DECISION_REPEATS times."""
    model = LocalModel()
    tools = _tools()
    for conversation in conversations:
        model.respond(INSTRUCTIONS, conversation, tools)
    times = []
    for _ in range(DECISION_REPEATS):
        for conversation in conversations:
            start = time.perf_counter()
            model.respond(INSTRUCTIONS, conversation, tools)
            times.append((time.perf_counter() - start) * 1000)
    return times


async def _turn(model_factory: Any, tools: list[Tool]) -> float:
    agent = Agent(name="assistant", instructions=INSTRUCTIONS, model=model_factory(), tools=tools)
    start = time.perf_counter()
    result = await Runner.run(
        agent, "add buy milk tomorrow", run_config=RunConfig(tracing_disabled=True)
    )
    elapsed = (time.perf_counter() - start) * 1000
    if "Buy milk" not in str(result.final_output):
        raise RuntimeError(f"unexpected turn result: {result.final_output!r}")
    return elapsed


_SCRIPTED_ARGS = {"title": "Buy milk", "due_date": "2027-03-11"}


def _scripted() -> ScriptedModel:
    return ScriptedModel(
        [
            [
                scripted_call(
                    "add_task", {"title": "Buy milk", "due_date": "2027-03-11"}, call_id="1"
                )
            ],
            [assistant_message("Created task 'Buy milk' due tomorrow.")],
        ]
    )


async def turn_times() -> dict[str, list[float]]:
    """Milliseconds per whole turn, local model and scripted model interleaved."""
    tools = _tools()
    runs: dict[str, list[float]] = {"local": [], "scripted": []}
    for _ in range(20):
        await _turn(LocalModel, tools)
        await _turn(_scripted, tools)
    for _ in range(TURN_RUNS):
        runs["local"].append(await _turn(LocalModel, tools))
        runs["scripted"].append(await _turn(_scripted, tools))
    return runs


_MEMORY_PROBE = """
import json, time
def rss_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
import agents, openai
before = rss_kb()
start = time.perf_counter()
from local_model import LocalModel
from local_model.classifier import load_model
load_model()
LocalModel().respond(None, "remind me to call the bank tomorrow", [])
print(json.dumps({"rss_growth_mb": round((rss_kb() - before) / 1024, 1),
                  "first_load_ms": round((time.perf_counter() - start) * 1000, 1)}))
"""


def memory() -> dict[str, float]:
    """RSS growth (MB) and first-load time (ms) of the local model in a fresh process."""
    output = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values), 4),
        "p99_ms": round(_percentile(values, 0.99), 4),
        "mean_ms": round(statistics.fmean(values), 4),
    }


def main() -> int:
    """Run both measurements, print and write the results."""
    set_tracing_disabled(True)
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    conversations = _conversations(path)
    decisions = decision_times(conversations)
    turns = asyncio.run(turn_times())
    local, scripted = _summary(turns["local"]), _summary(turns["scripted"])
    result = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "messages": {"source": path.name if path else "built-in", "count": len(conversations)},
        "decision": {
            **_summary(decisions),
            "samples": len(decisions),
            "target_median_ms": 2.0,
            "target_p99_ms": 10.0,
        },
        "memory": {**memory(), "target_rss_growth_mb": 50.0},
        "turn_one_tool_call": {
            "runs": TURN_RUNS,
            "local_model": local,
            "scripted_model": scripted,
            "added_by_local_model_median_ms": round(local["median_ms"] - scripted["median_ms"], 4),
            "target_added_ms": 5.0,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
