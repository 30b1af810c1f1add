"""Fixtures: servicekit's tool-service kit (the migrated test database, the app in process,
signed HTTP and MCP clients) pointed at mcp-tasks, and a real uvicorn server on a free port."""

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from mcp_tasks.config import Settings
from mcp_tasks.main import create_app
from mcp_tasks.server import build_server
from servicekit.testkit.clients import REDIS_URL, TEST_KEY_ID, TEST_SECRET, free_port
from servicekit.testkit.under_test import ToolServiceUnderTest

# The tests import LiveServer from here (pytest's importlib mode puts no test folder on the path).
sys.path.insert(0, str(Path(__file__).parent))

pytest_plugins = ["servicekit.testkit.plugin"]


@pytest.fixture(scope="session")
def tool_service() -> ToolServiceUnderTest:
    return ToolServiceUnderTest(
        name="mcp-tasks",
        port=8002,
        settings=Settings,
        create_app=create_app,
        build_server=build_server,
        service_dir=Path(__file__).resolve().parents[1],
        records_table="tasks",
        events_table="task_events",
    )


@dataclass(frozen=True)
class LiveServer:
    """A uvicorn process serving the app."""

    base_url: str
    process: "subprocess.Popen[str]"


@pytest.fixture(scope="session")
def live_server(database_url: str) -> Iterator[LiveServer]:
    """uvicorn running ``mcp_tasks.main:create_app`` on a free port, as operators run it."""
    port = free_port()
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "MCP_TASKS_DATABASE_URL": database_url,
        "MCP_TASKS_REDIS_URL": REDIS_URL,
        "MCP_TASKS_IDENTITY_KEYS": json.dumps({TEST_KEY_ID: TEST_SECRET}),
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "mcp_tasks.main:create_app", "--factory"),
            *("--host", "127.0.0.1", "--port", str(port)),
        ],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    started = False
    for line in process.stderr:
        if "Application startup complete" in line:
            started = True
            break
    if not started:
        process.kill()
        pytest.fail(f"uvicorn did not start (exit code {process.wait()})")
    stream = process.stderr
    drain = threading.Thread(target=stream.read, daemon=True)
    drain.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", process)
    finally:
        process.terminate()
        process.wait(timeout=10)
        drain.join(timeout=10)
        stream.close()
