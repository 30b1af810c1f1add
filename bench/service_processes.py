"""Service processes for the benchmarks: free ports, a clean environment, migrations, and
uvicorn subprocesses that are started on a free port and stopped again."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / ".run" / "bench"
_SERVICE_PREFIXES = ("CHAT_GATEWAY_", "MCP_TASKS_", "AUTH_", "OPENAI_")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without any service's settings, plus ``extra``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_SERVICE_PREFIXES) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    return environment | extra


def migrate(service: str, database_url: str) -> None:
    """Bring ``database_url`` to the newest schema of ``service`` (services/<service>)."""
    ini = f"services/{service}/alembic.ini"
    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", ini, "upgrade", "head"],
        cwd=ROOT,
        env=clean_env({"DATABASE_URL": database_url, "ENVIRONMENT": "development"}),
        check=True,
        capture_output=True,
    )


def uvicorn_app(app: str) -> list[str]:
    """The command that serves the application factory ``app`` with uvicorn."""
    return [sys.executable, "-m", "uvicorn", app, "--factory"]


def start(
    command: list[str], env: dict[str, str], log: Path, *, options: tuple[str, ...] = ()
) -> tuple[subprocess.Popen[bytes], str]:
    """Run ``command`` (uvicorn-style options appended) on a free port; wait for /healthz."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *command,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                *options,
            ],
            cwd=ROOT,
            env=clean_env(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command} exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{command} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate ``process``; kill it when it has not exited within ten seconds."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
