"""The manifests give each service every setting its Settings class reads, by its exact name."""

import importlib
import json
import secrets
from pathlib import Path
from typing import Any, get_args

import pytest
from k8s_manifests import (
    OVERLAYS,
    EnvResolver,
    Manifest,
    app_container,
    find,
    find_by_exact_name,
)
from pydantic import SecretStr
from servicekit.settings import ServiceSettings

PYTHON_SERVICES = {
    "auth": "auth_service",
    "chat-gateway": "chat_gateway",
    "mcp-tasks": "mcp_tasks",
    "notes": "notes_service",
}
# The service's own name, fixed in code (logs, traces), is not deployment configuration.
NOT_CONFIGURED = {"service_name"}
# Settings whose values carry credentials even though they are plain strings.
CREDENTIAL_FIELDS = {"database_url", "redis_url"}


def settings_class(slug: str) -> type[ServiceSettings]:
    try:
        module = importlib.import_module(f"{PYTHON_SERVICES[slug]}.config")
    except ModuleNotFoundError:
        pytest.skip(f"{PYTHON_SERVICES[slug]}.config does not exist yet")
    settings: type[ServiceSettings] = module.Settings
    return settings


def holds_secret(annotation: Any) -> bool:
    return annotation is SecretStr or any(holds_secret(arg) for arg in get_args(annotation))


def provided_env(objects: list[Manifest], container: Manifest) -> dict[str, str]:
    """Each variable the container gets, mapped to where from: "ConfigMap" or "Secret"."""
    provided: dict[str, str] = {}
    for source in container.get("envFrom", []):
        assert "configMapRef" in source, "Secrets are referenced key by key, never as envFrom"
        config_map = find_by_exact_name(objects, "ConfigMap", source["configMapRef"]["name"])
        assert config_map is not None
        provided.update(dict.fromkeys(config_map.get("data") or {}, "ConfigMap"))
    for entry in container.get("env", []):
        value_from = entry.get("valueFrom", {})
        provided[entry["name"]] = "Secret" if "secretKeyRef" in value_from else "ConfigMap"
    return provided


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("slug", PYTHON_SERVICES)
def test_every_setting_is_provided_under_its_env_name_and_secrets_only_from_secrets(
    rendered: dict[str, list[Manifest]], overlay: str, slug: str
) -> None:
    settings = settings_class(slug)
    objects = rendered[overlay]
    provided = provided_env(objects, app_container(find(objects, "Deployment", slug)))
    known: set[str] = set()
    missing: list[str] = []
    misplaced: list[str] = []
    variables = settings.environment_variables()
    for name, field in settings.model_fields.items():
        names = variables[name]
        known |= names
        if name in NOT_CONFIGURED:
            continue
        given = names & provided.keys()
        if not given:
            missing.append(f"{name} (as one of {sorted(names)})")
        secret = holds_secret(field.annotation) or name in CREDENTIAL_FIELDS
        for env_name in given:
            if secret and provided[env_name] != "Secret":
                misplaced.append(f"{env_name} must come from a Secret")
    unknown = sorted(provided.keys() - known)
    assert missing == []
    assert misplaced == []
    assert unknown == [], "variables that no setting reads (a typo, or a removed setting)"


@pytest.mark.parametrize("slug", PYTHON_SERVICES)
def test_kind_environment_builds_the_services_settings(
    kind_env: EnvResolver, monkeypatch: pytest.MonkeyPatch, slug: str
) -> None:
    settings = settings_class(slug)
    env = kind_env(slug)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    built = settings()
    assert built.environment == "development"
    assert built.database_url == env["DATABASE_URL"]


@pytest.mark.parametrize("slug", PYTHON_SERVICES)
def test_production_environment_with_operator_secrets_builds_the_services_settings(
    rendered: dict[str, list[Manifest]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    slug: str,
) -> None:
    """Non-secret production values pass each service's checks (placeholders, keys, URLs)."""
    settings = settings_class(slug)
    objects = rendered["production"]
    container = app_container(find(objects, "Deployment", slug))
    for source in container["envFrom"]:
        config_map = find_by_exact_name(objects, "ConfigMap", source["configMapRef"]["name"])
        assert config_map is not None
        for name, value in (config_map.get("data") or {}).items():
            monkeypatch.setenv(name, value)
    operator_values = {
        "DATABASE_URL": "postgresql://chatkit:operator-password@db.internal:5432/chatkit",
        "REDIS_URL": "rediss://:operator-password@cache.internal:6380/0",
        "CHAT_GATEWAY_IDENTITY_SECRET": secrets.token_urlsafe(32),
        "MCP_TASKS_IDENTITY_KEYS": f'{{"k1": "{secrets.token_urlsafe(32)}"}}',
        "NOTES_IDENTITY_KEYS": f'{{"k1": "{secrets.token_urlsafe(32)}"}}',
    }
    for entry in container["env"]:
        ref = entry["valueFrom"].get("secretKeyRef")
        if ref is not None and not ref.get("optional", False):
            monkeypatch.setenv(entry["name"], operator_values[entry["name"]])
    if slug == "auth":
        # The Secret auth-signing-key, mounted where AUTH_SIGNING_KEY_FILE points.
        from auth_service.keys import generate_private_key_pem

        key_file = tmp_path / "signing-key.pem"
        key_file.write_bytes(generate_private_key_pem())
        monkeypatch.setenv("AUTH_SIGNING_KEY_FILE", str(key_file))
    built = settings()
    assert built.environment == "production"
    assert built.database_url == operator_values["DATABASE_URL"]


def test_gateway_and_mcp_tasks_share_an_identity_key_and_auth_settings_in_kind(
    kind_env: EnvResolver,
) -> None:
    gateway = kind_env("chat-gateway")
    tasks = kind_env("mcp-tasks")
    auth = kind_env("auth")
    keys = json.loads(tasks["MCP_TASKS_IDENTITY_KEYS"])
    assert keys[gateway["CHAT_GATEWAY_IDENTITY_KEY_ID"]] == gateway["CHAT_GATEWAY_IDENTITY_SECRET"]
    assert gateway["CHAT_GATEWAY_JWT_ISSUER"] == auth["AUTH_JWT_ISSUER"]
    assert gateway["CHAT_GATEWAY_JWT_AUDIENCE"] == auth["AUTH_JWT_AUDIENCE"]
    assert gateway["CHAT_GATEWAY_JWKS_URL"] == "http://auth:8001/.well-known/jwks.json"
    assert gateway["CHAT_GATEWAY_MCP_TASKS_URL"] == "http://mcp-tasks:8002"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_ingress_keeps_an_idle_event_stream_open_across_many_heartbeats(
    rendered: dict[str, list[Manifest]], overlay: str
) -> None:
    assert "event_heartbeat_seconds" in settings_class("chat-gateway").model_fields
    config_map = find(rendered[overlay], "ConfigMap", "chat-gateway-config")
    heartbeat = float(config_map["data"]["CHAT_GATEWAY_EVENT_HEARTBEAT_SECONDS"])
    ingress = find(rendered[overlay], "Ingress", "chatkit-botbuilder")
    read_timeout = int(
        ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-read-timeout"]
    )
    assert read_timeout >= 4 * heartbeat


def test_kind_serves_each_app_on_the_ingress_host_its_gateway_and_auth_settings_name(
    rendered: dict[str, list[Manifest]], kind_env: EnvResolver
) -> None:
    """The first app on any host, every other app on the host names it lists; the gateway and
    auth choose the same app by the same host."""
    apps = json.loads(kind_env("chat-gateway")["CHAT_GATEWAY_APPS"])
    auth_hosts = json.loads(kind_env("auth")["AUTH_APP_HOSTS"])
    ingress = find(rendered["kind"], "Ingress", "chatkit-botbuilder")
    ingress_hosts = [rule.get("host") for rule in ingress["spec"]["rules"]]
    gateway_hosts = {host: app["id"] for app in apps for host in app.get("hosts", [])}
    assert [app["id"] for app in apps] == ["tasks", "errands"]
    assert ingress_hosts == [None, "errands.localhost"]
    assert gateway_hosts == auth_hosts == {"errands.localhost": "errands"}
    assert json.loads(kind_env("auth")["AUTH_APPS"]) == [app["id"] for app in apps]
