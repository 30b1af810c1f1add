"""`make new-tool-service`: the generator writes a service into a copy of the workspace's
layout, wires it into the shared files, and the generated service passes its own tests (real
PostgreSQL and Redis) and the linter without a hand edit."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
GENERATOR = REPO_ROOT / "scripts" / "new_tool_service.py"
SHARED_FILES = (
    "pyproject.toml",
    "Makefile",
    "services/Dockerfile",
    "deploy/k8s/base/kustomization.yaml",
    "deploy/k8s/components/network-policies/kustomization.yaml",
)


def copy_of_the_workspace(target: Path) -> Path:
    for name in SHARED_FILES:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO_ROOT / name, destination)
    return target


def generate(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GENERATOR), *arguments, "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_of_the_workspace(tmp_path_factory.mktemp("workspace"))
    completed = generate(root, "bookmarks", "--port", "8010")
    assert completed.returncode == 0, completed.stderr
    assert '"name": "bookmarks", "url": "http://127.0.0.1:8010"' in completed.stdout
    assert '"confirm": ["delete_bookmark"]' in completed.stdout
    return root


def test_the_service_and_its_manifests_carry_the_new_names(generated: Path) -> None:
    service = generated / "services" / "bookmarks"
    package = service / "src" / "bookmarks_service"

    assert (package / "bookmarks.py").is_file()
    assert (service / "tests" / "conftest.py").is_file()
    assert 'events_table="bookmark_events"' in (service / "tests" / "conftest.py").read_text()
    texts = [
        path.read_text()
        for path in generated.rglob("*")
        if path.is_file() and not {".ruff_cache", "__pycache__"} & set(path.parts)
    ]
    assert not any(re.search(r"entr(y|ies)|Entr(y|ies)|ENTRIES|8099", text) for text in texts)
    assert 'env_prefix="BOOKMARKS_"' in (package / "config.py").read_text()
    assert 'ENTITY = "bookmark"' in (package / "bookmarks.py").read_text()
    assert "async def search_bookmarks(" in (package / "tools.py").read_text()
    assert "Create a bookmark for the user" in (package / "tools.py").read_text()
    deployment = (generated / "deploy/k8s/base/bookmarks/deployment.yaml").read_text()
    assert "bookmarks_service.main:create_app" in deployment
    assert '"8010"' in deployment
    policy = (generated / "deploy/k8s/components/network-policies/bookmarks.yaml").read_text()
    assert "app.kubernetes.io/name: chat-gateway" in policy


def test_the_shared_files_list_the_service(generated: Path) -> None:
    pyproject = (generated / "pyproject.toml").read_text()
    assert '"services/bookmarks", "tests/e2e"]' in pyproject
    assert '"services/bookmarks/src", "services/bookmarks/tests"]' in pyproject
    makefile = (generated / "Makefile").read_text()
    assert re.search(r"^PY_PACKAGES := .* services/bookmarks$", makefile, re.MULTILINE)
    dockerfile = (generated / "services/Dockerfile").read_text()
    assert "COPY services/bookmarks/pyproject.toml services/bookmarks/" in dockerfile
    assert "FROM runtime AS bookmarks\nEXPOSE 8010\n" in dockerfile
    assert "  - bookmarks\n" in (generated / "deploy/k8s/base/kustomization.yaml").read_text()


def test_the_generated_service_passes_the_linter_and_its_own_tests(generated: Path) -> None:
    service = generated / "services" / "bookmarks"
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(service)],
        capture_output=True,
        text=True,
        check=False,
        cwd=generated,
    )
    assert lint.returncode == 0, lint.stdout
    env = {**os.environ, "PYTHONPATH": str(service / "src")}
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(service / "tests")],
        capture_output=True,
        text=True,
        check=False,
        cwd=generated,
        env=env,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", tests.stdout)
    assert "failed" not in tests.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["Notes!"], "lowercase letters and digits"),
        (["abcdefghijklmnop"], "2 to 14"),
        (["tasks"], "taken"),
        (["sheep"], "must differ from the service name"),
    ],
)
def test_bad_names_are_refused_before_anything_is_written(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    root = copy_of_the_workspace(tmp_path)
    before = {path: path.read_text() for path in root.rglob("*") if path.is_file()}

    completed = generate(root, *arguments)

    assert completed.returncode == 2
    assert message in completed.stderr
    assert {path: path.read_text() for path in root.rglob("*") if path.is_file()} == before


def test_an_existing_service_is_never_overwritten(generated: Path) -> None:
    readme = generated / "services/bookmarks/README.md"
    readme_text = readme.read_text()

    completed = generate(generated, "bookmarks")

    assert completed.returncode != 0
    assert "already exists" in completed.stderr
    assert readme.read_text() == readme_text
