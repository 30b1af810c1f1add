"""make images-e2e runs the kind overlay's pods with their own settings (no podman needed here:
these tests read the podman options deploy/k8s/podman/system.py derives from the overlay)."""

import importlib.util
import sys
from types import ModuleType

import pytest
from k8s_manifests import K8S_DIR, Manifest


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
