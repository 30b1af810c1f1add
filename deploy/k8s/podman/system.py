"""Run the kind overlay's workloads from the built images with podman, then tests/e2e.

Every Deployment and StatefulSet of the rendered overlay becomes a container with the pod's
settings: command and args, environment from its ConfigMaps and Secrets, the user and group,
a read-only root filesystem, tmpfs where the pod has an emptyDir or a volume claim, no
capabilities, no privilege escalation, memory and CPU limits. Init containers run to
completion first, as the kubelet runs them. Containers share one podman network in which each
Service's name resolves to its pod, and an nginx built from the overlay's Ingress rules and
annotations stands in for the ingress controller, published on 127.0.0.1 only.

The images of PostgreSQL and Redis that the overlay names come from a registry; they are
replaced by a Debian image with the same programs (STAND_INS).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # no types-PyYAML in the workspace

REPO_ROOT = Path(__file__).resolve().parents[3]
PODMAN_DIR = REPO_ROOT / "deploy" / "k8s" / "podman"
OVERLAY = REPO_ROOT / "deploy" / "k8s" / "overlays" / "kind"
README = REPO_ROOT / "deploy" / "k8s" / "README.md"
RESULT_FILE = REPO_ROOT / "bench" / "results" / "images.json"
README_START = "<!-- images-e2e result: written by make images-e2e -->"
README_END = "<!-- end of images-e2e result -->"

NAME_PREFIX = "chatkit-images-e2e"
# kind's pod network, so that AUTH_TRUSTED_PROXIES of the overlay holds for the stand-in ingress.
SUBNET = "10.244.240.0/24"
IMAGE_PREFIX = "docker.io/chatkit-botbuilder"
DATASTORES_IMAGE = "localhost/chatkit-base/datastores:bookworm"
INGRESS_IMAGE = "localhost/chatkit-base/nginx:bookworm"
INGRESS_PORT = 8080
READY_TIMEOUT_SECONDS = 120.0
PYTHON_IMAGE_LIMIT_BYTES = 250_000_000
READY_LIMIT_SECONDS = 3.0


@dataclass(frozen=True)
class StandIn:
    """A local image for a registry image, with the entrypoint the original has."""

    image: str
    entrypoint: tuple[str, ...]
    workdir: str | None = None


STAND_INS = {
    "postgres": StandIn(DATASTORES_IMAGE, ("run-postgres",)),
    "redis": StandIn(DATASTORES_IMAGE, ("redis-server",), workdir="/data"),
}


class RunFailed(RuntimeError):
    """A step of the run failed; the message says which and why."""


@dataclass
class Manifests:
    """The rendered overlay, by kind and name."""

    objects: list[dict[str, Any]]
    config_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    secrets: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.objects:
            name = item["metadata"]["name"]
            if item["kind"] == "ConfigMap":
                self.config_maps[name] = dict(item.get("data") or {})
            elif item["kind"] == "Secret":
                decoded = {
                    key: base64.b64decode(value).decode()
                    for key, value in (item.get("data") or {}).items()
                }
                self.secrets[name] = decoded | dict(item.get("stringData") or {})

    def of_kind(self, *kinds: str) -> list[dict[str, Any]]:
        return [item for item in self.objects if item["kind"] in kinds]


def render_overlay() -> Manifests:
    kubectl = Path(sys.executable).parent / "kubectl"
    rendered = subprocess.run(
        [str(kubectl), "kustomize", str(OVERLAY)], check=True, capture_output=True, text=True
    ).stdout
    return Manifests([item for item in yaml.safe_load_all(rendered) if item])


def podman(*args: str, check: bool = True, capture: bool = True) -> str:
    completed = subprocess.run(["podman", *args], capture_output=capture, text=True)
    if check and completed.returncode != 0:
        raise RunFailed(f"podman {shlex.join(args)} failed: {completed.stderr.strip()}")
    return completed.stdout if capture else ""


def environment(manifests: Manifests, container: dict[str, Any]) -> dict[str, str]:
    """The container's environment as the kubelet builds it: envFrom, then env in order."""
    values: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            values.update(manifests.config_maps[source["configMapRef"]["name"]])
        if "secretRef" in source:
            values.update(manifests.secrets[source["secretRef"]["name"]])
    for entry in container.get("env", []):
        if "value" in entry:
            values[entry["name"]] = expand(entry["value"], values)
            continue
        reference = entry["valueFrom"]
        selector, store = (
            (reference["secretKeyRef"], manifests.secrets)
            if "secretKeyRef" in reference
            else (reference["configMapKeyRef"], manifests.config_maps)
        )
        value = store.get(selector["name"], {}).get(selector["key"])
        if value is not None:
            values[entry["name"]] = value
        elif not selector.get("optional", False):
            raise RunFailed(f"{container['name']}: {entry['name']} refers to a missing key")
    return values


def expand(text: str, values: dict[str, str]) -> str:
    """Kubernetes' $(VAR) references in command, args and env values."""
    return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: values.get(m[1], m[0]), text)


def size_option(quantity: str) -> str:
    """A Kubernetes memory quantity (64Mi, 1Gi, 512M) as podman's size (64m)."""
    match = re.fullmatch(r"(\d+)(Ki|Mi|Gi|K|M|G)?", str(quantity))
    if match is None:
        raise RunFailed(f"unsupported quantity {quantity}")
    number, unit = match.groups()
    return number + {None: "", "Ki": "k", "K": "k", "Mi": "m", "M": "m", "Gi": "g", "G": "g"}[unit]


def cpu_option(quantity: str) -> str:
    text = str(quantity)
    return str(int(text[:-1]) / 1000) if text.endswith("m") else text


@dataclass
class Workload:
    """One pod: its name on the network (the Service's name), the pod spec, the port."""

    name: str
    spec: dict[str, Any]
    claims: list[str]

    @property
    def container(self) -> dict[str, Any]:
        containers: list[dict[str, Any]] = self.spec["containers"]
        return containers[0]


def workloads(manifests: Manifests) -> list[Workload]:
    found = []
    for item in manifests.of_kind("StatefulSet", "Deployment"):
        claims = [
            claim["metadata"]["name"] for claim in item["spec"].get("volumeClaimTemplates", [])
        ]
        found.append(Workload(item["metadata"]["name"], item["spec"]["template"]["spec"], claims))
    return in_dependency_order(manifests, found)


def in_dependency_order(manifests: Manifests, found: list[Workload]) -> list[Workload]:
    """Each workload after those whose Service its settings name (host:port), so that
    migrations find the database and readiness checks find the services they check."""
    names = {workload.name for workload in found}
    needs = {}
    for workload in found:
        settings = " ".join(
            value
            for container in [*workload.spec.get("initContainers", []), workload.container]
            for value in environment(manifests, container).values()
        )
        needs[workload.name] = {
            name
            for name in names - {workload.name}
            if re.search(rf"(?<![\w.-]){re.escape(name)}:\d", settings)
        }
    ordered: list[Workload] = []
    while len(ordered) < len(found):
        done = {workload.name for workload in ordered}
        ready = [w for w in found if w.name not in done and needs[w.name] <= done]
        if not ready:
            raise RunFailed(f"circular dependencies among {sorted(names - done)}")
        ordered += ready
    return ordered


def image_of(container: dict[str, Any]) -> tuple[str, list[str], str | None]:
    """The local image, the entrypoint that replaces the image's own, and a work directory."""
    image: str = container["image"]
    repository = image.rsplit(":", 1)[0]
    if repository.startswith("chatkit-botbuilder/"):
        return f"docker.io/{image}", [], None
    stand_in = STAND_INS.get(repository.rsplit("/", 1)[-1])
    if stand_in is None:
        raise RunFailed(f"no local image for {image}: add a stand-in to STAND_INS")
    return stand_in.image, list(stand_in.entrypoint), stand_in.workdir


def run_options(
    manifests: Manifests, workload: Workload, container: dict[str, Any], name: str
) -> list[str]:
    """podman create options that apply the pod's and the container's settings."""
    pod_security = workload.spec.get("securityContext", {})
    security = container.get("securityContext", {})
    options = ["--name", name, "--network", network_name(), "--pull", "never"]
    user = security.get("runAsUser", pod_security.get("runAsUser"))
    group = security.get("runAsGroup", pod_security.get("runAsGroup"))
    if user is not None:
        options += ["--user", f"{user}:{group}" if group is not None else str(user)]
    if pod_security.get("runAsNonRoot") and user in (None, 0):
        raise RunFailed(f"{name}: runAsNonRoot without a non-root runAsUser")
    if pod_security.get("fsGroup") is not None:
        options += ["--group-add", str(pod_security["fsGroup"])]
    if security.get("readOnlyRootFilesystem"):
        options.append("--read-only")
    for capability in security.get("capabilities", {}).get("drop", []):
        options += ["--cap-drop", capability]
    if security.get("allowPrivilegeEscalation") is False:
        options += ["--security-opt", "no-new-privileges"]
    if security.get("privileged"):
        raise RunFailed(f"{name}: privileged containers are not run")
    limits = container.get("resources", {}).get("limits", {})
    if "memory" in limits:
        options += ["--memory", size_option(limits["memory"])]
    if "cpu" in limits:
        options += ["--cpus", cpu_option(limits["cpu"])]
    volume_sizes = {
        volume["name"]: volume["emptyDir"].get("sizeLimit", "64Mi")
        for volume in workload.spec.get("volumes", [])
        if "emptyDir" in volume
    } | dict.fromkeys(workload.claims, "256Mi")
    for mount in container.get("volumeMounts", []):
        if mount["name"] not in volume_sizes:
            raise RunFailed(f"{name}: volume {mount['name']} is neither emptyDir nor claim")
        size = size_option(volume_sizes[mount["name"]])
        options += ["--tmpfs", f"{mount['mountPath']}:rw,nosuid,nodev,size={size},mode=1777"]
    values = environment(manifests, container)
    for key, value in values.items():
        options += ["--env", f"{key}={value}"]
    image, entrypoint, workdir = image_of(container)
    if workdir is not None:
        options += ["--workdir", workdir]
    command = [expand(part, values) for part in container.get("command", entrypoint)]
    arguments = [expand(part, values) for part in container.get("args", [])]
    if command:
        options += ["--entrypoint", json.dumps(command)]
    return [*options, image, *arguments]


def network_name() -> str:
    return NAME_PREFIX


def container_address(inspected: dict[str, Any]) -> str:
    """The container's address on the system's network, from its `podman inspect` record."""
    networks: dict[str, Any] = inspected["NetworkSettings"]["Networks"]
    address: str = networks[network_name()]["IPAddress"]
    return address


def port_number(container: dict[str, Any], port: int | str) -> int:
    if isinstance(port, int):
        return port
    for declared in container.get("ports", []):
        if declared.get("name") == port:
            number: int = declared["containerPort"]
            return number
    raise RunFailed(f"{container['name']}: no port named {port}")


def probe_passes(name: str, container: dict[str, Any], probe: dict[str, Any], address: str) -> bool:
    """One try of a readiness probe (httpGet from the host to ``address``, exec inside,
    tcpSocket)."""
    if "exec" in probe:
        result = subprocess.run(
            ["podman", "exec", name, *probe["exec"]["command"]], capture_output=True, check=False
        )
        return result.returncode == 0
    if "httpGet" in probe:
        check = probe["httpGet"]
        url = f"http://{address}:{port_number(container, check['port'])}"
        try:
            with urllib.request.urlopen(url + check.get("path", "/"), timeout=2) as response:
                return 200 <= int(response.status) < 400
        except (urllib.error.URLError, OSError):
            return False
    if "tcpSocket" in probe:
        target = (address, port_number(container, probe["tcpSocket"]["port"]))
        try:
            with socket.create_connection(target, timeout=2):
                return True
        except OSError:
            return False
    raise RunFailed(f"{name}: unsupported probe {probe}")


def wait_ready(name: str, container: dict[str, Any]) -> None:
    """Try the readiness probe every 50 ms until it passes. The container's state and address
    come from `podman inspect`, about 0.15 s of CPU per call: it runs once a second, not before
    every try, so that waiting does not take the CPU from the start it times (2 cores)."""
    probe = container.get("readinessProbe") or container.get("startupProbe")
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    next_inspection = 0.0
    address = ""
    while time.monotonic() < deadline:
        if time.monotonic() >= next_inspection:
            inspected = json.loads(podman("inspect", "--type", "container", name))[0]
            if not inspected["State"]["Running"]:
                exit_code = inspected["State"]["ExitCode"]
                raise RunFailed(f"{name} exited ({exit_code}):\n{logs(name)}")
            address = container_address(inspected)
            next_inspection = time.monotonic() + 1.0
        if probe is None or probe_passes(name, container, probe, address):
            return
        time.sleep(0.05)
    raise RunFailed(f"{name} not ready after {READY_TIMEOUT_SECONDS:.0f} s:\n{logs(name)}")


def logs(name: str) -> str:
    completed = subprocess.run(["podman", "logs", "--tail", "40", name], capture_output=True)
    return (completed.stdout + completed.stderr).decode(errors="replace")


@dataclass
class Started:
    """A running workload and what its start cost."""

    name: str
    container_name: str
    image: str
    ready_seconds: float


def start(manifests: Manifests, workload: Workload) -> Started:
    """Run the init containers to completion, then start the pod's container until ready."""
    for init in workload.spec.get("initContainers", []):
        init_name = f"{NAME_PREFIX}-{workload.name}-{init['name']}"
        podman("create", *run_options(manifests, workload, init, init_name))
        completed = subprocess.run(
            ["podman", "start", "--attach", init_name], capture_output=True, text=True
        )
        if completed.returncode != 0:
            raise RunFailed(
                f"{init_name} failed:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}"
            )
        print(f"    {init['name']} of {workload.name}: done")
        podman("rm", init_name)
    name = f"{NAME_PREFIX}-{workload.name}"
    container = workload.container
    podman(
        "create",
        "--network-alias",
        workload.name,
        *run_options(manifests, workload, container, name),
    )
    began = time.monotonic()
    podman("start", name)
    wait_ready(name, container)
    seconds = time.monotonic() - began
    print(f"    {workload.name}: ready in {seconds:.2f} s")
    return Started(workload.name, name, image_of(container)[0], seconds)


def ingress_config(manifests: Manifests) -> str:
    """nginx server blocks with the Ingress's rules and ingress-nginx's proxy settings: one per
    rule, chosen by its host as the controller does; a rule without a host is the default."""
    (ingress,) = manifests.of_kind("Ingress")
    annotations = ingress["metadata"].get("annotations", {})
    prefix = "nginx.ingress.kubernetes.io/"
    ports = {
        service["metadata"]["name"]: {
            port["name"]: port["port"] for port in service["spec"]["ports"]
        }
        for service in manifests.of_kind("Service")
    }
    proxy_settings = [
        "    server_tokens off;",
        f"    client_max_body_size {annotations.get(prefix + 'proxy-body-size', '1m')};",
        f"    proxy_read_timeout {annotations.get(prefix + 'proxy-read-timeout', '60')}s;",
        f"    proxy_send_timeout {annotations.get(prefix + 'proxy-send-timeout', '60')}s;",
        f"    proxy_buffering {annotations.get(prefix + 'proxy-buffering', 'on')};",
        f"    proxy_request_buffering {annotations.get(prefix + 'proxy-request-buffering', 'on')};",
        "    proxy_http_version 1.1;",
        # use-forwarded-headers and compute-full-forwarded-for off: the caller's headers are
        # replaced by what this proxy saw. Host goes on as the client sent it, port included.
        "    proxy_set_header Host $client_host;",
        "    proxy_set_header X-Real-IP $remote_addr;",
        "    proxy_set_header X-Forwarded-For $remote_addr;",
        "    proxy_set_header X-Forwarded-Proto $scheme;",
        "    proxy_set_header X-Forwarded-Host $client_host;",
        '    proxy_set_header Connection "";',
    ]
    lines = [
        "# Written by deploy/k8s/podman/system.py from the kind overlay's Ingress.",
        # ingress-nginx's $best_http_host: the Host header as sent; the server's name without one.
        "map $http_host $client_host {",
        "    default $http_host;",
        "    '' $host;",
        "}",
    ]
    for rule in ingress["spec"]["rules"]:
        host = rule.get("host")
        lines += [
            "server {",
            f"    listen {INGRESS_PORT}{'' if host else ' default_server'};",
            f"    server_name {host or '_'};",
            *proxy_settings,
        ]
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            port = backend["port"].get("number") or ports[backend["name"]][backend["port"]["name"]]
            target = f"http://{backend['name']}:{port}"
            location = path["path"].rstrip("/")
            if path["pathType"] == "Prefix" and location:
                # Prefix matches whole path segments: /api and /api/..., never /apix.
                lines += [f"    location = {location} {{ proxy_pass {target}; }}"]
                lines += [f"    location {location}/ {{ proxy_pass {target}; }}"]
            else:
                lines += [f"    location {path['path']} {{ proxy_pass {target}; }}"]
        lines += ["}"]
    return "\n".join([*lines, ""])


def start_ingress(manifests: Manifests, config_dir: Path, host_port: int) -> Started:
    config = config_dir / "ingress.conf"
    config.write_text(ingress_config(manifests))
    config.chmod(0o644)
    config_dir.chmod(0o755)
    name = f"{NAME_PREFIX}-ingress"
    podman(
        "create",
        "--name",
        name,
        "--network",
        network_name(),
        "--pull",
        "never",
        "--user",
        "101:101",
        "--read-only",
        "--tmpfs",
        "/tmp:rw,nosuid,nodev,size=32m,mode=1777",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--volume",
        f"{config}:/etc/nginx/conf.d/default.conf:ro,Z",
        "--publish",
        f"127.0.0.1:{host_port}:{INGRESS_PORT}",
        INGRESS_IMAGE,
    )
    began = time.monotonic()
    podman("start", name)
    probe = {"tcpSocket": {"port": INGRESS_PORT}}
    wait_ready(name, {"name": name, "readinessProbe": probe})
    return Started("ingress", name, INGRESS_IMAGE, time.monotonic() - began)


def idle_rss_bytes(container_name: str) -> int:
    """Resident memory of every process of the container, read from the host's /proc."""
    host_pids = podman("top", container_name, "hpid").split()[1:]
    total = 0
    for pid in host_pids:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            match = re.search(r"^VmRSS:\s+(\d+) kB", status.read_text(), re.MULTILINE)
            total += int(match[1]) * 1024 if match else 0
    return total


def image_size_bytes(image: str) -> int:
    size: int = json.loads(podman("image", "inspect", image))[0]["Size"]
    return size


def remove_everything() -> None:
    names = podman(
        "ps", "--all", "--format", "{{.Names}}", "--filter", f"name=^{NAME_PREFIX}"
    ).split()
    if names:
        podman("rm", "--force", "--time", "5", *names)
    podman("network", "rm", "--force", network_name(), check=False)


@contextmanager
def system(manifests: Manifests, host_port: int) -> Iterator[list[Started]]:
    remove_everything()
    podman("network", "create", "--subnet", SUBNET, network_name())
    started: list[Started] = []
    try:
        with tempfile.TemporaryDirectory(prefix="chatkit-ingress-") as config_dir:
            for workload in workloads(manifests):
                print(f"==> {workload.name}")
                started.append(start(manifests, workload))
            print("==> ingress")
            started.append(start_ingress(manifests, Path(config_dir), host_port))
            yield started
    finally:
        if os.environ.get("IMAGES_E2E_KEEP") != "1":
            remove_everything()


def signing_key(auth_container: str, target: Path) -> Path:
    """auth's generated development key, for the suite's tests that need the real key."""
    pem = podman("exec", auth_container, "sh", "-c", "cat /tmp/auth-keys/*.pem")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
        file.write(pem)
    return target


def ingress_hosts(manifests: Manifests) -> list[str]:
    """The host names of the Ingress's rules that name one (the apps after the first)."""
    (ingress,) = manifests.of_kind("Ingress")
    return [rule["host"] for rule in ingress["spec"]["rules"] if rule.get("host")]


def run_suite(
    base_url: str, errands_url: str, key_file: Path, pytest_args: list[str]
) -> tuple[bool, str]:
    junit = REPO_ROOT / ".run" / "images-e2e-junit.xml"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/e2e",
        "-n",
        "2",
        f"--junitxml={junit}",
        *pytest_args,
    ]
    env = os.environ | {
        "E2E_BASE_URL": base_url,
        "E2E_ERRANDS_URL": errands_url,
        "E2E_AUTH_SIGNING_KEY_FILE": str(key_file),
    }
    completed = subprocess.run(command, cwd=REPO_ROOT, env=env)
    summary = junit_summary(junit) if junit.exists() else "no junit report"
    return completed.returncode == 0, summary


def junit_summary(junit: Path) -> str:
    text = junit.read_text()
    match = re.search(
        r'<testsuite [^>]*errors="(\d+)" failures="(\d+)" skipped="(\d+)" tests="(\d+)"', text
    )
    if match is None:
        return "unreadable junit report"
    errors, failures, skipped, tests = map(int, match.groups())
    passed = tests - errors - failures - skipped
    return f"{passed} passed, {failures} failed, {errors} errors, {skipped} skipped"


def tested_commit() -> str:
    """HEAD, marked when files other than this run's own results differ from it."""
    own = [f":!{path.relative_to(REPO_ROOT)}" for path in (README, RESULT_FILE)]
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", *own)
    return git("rev-parse", "--short=12", "HEAD") + (
        " (with uncommitted changes)" if changed else ""
    )


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout.strip()


def runtime_floor_seconds(image: str) -> float:
    """Start to first answer of a bare `python -m http.server` in ``image``, run like the
    services: what the container runtime and the interpreter cost under the current load,
    before any service code (the baseline of the services' start times)."""
    name = f"{NAME_PREFIX}-floor"
    podman(
        "create", "--name", name, "--network", network_name(), "--pull", "never",
        "--user", "10001:10001", "--read-only", "--cap-drop", "ALL",
        "--security-opt", "no-new-privileges",
        "--tmpfs", "/tmp:rw,nosuid,nodev,size=16m,mode=1777",
        "--entrypoint", '["python3.11", "-m", "http.server", "8099", "--directory", "/tmp"]',
        image,
    )  # fmt: skip
    try:
        began = time.monotonic()
        podman("start", name)
        wait_ready(name, {"name": name, "readinessProbe": {"httpGet": {"port": 8099}}})
        return time.monotonic() - began
    finally:
        podman("rm", "--force", "--time", "1", name)


def facts(started: list[Started]) -> dict[str, Any]:
    """Size, start to ready and resident memory at idle of each image, with the load average
    and the baseline start time they were measured with."""
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    images: dict[str, dict[str, Any]] = {}
    for item in started:
        if not item.image.startswith(IMAGE_PREFIX):
            continue
        size = image_size_bytes(item.image)
        python = "frontend" not in item.image
        images[item.name] = {
            "image": item.image,
            "size_mb": round(size / 1e6, 1),
            "ready_seconds": round(item.ready_seconds, 2),
            "idle_rss_mb": round(idle_rss_bytes(item.container_name) / 1e6, 1),
            "size_target_met": size < PYTHON_IMAGE_LIMIT_BYTES if python else None,
            "ready_target_met": item.ready_seconds < READY_LIMIT_SECONDS,
        }
    python_image = next(
        image["image"] for image in images.values() if "frontend" not in image["image"]
    )
    return {
        "load_average": load,
        "python_runtime_floor_seconds": round(runtime_floor_seconds(python_image), 2),
        "images": images,
    }


def write_results(result: dict[str, Any]) -> None:
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    # make images-startup's entry (it carries its own commit and date) outlives this run.
    previous = json.loads(RESULT_FILE.read_text()) if RESULT_FILE.exists() else {}
    kept = {"startup": previous["startup"]} if "startup" in previous else {}
    RESULT_FILE.write_text(json.dumps(result | kept, indent=2) + "\n")
    rows = [
        "| image | size | cold start to ready | RSS at idle |",
        "|---|---|---|---|",
    ]
    for name, image in result["images"].items():
        rows.append(
            f"| {name} | {image['size_mb']} MB | {image['ready_seconds']} s"
            f" | {image['idle_rss_mb']} MB |"
        )
    section = "\n".join(
        [
            README_START,
            f"Last run: commit `{result['commit']}`, {result['date']}, "
            f"**{'pass' if result['passed'] else 'FAIL'}** (tests/e2e: {result['suite']}; "
            f"load average {result['load_average']}). Targets: Python service images under "
            "250 MB, ready under 3 s. A bare `python -m http.server` in the same image, run the "
            f"same way, answered after {result['python_runtime_floor_seconds']} s "
            "(`bench/results/images.json`).",
            "",
            *rows,
            README_END,
        ]
    )
    text = README.read_text()
    pattern = re.compile(re.escape(README_START) + ".*?" + re.escape(README_END), re.DOTALL)
    if not pattern.search(text):
        raise RunFailed(f"{README} has no images-e2e result section to rewrite")
    README.write_text(pattern.sub(lambda _: section, text))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="Other arguments go to pytest."
    )
    parser.add_argument("--port", type=int, default=18080, help="127.0.0.1 port of the ingress")
    options, pytest_args = parser.parse_known_args()
    manifests = render_overlay()
    base_url = f"http://127.0.0.1:{options.port}"
    # tests/e2e reaches a *.localhost host on the loopback, with the host name as Host.
    (errands_host,) = ingress_hosts(manifests)
    errands_url = f"http://{errands_host}:{options.port}"
    try:
        with system(manifests, options.port) as started:
            time.sleep(2.0)  # settle, then measure memory at idle
            image_facts = facts(started)
            auth = next(item for item in started if item.name == "auth")
            key = signing_key(
                auth.container_name, REPO_ROOT / ".run" / "images-e2e-signing-key.pem"
            )
            passed, summary = run_suite(base_url, errands_url, key, pytest_args)
    except RunFailed as error:
        print(f"images-e2e: {error}", file=sys.stderr)
        return 1
    result = {
        "commit": tested_commit(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "passed": passed,
        "suite": summary,
        **image_facts,
    }
    write_results(result)
    print(json.dumps(result, indent=2))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
