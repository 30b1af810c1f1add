"""make images-e2e runs the kind overlay's pods with their own settings (no podman needed here:
these tests read the podman options deploy/k8s/podman/system.py derives from the overlay, and
run its stand-in ingress configuration in Debian's nginx, as its image does)."""

import importlib.util
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from k8s_manifests import K8S_DIR, Manifest
from servicekit.app_choice import choose_app


def load_script(name: str, module_name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, K8S_DIR / "podman" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining classes
    spec.loader.exec_module(module)
    return module


system = load_script("system", "podman_system")
sys.modules.setdefault("system", system)  # startup.py imports its sibling as `system`
startup = load_script("startup", "podman_startup")


@pytest.fixture(scope="module")
def manifests(rendered: dict[str, list[Manifest]]) -> object:
    return system.Manifests(rendered["kind"])


def option_values(options: list[str], flag: str) -> list[str]:
    return [options[index + 1] for index, option in enumerate(options) if option == flag]


def test_every_pod_runs_with_its_user_read_only_root_tmpfs_and_no_capabilities(
    manifests: object,
) -> None:
    workloads = system.workloads(manifests)
    assert {w.name for w in workloads} >= {"auth", "chat-gateway", "mcp-tasks", "frontend"}
    for workload in workloads:
        pod = workload.spec["securityContext"]
        for container in [*workload.spec.get("initContainers", []), workload.container]:
            options = system.run_options(manifests, workload, container, "probe")
            security = container["securityContext"]

            assert option_values(options, "--user") == [f"{pod['runAsUser']}:{pod['runAsGroup']}"]
            assert pod["runAsUser"] != 0
            assert ("--read-only" in options) is security["readOnlyRootFilesystem"]
            assert option_values(options, "--cap-drop") == security["capabilities"]["drop"]
            assert option_values(options, "--security-opt") == ["no-new-privileges"]
            mounted = {value.split(":", 1)[0] for value in option_values(options, "--tmpfs")}
            assert mounted == {mount["mountPath"] for mount in container.get("volumeMounts", [])}
            assert option_values(options, "--memory")
            assert "--privileged" not in options
            assert "--publish" not in options


def test_init_containers_migrate_with_the_services_image_and_settings(manifests: object) -> None:
    for workload in system.workloads(manifests):
        for init in workload.spec.get("initContainers", []):
            options = system.run_options(manifests, workload, init, "probe")
            assert option_values(options, "--entrypoint")[0].startswith('["alembic"')
            image = options[-1]
            assert image == f"docker.io/{workload.container['image']}"
            env = set(option_values(options, "--env"))
            main = system.run_options(manifests, workload, workload.container, "probe")
            assert env == set(option_values(main, "--env"))


def test_workloads_start_after_the_services_their_settings_name(manifests: object) -> None:
    order = [workload.name for workload in system.workloads(manifests)]

    for service in ("auth", "mcp-tasks", "chat-gateway"):
        assert order.index("postgres") < order.index(service)
        assert order.index("redis") < order.index(service)
    assert order.index("auth") < order.index("chat-gateway")
    assert order.index("mcp-tasks") < order.index("chat-gateway")


def test_data_stores_run_from_the_local_image_with_the_overlays_password(
    manifests: object,
) -> None:
    workloads = {workload.name: workload for workload in system.workloads(manifests)}
    redis = workloads["redis"]
    options = system.run_options(manifests, redis, redis.container, "probe")

    assert options[-7:] == [
        system.DATASTORES_IMAGE,
        "--save",
        "",
        "--appendonly",
        "no",
        "--requirepass",
        manifests.secrets[  # type: ignore[attr-defined]
            redis.container["env"][0]["valueFrom"]["secretKeyRef"]["name"]
        ]["REDIS_PASSWORD"],
    ]
    assert option_values(options, "--entrypoint") == ['["redis-server"]']


def test_stand_in_ingress_routes_every_ingress_path_with_the_annotations(
    manifests: object, rendered: dict[str, list[Manifest]]
) -> None:
    config = system.ingress_config(manifests)
    (ingress,) = [item for item in rendered["kind"] if item["kind"] == "Ingress"]
    ports = {
        item["metadata"]["name"]: item["spec"]["ports"][0]["port"]
        for item in rendered["kind"]
        if item["kind"] == "Service"
    }

    for path in ingress["spec"]["rules"][0]["http"]["paths"]:
        service = path["backend"]["service"]["name"]
        target = f"proxy_pass http://{service}:{ports[service]};"
        prefix = path["path"].rstrip("/")
        assert f"location {prefix}/ {{ {target} }}" in config
    assert "proxy_buffering off;" in config
    assert "proxy_request_buffering on;" in config
    assert "proxy_read_timeout 3600s;" in config
    assert "client_max_body_size 1m;" in config
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in config


def test_stand_in_ingress_serves_each_rule_on_its_own_host(
    manifests: object, rendered: dict[str, list[Manifest]]
) -> None:
    config = system.ingress_config(manifests)
    (ingress,) = [item for item in rendered["kind"] if item["kind"] == "Ingress"]
    hosts = [rule["host"] for rule in ingress["spec"]["rules"] if rule.get("host")]

    assert hosts == system.ingress_hosts(manifests) == ["errands.localhost"]
    assert config.count("server {") == len(ingress["spec"]["rules"])
    assert config.count(f"listen {system.INGRESS_PORT} default_server;") == 1
    assert "server_name errands.localhost;" in config


def test_images_startup_times_every_python_service_of_the_overlay_by_its_own_module(
    manifests: object,
) -> None:
    python_services = {
        workload.name
        for workload in system.workloads(manifests)
        if workload.container["image"].startswith("chatkit-botbuilder/")
        and workload.name != "frontend"
    }
    modules = startup.applications()

    assert set(modules) == python_services
    for module in modules.values():
        assert importlib.util.find_spec(module) is not None, module


class _EchoHeaders(BaseHTTPRequestHandler):
    """A backend answering with the Host and X-Forwarded-Host it was sent."""

    def do_GET(self) -> None:
        body = json.dumps(
            {"host": self.headers["Host"], "forwarded_host": self.headers["X-Forwarded-Host"]}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _nginx() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        pytest.fail("nginx is not installed: run `make nginx` (Debian's nginx-light)")
    return found


@pytest.fixture
def stand_in_ingress(manifests: object, tmp_path: Path) -> Iterator[str]:
    """Debian's nginx (as in the stand-in's image) serving the generated ingress configuration
    on a free port, every backend replaced by one that echoes the headers it gets; its URL."""
    backend = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHeaders)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    port = _free_port()
    config = system.ingress_config(manifests)
    config = re.sub(
        r"proxy_pass http://[a-z0-9-]+:[0-9]+;",
        f"proxy_pass http://127.0.0.1:{backend.server_port};",
        config,
    )
    config = config.replace(f"listen {system.INGRESS_PORT}", f"listen 127.0.0.1:{port}")
    (tmp_path / "ingress.conf").write_text(config)
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\npid {tmp_path}/nginx.pid;\n"
        "events { worker_connections 64; }\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}/body; "
        f"proxy_temp_path {tmp_path}/proxy; include {tmp_path}/ingress.conf; }}\n"
    )
    log = tmp_path / "nginx.log"
    nginx = subprocess.Popen(
        [_nginx(), "-e", str(log), "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if nginx.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nginx did not start: {log.read_text() if log.exists() else ''}")
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        nginx.terminate()
        nginx.wait(10)
        backend.shutdown()
        backend.server_close()


@pytest.mark.parametrize(
    "host",
    ["errands.localhost:18080", "127.0.0.1:18080", "Errands.LocalHost:8443", "errands.localhost"],
)
def test_stand_in_ingress_forwards_the_host_as_the_client_sent_it(
    stand_in_ingress: str, host: str
) -> None:
    seen = httpx.get(f"{stand_in_ingress}/api/v1/app", headers={"Host": host}).json()

    assert seen == {"host": host, "forwarded_host": host}


def test_the_forwarded_host_still_chooses_the_app_of_its_ingress_rule(
    manifests: object, stand_in_ingress: str
) -> None:
    (errands_host,) = system.ingress_hosts(manifests)
    apps_by_host = {errands_host: "errands"}

    def app_behind(host: str) -> str:
        seen = httpx.get(f"{stand_in_ingress}/auth/me", headers={"Host": host}).json()
        return choose_app(None, seen["host"], apps_by_host, "tasks")

    assert app_behind(f"{errands_host}:18080") == "errands"
    assert app_behind(errands_host) == "errands"
    assert app_behind("127.0.0.1:18080") == "tasks"
