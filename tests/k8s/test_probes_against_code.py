"""Each service, started with the kind overlay's command and environment, answers its probes.

The cluster's hosts are mapped to this machine: the services to loopback ports of their own,
PostgreSQL to the local server (database k8s_consistency_test, migrated first with the init
container's command) and Redis to the local server (logical database 5).
"""

import asyncio
import importlib.util
import itertools
import os
import re
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import anyio
import httpx
import pytest
from k8s_manifests import REPO_ROOT, EnvResolver, Manifest, app_container, find
from servicekit.database import create_database_if_missing
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

# Started in this order: chat-gateway's readiness asks mcp-tasks, and it fetches auth's JWKS.
PYTHON_SERVICES = {
    "auth": "auth_service",
    "mcp-tasks": "mcp_tasks",
    "notes": "notes_service",
    "chat-gateway": "chat_gateway",
}
DATABASE = "k8s_consistency_test"
REDIS_URL = "redis://127.0.0.1:6379/5"
SERVICE_ENV = re.compile(
    r"^(AUTH_|CHAT_GATEWAY_|MCP_TASKS_|NOTES_|OTEL_|DATABASE_URL$|REDIS_URL$|ENVIRONMENT$)"
)
CLUSTER_URL = re.compile(
    r"\b(?P<host>auth|chat-gateway|mcp-tasks|notes)(?:\.[a-z.-]+)?:(?P<port>\d+)"
)


@dataclass
class RunningService:
    base_url: str
    readiness_path: str
    liveness_path: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def admin_database_url() -> str:
    url = os.environ.get(
        "TEST_DATABASE_URL", f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DATABASE}"
    )
    return url.rsplit("/", 1)[0] + f"/{DATABASE}"


async def create_database() -> None:
    await create_database_if_missing(admin_database_url())


def local_environment(
    cluster_env: dict[str, str], ports: dict[str, int], scratch: Path
) -> dict[str, str]:
    """The container's environment with the cluster's hosts replaced by this machine's."""

    def to_loopback(match: re.Match[str]) -> str:
        return f"127.0.0.1:{ports[match['host']]}"

    local: dict[str, str] = {}
    for name, value in cluster_env.items():
        if name == "DATABASE_URL":
            value = admin_database_url()
        elif name == "REDIS_URL":
            value = REDIS_URL
        elif value.startswith("/tmp/"):
            value = str(scratch / value.removeprefix("/tmp/"))
        else:
            value = CLUSTER_URL.sub(to_loopback, value)
        local[name] = value
    inherited = {name: value for name, value in os.environ.items() if not SERVICE_ENV.match(name)}
    inherited["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{inherited.get('PATH', '')}"
    return {**inherited, **local}


def local_command(command: list[str], port: int) -> list[str]:
    """The container's command listening on loopback and ``port`` instead of 0.0.0.0:<declared>."""
    local = list(command)
    for option, value in (("--port", str(port)), ("--host", "127.0.0.1")):
        index = local.index(option)
        local[index + 1] = value
    return local


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="module")
def local_services(
    rendered: dict[str, list[Manifest]],
    kind_env: EnvResolver,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, RunningService]]:
    objects = rendered["kind"]
    available = {
        slug: package
        for slug, package in PYTHON_SERVICES.items()
        if importlib.util.find_spec(package) is not None
        and importlib.util.find_spec(f"{package}.main") is not None
    }
    ports = {slug: free_port() for slug in PYTHON_SERVICES}
    scratch = tmp_path_factory.mktemp("k8s-consistency")
    if available:
        asyncio.run(create_database())
    running: dict[str, RunningService] = {}
    logs: list[IO[bytes]] = []
    try:
        for slug in available:
            deployment = find(objects, "Deployment", slug)
            container = app_container(deployment)
            env = local_environment(kind_env(slug), ports, scratch / slug)
            for init in deployment["spec"]["template"]["spec"].get("initContainers", []):
                migrated = subprocess.run(
                    init["command"],
                    cwd=REPO_ROOT,
                    env=env,
                    capture_output=True,
                    timeout=120,
                    check=False,
                )
                assert migrated.returncode == 0, migrated.stderr.decode()[-2000:]
            log_path = scratch / f"{slug}.log"
            log = log_path.open("wb")
            logs.append(log)
            process = subprocess.Popen(
                local_command(container["command"], ports[slug]),
                cwd=scratch,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            running[slug] = RunningService(
                base_url=f"http://127.0.0.1:{ports[slug]}",
                readiness_path=container["readinessProbe"]["httpGet"]["path"],
                liveness_path=container["livenessProbe"]["httpGet"]["path"],
                process=process,
                log=log_path,
            )
        yield running
    finally:
        for service in reversed(running.values()):
            stop(service.process)
        for log_file in logs:
            log_file.close()


async def wait_for_ok(
    client: httpx.AsyncClient, service: RunningService, path: str
) -> httpx.Response:
    """Poll ``path`` the way the kubelet does until it answers 200 (the caller bounds the wait)."""
    while True:
        if service.process.poll() is not None:
            pytest.fail(f"the server exited: {service.log.read_text()[-3000:]}")
        try:
            response = await client.get(service.base_url + path, timeout=3.0)
        except httpx.TransportError:
            response = None
        if response is not None and response.status_code == 200:
            return response
        await anyio.sleep(0.2)


@pytest.mark.anyio
@pytest.mark.parametrize("slug", PYTHON_SERVICES)
async def test_service_answers_its_probes_when_run_with_the_kind_environment(
    local_services: dict[str, RunningService], slug: str
) -> None:
    if slug not in local_services:
        pytest.skip(f"{PYTHON_SERVICES[slug]}.main does not exist yet")
    service = local_services[slug]
    async with httpx.AsyncClient() as client:
        with anyio.fail_after(90):
            liveness = await wait_for_ok(client, service, service.liveness_path)
            readiness = await wait_for_ok(client, service, service.readiness_path)
    assert liveness.json() == {"status": "ok"}
    body = readiness.json()
    assert body["status"] == "ok"
    assert set(body.get("checks", {}).values()) <= {"ok"}


VERSION_TABLES = {
    "auth": "alembic_version_auth_service",
    "mcp-tasks": "alembic_version_mcp_tasks",
    "notes": "alembic_version_notes",
    "chat-gateway": "alembic_version_chat_gateway",
}


@pytest.mark.parametrize("slug", PYTHON_SERVICES)
def test_init_containers_of_replicas_starting_together_all_succeed(
    rendered: dict[str, list[Manifest]],
    kind_env: EnvResolver,
    tmp_path: Path,
    slug: str,
) -> None:
    """Three pods run the migrate init container at once on a fresh database; none may fail
    because another is building the same schema.

    So that they really meet, the test holds the (empty) version table locked until all three
    are waiting, then lets them go together.
    """
    deployment = find(rendered["kind"], "Deployment", slug)
    (init,) = deployment["spec"]["template"]["spec"]["initContainers"]
    fresh = admin_database_url().rsplit("/", 1)[0] + f"/k8s_migrate_race_{uuid.uuid4().hex[:12]}"
    env = local_environment(kind_env(slug), dict.fromkeys(PYTHON_SERVICES, 1), tmp_path)
    env["DATABASE_URL"] = fresh
    outcomes = asyncio.run(migrate_together(init["command"], env, fresh, VERSION_TABLES[slug]))

    assert [code for code, _ in outcomes] == [0, 0, 0], [error for _, error in outcomes]


async def migrate_together(
    command: list[str], env: dict[str, str], url: str, version_table: str
) -> list[tuple[int, str]]:
    """(exit code, end of stderr) of three runs of ``command`` released at the same moment."""
    await create_database_if_missing(url)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as gate:
            await gate.execute(
                text(f"CREATE TABLE {version_table} (version_num VARCHAR(32) PRIMARY KEY)")
            )
            await gate.commit()
            await gate.execute(text(f"LOCK TABLE {version_table} IN ACCESS EXCLUSIVE MODE"))
            pods = [
                await asyncio.create_subprocess_exec(
                    *command, cwd=REPO_ROOT, env=env, stderr=asyncio.subprocess.PIPE
                )
                for _ in range(3)
            ]
            with anyio.fail_after(60):
                for _ in itertools.count():
                    # A new transaction each time: statistics are a snapshot per transaction.
                    async with engine.connect() as probe:
                        if await probe.scalar(_WAITING) >= 3:
                            break
                    await asyncio.sleep(0.1)
            await gate.commit()
        with anyio.fail_after(120):
            results = [await pod.communicate() for pod in pods]
        return [
            (pod.returncode or 0, stderr.decode()[-2000:])
            for pod, (_, stderr) in zip(pods, results, strict=True)
        ]
    finally:
        await engine.dispose()
        await drop_database(url)


_WAITING = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


async def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    engine = create_async_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()
