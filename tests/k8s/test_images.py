"""The Dockerfiles agree with the workspace and with the manifests that run their images."""

import re
import tomllib
from pathlib import Path

import pytest
from k8s_manifests import REPO_ROOT, Manifest, app_container, find

SERVICES_DOCKERFILE = REPO_ROOT / "services" / "Dockerfile"
DOCKERFILES = {
    "auth": SERVICES_DOCKERFILE,
    "chat-gateway": SERVICES_DOCKERFILE,
    "mcp-tasks": SERVICES_DOCKERFILE,
    "notes": SERVICES_DOCKERFILE,
    "frontend": REPO_ROOT / "frontend" / "Dockerfile",
}
PYTHON_SERVICES = ("auth", "chat-gateway", "mcp-tasks", "notes")
KIND_LIB = REPO_ROOT / "deploy" / "k8s" / "kind" / "lib.sh"


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    pairs = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def stages(pairs: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Each named stage's instructions, its FROM first; the last stage is also under ""."""
    found: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for keyword, rest in pairs:
        if keyword == "FROM":
            current = []
            words = rest.split()
            if len(words) == 3 and words[1].upper() == "AS":
                found[words[2]] = current
            found[""] = current
        current.append((keyword, rest))
    return found


def final_stage(slug: str) -> list[tuple[str, str]]:
    """The instructions that make the image of ``slug``: its stage and the stages it is
    built on (a Python service's target stage is built on the shared runtime stage)."""
    named = stages(instructions(DOCKERFILES[slug]))
    return final_stage_of(named, slug if slug in PYTHON_SERVICES else "")


def final_stage_of(named: dict[str, list[tuple[str, str]]], name: str) -> list[tuple[str, str]]:
    stage = named[name]
    parent = stage[0][1].split()[0]
    return (final_stage_of(named, parent) if parent in named else []) + stage


@pytest.mark.parametrize("slug", DOCKERFILES)
def test_base_images_are_pinned_by_version_tag(slug: str) -> None:
    pairs = instructions(DOCKERFILES[slug])
    images = {
        name: image
        for keyword, rest in pairs
        if keyword == "ARG" and "=" in rest
        for name, image in [rest.split("=", 1)]
        if name.endswith("_IMAGE")
    }
    named = set(stages(pairs))
    bases = [
        rest.split()[0]
        for keyword, rest in pairs
        if keyword == "FROM" and rest.split()[0] not in named
    ]
    assert bases
    assert {base.strip("${}") for base in bases} <= images.keys()
    for image in images.values():
        tag = image.rsplit(":", 1)[1]
        assert re.match(r"^\d+\.\d+\.\d+", tag), f"{image} is not pinned to a version"


@pytest.mark.parametrize("slug", DOCKERFILES)
def test_final_image_runs_as_a_numeric_non_root_user_on_the_declared_port(
    rendered: dict[str, list[Manifest]], slug: str
) -> None:
    stage = final_stage(slug)
    users = [rest for keyword, rest in stage if keyword == "USER"]
    assert len(users) == 1
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[0])
    container = app_container(find(rendered["kind"], "Deployment", slug))
    exposed = [rest for keyword, rest in stage if keyword == "EXPOSE"]
    assert exposed == [str(container["ports"][0]["containerPort"])]


@pytest.mark.parametrize("slug", PYTHON_SERVICES)
def test_python_image_syncs_its_package_from_the_lock_and_runs_the_deployed_command(
    rendered: dict[str, list[Manifest]], slug: str
) -> None:
    pairs = instructions(DOCKERFILES[slug])
    workspace = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    members = workspace["tool"]["uv"]["workspace"]["members"]
    copies = {rest for keyword, rest in pairs if keyword == "COPY"}
    for member in members:
        assert f"{member}/pyproject.toml {member}/" in copies, f"uv needs {member}/pyproject.toml"
    syncs = [rest for keyword, rest in pairs if keyword == "RUN" and "uv sync" in rest]
    assert len(syncs) == 2
    for sync in syncs:
        assert "uv sync --frozen --no-dev" in sync
        assert sync.endswith("--package ${SERVICE}")
    assert "services/${SERVICE} services/${SERVICE}" in copies
    assert (REPO_ROOT / "services" / slug / "pyproject.toml").is_file()
    command = app_container(find(rendered["kind"], "Deployment", slug))["command"]
    cmd = [rest for keyword, rest in final_stage(slug) if keyword == "CMD"]
    assert len(cmd) == 1
    assert f'"{command[1]}"' in cmd[0]


def test_the_kind_scripts_build_each_service_for_its_own_target() -> None:
    lib = KIND_LIB.read_text()

    assert '--file "$REPO_ROOT/services/Dockerfile" --build-arg "SERVICE=$1" --target "$1"' in lib
    assert set(PYTHON_SERVICES) <= set(stages(instructions(SERVICES_DOCKERFILE)))


def test_frontend_image_serves_the_probe_paths_on_its_port(
    rendered: dict[str, list[Manifest]],
) -> None:
    config = (REPO_ROOT / "deploy" / "docker" / "frontend" / "nginx.conf").read_text()
    container = app_container(find(rendered["kind"], "Deployment", "frontend"))
    assert f"listen {container['ports'][0]['containerPort']};" in config
    for probe in ("readinessProbe", "livenessProbe"):
        assert f"location = {container[probe]['httpGet']['path']} {{" in config
    assert "try_files $uri $uri/ /index.html;" in config


def test_build_context_keeps_what_the_images_copy() -> None:
    ignored = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    assert "!tests/e2e/pyproject.toml" in ignored
    for needed in ("uv.lock", "pyproject.toml", "libs", "services", "frontend", "deploy/docker"):
        assert needed not in ignored


DOT_SEGMENT_RULE = re.compile(r'if \(\$request_uri ~\* "(?P<regex>[^"]+)"\) \{\s*return 400;\s*\}')


@pytest.mark.parametrize(
    ("target", "refused"),
    [
        ("/api/../metrics", True),
        ("/.well-known/../openapi.json", True),
        ("/api/%2e%2e/metrics", True),
        ("/api/%2E%2E%2Fmetrics", True),
        ("/api/..%5Cmetrics", True),
        ("/api/v1/./tasks", True),
        ("/..", True),
        ("/", False),
        ("/assets/index-abc.js", False),
        ("/api/v1/tasks..json", False),
        ("/api/v1/tasks?after=/../x", False),
    ],
)
def test_frontend_image_refuses_dot_segment_paths_before_any_location(
    target: str, refused: bool
) -> None:
    # nginx is not installed where the tests run: the rule's regex is checked here instead
    # (PCRE and Python agree on this subset), and that it sits in the server block, before
    # any location.
    config = (REPO_ROOT / "deploy" / "docker" / "frontend" / "nginx.conf").read_text()
    rule = DOT_SEGMENT_RULE.search(config)
    assert rule is not None
    assert rule.start() < config.index("location ")

    matched = re.search(rule.group("regex"), target, re.IGNORECASE) is not None

    assert matched is refused
