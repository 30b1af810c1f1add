"""Each service, started with the kind overlay's command and environment, answers its probes.

The cluster's hosts are mapped to this machine: the services to loopback ports of their own,
PostgreSQL to the local server (database k8s_consistency_test, migrated first with the init
container's command) and Redis to the local server (logical database 5).
"""

import asyncio
import importlib.util
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import anyio
import httpx
import pytest
from k8s_manifests import REPO_ROOT, EnvResolver, Manifest, app_container, find
from servicekit.database import create_database_if_missing

# Started in this order: chat-gateway's readiness asks mcp-tasks, and it fetches auth's JWKS.
PYTHON_SERVICES = {"auth": "auth_service", "mcp-tasks": "mcp_tasks", "chat-gateway": "chat_gateway"}
DATABASE = "k8s_consistency_test"
REDIS_URL = "redis://127.0.0.1:6379/5"
SERVICE_ENV = re.compile(
    r"^(AUTH_|CHAT_GATEWAY_|MCP_TASKS_|OTEL_|DATABASE_URL$|REDIS_URL$|ENVIRONMENT$)"
)
CLUSTER_URL = re.compile(r"\b(?P<host>auth|chat-gateway|mcp-tasks)(?:\.[a-z.-]+)?:(?P<port>\d+)")


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
