"""Invariants of the rendered overlays: schema, hardening, probes, services, ingress, rollout."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]  # ships no type information
import pytest
import yaml  # type: ignore[import-untyped]  # no types-PyYAML in the workspace
from k8s_manifests import (
    K8S_DIR,
    NAMESPACE,
    OVERLAYS,
    REPO_ROOT,
    Manifest,
    app_container,
    find,
    find_by_exact_name,
)
from kubernetes_validate.utils import (  # type: ignore[import-untyped]
    SchemaNotFoundError,
    ValidationError,
)

# The Kubernetes of kind v0.33.0's default node image (deploy/k8s/kind/cluster.yaml pins it).
KIND_KUBERNETES_VERSION = "1.37.0"
CHECKOV = "checkov==3.3.30"

APP_PORTS = {"auth": 8001, "chat-gateway": 8000, "mcp-tasks": 8002, "notes": 8003, "frontend": 8080}
PYTHON_SERVICES = {
    "auth": "auth_service",
    "chat-gateway": "chat_gateway",
    "mcp-tasks": "mcp_tasks",
    "notes": "notes_service",
}
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")


def workloads(objects: list[Manifest]) -> list[Manifest]:
    return [obj for obj in objects if obj["kind"] in WORKLOAD_KINDS]


def pod_spec(workload: Manifest) -> Manifest:
    spec: Manifest = workload["spec"]
    if workload["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]  # type: ignore[no-any-return]


def pod_labels(workload: Manifest) -> dict[str, str]:
    return workload["spec"]["template"]["metadata"]["labels"]  # type: ignore[no-any-return]


def all_containers(spec: Manifest) -> list[Manifest]:
    return [*spec.get("initContainers", []), *spec["containers"]]


def option_value(command: list[str], option: str) -> str:
    """The value of ``--option value`` or ``--option=value`` in a command line."""
    for index, arg in enumerate(command):
        if arg == option:
            return command[index + 1]
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    raise AssertionError(f"{option} missing from {command}")


def resolve_port(container: Manifest, port: int | str) -> int:
    if isinstance(port, int):
        return port
    for declared in container.get("ports", []):
        if declared.get("name") == port:
            return int(declared["containerPort"])
    raise AssertionError(f"container {container['name']} declares no port named {port!r}")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_and_passes_strict_schema_validation(
    rendered: dict[str, list[Manifest]], overlay: str
) -> None:
    objects = rendered[overlay]
    errors: list[str] = []
    for obj in objects:
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        try:
            kubernetes_validate.validate(obj, KIND_KUBERNETES_VERSION, strict=True)
        except (ValidationError, SchemaNotFoundError) as exc:
            errors.append(f"{name}: {exc}")
    assert errors == []
    kinds = {obj["kind"] for obj in objects}
    assert {"Deployment", "Service", "ConfigMap", "NetworkPolicy", "Ingress"} <= kinds
    assert {obj["metadata"].get("namespace") for obj in objects if obj["kind"] != "Namespace"} == {
        NAMESPACE
    }


@pytest.mark.timeout(600)
def test_checkov_passes_every_overlay_with_only_justified_skips(
    rendered: dict[str, list[Manifest]], tmp_path: Path
) -> None:
    uvx = shutil.which("uvx")
    if uvx is None:
        pytest.skip("uvx (from uv) is not on PATH, so checkov cannot be installed")
    config = K8S_DIR / "checkov.yaml"
    lines = config.read_text().splitlines()
    for index, line in enumerate(lines):
        if line.strip().startswith("- CKV"):
            assert lines[index - 1].strip().startswith("#"), f"skip without a reason: {line}"
    args = [uvx, "--from", CHECKOV, "checkov", "--config-file", str(config), "-o", "json"]
    for overlay, objects in rendered.items():
        path = tmp_path / f"{overlay}.yaml"
        path.write_text(yaml.safe_dump_all(objects))
        args += ["-f", str(path)]
    completed = subprocess.run(args, capture_output=True, text=True, check=False, timeout=540)
    if completed.returncode != 0 and not completed.stdout.strip().startswith(("{", "[")):
        pytest.skip(f"checkov could not be installed or run: {completed.stderr[-500:]}")
    reports = json.loads(completed.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [
        f"{check['check_id']} {check['resource']}"
        for report in reports
        for check in report["results"]["failed_checks"]
    ]
    assert failed == []
    assert sum(report["summary"]["passed"] for report in reports) > 100
    assert completed.returncode == 0
    inline_skips = {
        f"{obj['metadata']['name']} {key}": value
        for objects in rendered.values()
        for obj in objects
        for key, value in (obj["metadata"].get("annotations") or {}).items()
        if key.startswith("checkov.io/skip")
    }
    assert sum(report["summary"]["skipped"] for report in reports) == len(inline_skips)
    for where, value in inline_skips.items():
        check, _, reason = value.partition("=")
        assert check.startswith("CKV_"), where
        assert len(reason) > 20, f"{where}: skip without a reason"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_workload_is_hardened_and_bounded(
    rendered: dict[str, list[Manifest]], overlay: str
) -> None:
    problems: list[str] = []
    for workload in workloads(rendered[overlay]):
        name = f"{workload['kind']}/{workload['metadata']['name']}"
        spec = pod_spec(workload)
        pod_security = spec.get("securityContext", {})
        if pod_security.get("runAsNonRoot") is not True:
            problems.append(f"{name}: runAsNonRoot")
        if pod_security.get("seccompProfile", {}).get("type") != "RuntimeDefault":
            problems.append(f"{name}: seccompProfile RuntimeDefault")
        if spec.get("automountServiceAccountToken") is not False:
            problems.append(f"{name}: automountServiceAccountToken")
        account = find_by_exact_name(
            rendered[overlay], "ServiceAccount", spec["serviceAccountName"]
        )
        if account is None or account.get("automountServiceAccountToken") is not False:
            problems.append(f"{name}: own ServiceAccount without token")
        for container in all_containers(spec):
            where = f"{name}/{container['name']}"
            security = container.get("securityContext", {})
            if security.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation")
            if security.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem")
            if security.get("capabilities", {}).get("drop") != ["ALL"]:
                problems.append(f"{where}: capabilities drop ALL")
            if security.get("privileged", False) is not False:
                problems.append(f"{where}: privileged")
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                if set(resources.get(bound, {})) != {"cpu", "memory"}:
                    problems.append(f"{where}: {bound} for cpu and memory")
            image = container["image"]
            tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else ""
            if tag in ("", "latest"):
                problems.append(f"{where}: image {image} has no pinned tag")
    assert problems == []


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("slug", APP_PORTS)
def test_application_is_probed_on_the_port_its_server_listens_on(
    rendered: dict[str, list[Manifest]], overlay: str, slug: str
) -> None:
    deployment = find(rendered[overlay], "Deployment", slug)
    container = app_container(deployment)
    declared = [port["containerPort"] for port in container["ports"]]
    assert declared == [APP_PORTS[slug]]
    if slug in PYTHON_SERVICES:
        command = container["command"]
        assert command[:3] == ["uvicorn", f"{PYTHON_SERVICES[slug]}.main:create_app", "--factory"]
        assert int(option_value(command, "--port")) == APP_PORTS[slug]
        assert option_value(command, "--host") == "0.0.0.0"
    probes = {
        kind: (
            container[kind]["httpGet"]["path"],
            resolve_port(container, container[kind]["httpGet"]["port"]),
        )
        for kind in ("readinessProbe", "livenessProbe")
    }
    assert probes == {
        "readinessProbe": ("/readyz", APP_PORTS[slug]),
        "livenessProbe": ("/healthz", APP_PORTS[slug]),
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_workload_has_readiness_and_liveness_probes(
    rendered: dict[str, list[Manifest]], overlay: str
) -> None:
    unprobed = [
        f"{workload['metadata']['name']}/{container['name']}"
        for workload in workloads(rendered[overlay])
        if workload["kind"] in ("Deployment", "StatefulSet")
        for container in pod_spec(workload)["containers"]
        if "readinessProbe" not in container or "livenessProbe" not in container
    ]
    assert unprobed == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_selects_pods_and_targets_a_declared_container_port(
    rendered: dict[str, list[Manifest]], overlay: str
) -> None:
    objects = rendered[overlay]
    services = [obj for obj in objects if obj["kind"] == "Service"]
    assert services
    problems: list[str] = []
    for service in services:
        selector: dict[str, str] = service["spec"]["selector"]
        selected = [
            workload
            for workload in workloads(objects)
            if selector.items() <= pod_labels(workload).items()
        ]
        if len(selected) != 1:
            problems.append(f"{service['metadata']['name']} selects {len(selected)} workloads")
            continue
        containers = pod_spec(selected[0])["containers"]
        declared = {
            key
            for container in containers
            for port in container.get("ports", [])
            for key in (port["containerPort"], port.get("name"))
        }
        for port in service["spec"]["ports"]:
            if port["targetPort"] not in declared:
                problems.append(f"{service['metadata']['name']} targets {port['targetPort']}")
    assert problems == []


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_ingress_routes_paths_to_services_and_keeps_event_streams_open(
    rendered: dict[str, list[Manifest]], overlay: str
) -> None:
    objects = rendered[overlay]
    ingress = find(objects, "Ingress", "chatkit-botbuilder")
    for rule in ingress["spec"]["rules"]:
        routes: dict[str, str] = {}
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            service = find_by_exact_name(objects, "Service", backend["name"])
            assert service is not None, backend["name"]
            assert backend["port"]["name"] in {port["name"] for port in service["spec"]["ports"]}
            assert path["pathType"] == "Prefix"
            routes[path["path"]] = backend["name"]
        assert routes == {
            "/": "frontend",
            "/api": "chat-gateway",
            "/auth": "auth",
            "/.well-known": "auth",
        }, rule.get("host")
    annotations = ingress["metadata"]["annotations"]
    assert ingress["spec"]["ingressClassName"] == "nginx"
    assert annotations["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"
    # Streamed bodies: an early answer (401) would close the keep-alive connection under the
    # client's next request (tests/e2e/test_keep_alive.py).
    assert annotations["nginx.ingress.kubernetes.io/proxy-request-buffering"] == "on"
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("slug", PYTHON_SERVICES)
def test_migrations_run_in_an_init_container_before_the_server_starts(
    rendered: dict[str, list[Manifest]], overlay: str, slug: str
) -> None:
    deployment = find(rendered[overlay], "Deployment", slug)
    spec = pod_spec(deployment)
    server = app_container(deployment)
    migrate = [
        container for container in spec.get("initContainers", []) if container["name"] == "migrate"
    ]
    assert len(migrate) == 1
    assert migrate[0]["command"] == [
        "alembic",
        "-c",
        f"services/{slug}/alembic.ini",
        "upgrade",
        "head",
    ]
    assert migrate[0]["image"] == server["image"]
    assert migrate[0]["env"] == server["env"]
    assert migrate[0]["envFrom"] == server["envFrom"]
    assert migrate[0].get("volumeMounts") == server.get("volumeMounts")
    config = REPO_ROOT / "services" / slug / "alembic.ini"
    if not config.exists():
        pytest.skip(f"services/{slug}/alembic.ini does not exist yet")
    assert "script_location" in config.read_text()


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("slug", APP_PORTS)
def test_pods_leave_the_load_balancer_before_stopping_and_drain_in_time(
    rendered: dict[str, list[Manifest]], overlay: str, slug: str
) -> None:
    deployment = find(rendered[overlay], "Deployment", slug)
    spec = pod_spec(deployment)
    container = app_container(deployment)
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    drain = 0
    if slug in PYTHON_SERVICES:
        drain = int(option_value(container["command"], "--timeout-graceful-shutdown"))
    assert pre_stop >= 5
    assert spec["terminationGracePeriodSeconds"] >= pre_stop + drain + 5
    strategy = deployment["spec"]["strategy"]
    assert strategy["rollingUpdate"]["maxUnavailable"] == 0
    if slug == "chat-gateway":
        # Two heartbeat periods (15 s each) for open event streams to notice and end.
        assert drain >= 30


def test_production_runs_two_replicas_with_autoscaling_and_disruption_budgets(
    rendered: dict[str, list[Manifest]],
) -> None:
    objects = rendered["production"]
    for slug in APP_PORTS:
        deployment = find(objects, "Deployment", slug)
        assert deployment["spec"]["replicas"] >= 2
        hpa = find(objects, "HorizontalPodAutoscaler", slug)
        assert hpa["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": slug,
        }
        assert hpa["spec"]["minReplicas"] >= 2
        assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
        budget = find(objects, "PodDisruptionBudget", slug)
        assert budget["spec"]["selector"]["matchLabels"].items() <= pod_labels(deployment).items()
        assert budget["spec"]["maxUnavailable"] == 1


def test_production_reaches_external_data_stores_through_operator_secrets(
    rendered: dict[str, list[Manifest]],
) -> None:
    objects = rendered["production"]
    assert [obj["metadata"]["name"] for obj in objects if obj["kind"] == "Secret"] == []
    assert {workload["metadata"]["name"] for workload in workloads(objects)} == set(APP_PORTS)
    common = find(objects, "ConfigMap", "common-config")
    assert common["data"]["ENVIRONMENT"] == "production"
    for slug in PYTHON_SERVICES:
        env = {
            entry["name"]: entry
            for entry in app_container(find(objects, "Deployment", slug))["env"]
        }
        for name in ("DATABASE_URL", "REDIS_URL"):
            assert env[name]["valueFrom"]["secretKeyRef"] == {
                "name": f"{slug}-secrets",
                "key": name,
            }
    auth = find(objects, "Deployment", "auth")
    volumes = {volume["name"]: volume for volume in pod_spec(auth)["volumes"]}
    assert volumes["signing-key"]["secret"]["secretName"] == "auth-signing-key"
    auth_config = find(objects, "ConfigMap", "auth-config")
    mounts = {mount["mountPath"] for mount in app_container(auth)["volumeMounts"]}
    assert str(Path(auth_config["data"]["AUTH_SIGNING_KEY_FILE"]).parent) in mounts


def test_kind_runs_postgres_on_a_volume_and_redis_inside_the_cluster(
    rendered: dict[str, list[Manifest]],
) -> None:
    objects = rendered["kind"]
    postgres = find(objects, "StatefulSet", "postgres")
    claims = postgres["spec"]["volumeClaimTemplates"]
    assert [claim["metadata"]["name"] for claim in claims] == ["data"]
    mounts = {
        mount["name"]: mount["mountPath"] for mount in app_container(postgres)["volumeMounts"]
    }
    assert mounts["data"] == "/var/lib/postgresql/data"
    redis = find(objects, "Deployment", "redis")
    assert app_container(redis)["ports"][0]["containerPort"] == 6379
    namespace = find(objects, "Namespace", NAMESPACE)
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def _hpa_names(objects: list[Manifest]) -> set[str]:
    return {obj["metadata"]["name"] for obj in objects if obj["kind"] == "HorizontalPodAutoscaler"}


def test_kind_leaves_autoscaling_out_because_kind_has_no_metrics_server(
    rendered: dict[str, list[Manifest]],
) -> None:
    assert _hpa_names(rendered["kind"]) == set()
    assert _hpa_names(rendered["production"]) == set(APP_PORTS)


def test_kind_cluster_maps_the_ingress_port_to_the_host_loopback() -> None:
    config: dict[str, Any] = yaml.safe_load((K8S_DIR / "kind" / "cluster.yaml").read_text())
    assert config["apiVersion"] == "kind.x-k8s.io/v1alpha4"
    (node,) = config["nodes"]
    assert node["labels"] == {"ingress-ready": "true"}
    assert node["image"].startswith(f"kindest/node:v{KIND_KUBERNETES_VERSION}@sha256:")
    mappings = {mapping["containerPort"]: mapping for mapping in node["extraPortMappings"]}
    assert mappings[80]["listenAddress"] == "127.0.0.1"
    up_script = (K8S_DIR / "kind" / "lib.sh").read_text()
    assert f"http://127.0.0.1:{mappings[80]['hostPort']}" in up_script
