"""Service processes for the benchmarks and the gateway's tests: databases, migrations, and
uvicorn subprocesses that are started on a free port, waited for, and stopped again."""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from servicekit.database import create_database_if_missing

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / ".run" / "bench"
LOCAL_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
_SERVICE_PREFIXES = ("CHAT_GATEWAY_", "MCP_TASKS_", "AUTH_", "OPENAI_", "NOTES_")
_START_SECONDS = 60.0
_MAX_START_SECONDS = 300.0
START_SECONDS_ENV = "SERVICE_START_SECONDS"


def start_seconds() -> float:
    """How long a service may take to start: SERVICE_START_SECONDS, or 60 s stretched by the
    load of the machine beyond its cores (services start slowly on a busy one), at most 300 s."""
    configured = os.environ.get(START_SECONDS_ENV)
    if configured:
        return float(configured)
    busy = os.getloadavg()[0] / (os.cpu_count() or 1)
    return min(_START_SECONDS * max(1.0, busy), _MAX_START_SECONDS)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def database_url(name: str, server_url: str | None = None) -> str:
    """The asyncpg URL of database ``name`` on the server of ``server_url`` (whatever database
    that names), or on the local PostgreSQL."""
    server = (server_url or LOCAL_POSTGRES).rsplit("/", 1)[0]
    return server.replace("postgresql://", "postgresql+asyncpg://", 1) + "/" + name


async def ensure_database(name: str, server_url: str | None = None) -> str:
    """Create database ``name`` if it is missing; return its asyncpg URL."""
    url = database_url(name, server_url)
    await create_database_if_missing(url)
    return url


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without any service's settings, plus ``extra``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_SERVICE_PREFIXES) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    return environment | extra


def migrate(service: str, database_url: str, env: dict[str, str] | None = None) -> None:
    """Bring ``database_url`` to the newest schema of ``service`` (services/<service>);
    ``env`` adds to the migration's environment (ENVIRONMENT is development unless given)."""
    ini = f"services/{service}/alembic.ini"
    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", ini, "upgrade", "head"],
        cwd=ROOT,
        env=clean_env({"DATABASE_URL": database_url, "ENVIRONMENT": "development"} | (env or {})),
        check=True,
        capture_output=True,
    )


def uvicorn_app(app: str) -> list[str]:
    """The command that serves the application factory ``app`` with uvicorn."""
    return [sys.executable, "-m", "uvicorn", app, "--factory"]


@dataclass
class ServiceProcess:
    """A service running as a subprocess, answering at ``url``."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        """Terminate the process; kill it when it has not exited within ten seconds."""
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def start(
    command: list[str],
    env: dict[str, str],
    log: Path,
    *,
    options: tuple[str, ...] = (),
    port: int | None = None,
    wait_seconds: float | None = None,
) -> ServiceProcess:
    """Run ``command`` (uvicorn-style options appended) and wait until /healthz answers: on a
    free port, or on ``port`` to restart a service where it was (its log then goes on). Waits
    ``wait_seconds``, by default start_seconds()."""
    if port is None:
        port, mode = free_port(), "wb"
    else:
        mode = "ab"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open(mode) as out:
        process = subprocess.Popen(
            [
                *command,
                *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
                *options,
            ],
            cwd=ROOT,
            env=clean_env(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + (start_seconds() if wait_seconds is None else wait_seconds)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command} exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return ServiceProcess(url, process, log)
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    process.wait(10)
    raise RuntimeError(f"{command} did not start: {log.read_text()[-3000:]}")


def tool_service_env(
    name: str, database_url: str, redis_url: str, key_id: str, secret: str
) -> dict[str, str]:
    """The environment of a generated tool service (services/<name>, settings <NAME>_*)
    that accepts requests signed with ``key_id``/``secret``."""
    return {
        "ENVIRONMENT": "test",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        f"{name.upper()}_IDENTITY_KEYS": json.dumps({key_id: secret}),
    }


def start_tool_service(
    name: str, env: dict[str, str], log: Path, *, port: int | None = None
) -> ServiceProcess:
    """Migrate and serve the generated tool service ``name`` (package ``<name>_service``)."""
    migrate(name, env["DATABASE_URL"], env)
    return start(uvicorn_app(f"{name}_service.main:create_app"), env, log, port=port)
