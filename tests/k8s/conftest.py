"""Fixtures over the rendered overlays of deploy/k8s."""

import sys
from pathlib import Path

import pytest

# The helpers module sits beside the tests, which are not a package (tests/k8s is no workspace
# member), so its folder goes on the import path before any test module is imported.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from k8s_manifests import OVERLAYS, EnvResolver, Manifest, kind_env_resolver, render


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[Manifest]]:
    """Every overlay, rendered once per session."""
    return {overlay: render(overlay) for overlay in OVERLAYS}


@pytest.fixture(scope="session")
def kind_env(rendered: dict[str, list[Manifest]]) -> EnvResolver:
    """The resolved environment of a service's container in the kind overlay."""
    return kind_env_resolver(rendered["kind"])
