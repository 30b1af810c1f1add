"""The uvicorn options of every service, in the manifests and in `make up`, served for real."""

import json
import re

import anyio
import httpx
import pytest
from k8s_manifests import OVERLAYS, REPO_ROOT, Manifest, app_container, find
from servicekit.client_address import parse_networks
from uvicorn_server import load_local_stack, serving, uvicorn_config

pytestmark = pytest.mark.anyio

PYTHON_SERVICES = ("auth", "chat-gateway", "mcp-tasks", "notes")


async def echo_client(scope: dict[str, object], receive: object, send: object) -> None:
    """Answers the client address the server put in the scope."""
    assert scope["type"] == "http"
    client = scope.get("client")
    host = client[0].encode() if isinstance(client, tuple) else b"none"
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": host})  # type: ignore[operator]


def manifest_command(rendered: dict[str, list[Manifest]], overlay: str, slug: str) -> list[str]:
    command: list[str] = app_container(find(rendered[overlay], "Deployment", slug))["command"]
    return command


def local_command(slug: str) -> list[str]:
    local_stack = load_local_stack()
    service = next(service for service in local_stack.SERVICES if service.slug == slug)
    command: list[str] = local_stack.uvicorn_command(service, service.port)
    return command


async def client_address_seen(command: list[str]) -> str:
    async with (
        serving(uvicorn_config(echo_client, command)) as url,
        httpx.AsyncClient(base_url=url) as client,
    ):
        response = await client.get("/", headers={"X-Forwarded-For": "198.51.100.1"})
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("slug", PYTHON_SERVICES)
async def test_deployed_server_does_not_let_a_caller_choose_its_address_with_x_forwarded_for(
    rendered: dict[str, list[Manifest]], overlay: str, slug: str
) -> None:
    command = manifest_command(rendered, overlay, slug)

    assert await client_address_seen(command) == "127.0.0.1"


@pytest.mark.parametrize("slug", PYTHON_SERVICES)
async def test_make_up_server_does_not_let_a_caller_choose_its_address_with_x_forwarded_for(
    slug: str,
) -> None:
    assert await client_address_seen(local_command(slug)) == "127.0.0.1"


def test_kind_ingress_controller_overwrites_x_forwarded_for() -> None:
    up = (REPO_ROOT / "deploy" / "k8s" / "kind" / "up.sh").read_text()

    patch = re.search(r"patch configmap ingress-nginx-controller .*?-p '(\{.*?\})'", up, re.S)

    assert patch is not None
    assert json.loads(patch.group(1))["data"] == {
        "use-forwarded-headers": "false",
        "compute-full-forwarded-for": "false",
        "upstream-keepalive-timeout": "4",
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_auth_trusts_forwarded_addresses_only_from_the_ingress_pod_network(
    rendered: dict[str, list[Manifest]], overlay: str
) -> None:
    config_map = find(rendered[overlay], "ConfigMap", "auth-config")

    trusted = parse_networks(config_map["data"]["AUTH_TRUSTED_PROXIES"])

    assert [str(network) for network in trusted] == ["10.244.0.0/16"]
    assert all(network.is_private for network in trusted)


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize(("slug", "limit"), [("auth", 100), ("mcp-tasks", 200), ("notes", 200)])
def test_deployed_and_local_servers_bound_their_connections_and_idle_keep_alive(
    rendered: dict[str, list[Manifest]], overlay: str, slug: str, limit: int
) -> None:
    for command in (manifest_command(rendered, overlay, slug), local_command(slug)):
        config = uvicorn_config(echo_client, command)

        assert (config.limit_concurrency, config.timeout_keep_alive) == (limit, 5)


async def test_a_deployed_auth_server_answers_503_beyond_its_connection_limit(
    rendered: dict[str, list[Manifest]],
) -> None:
    config = uvicorn_config(echo_client, manifest_command(rendered, "production", "auth"))
    limit = config.limit_concurrency
    assert limit is not None
    async with serving(config) as url:
        host, port = url.removeprefix("http://").split(":")
        held = [await anyio.connect_tcp(host, int(port)) for _ in range(limit)]
        try:
            async with httpx.AsyncClient(base_url=url) as client:
                with anyio.fail_after(10):
                    while (await client.get("/")).status_code != 503:
                        pass
                refused = await client.get("/")
        finally:
            for stream in held:
                await stream.aclose()

    assert refused.status_code == 503
