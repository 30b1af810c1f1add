"""The README documents every setting each service reads, under the name operators set."""

import importlib
import re
from pathlib import Path

import pytest
from servicekit.settings import ServiceSettings

README = Path(__file__).resolve().parents[2] / "README.md"
SETTINGS_MODULES = (
    "auth_service.config",
    "mcp_tasks.config",
    "notes_service.config",
    "chat_gateway.config",
)
# Documented once for every service as `<PREFIX>LOG_LEVEL` / `<PREFIX>SERVICE_NAME`.
PER_SERVICE_COMMON = {"log_level", "service_name"}


def documented_variables() -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]*)`", README.read_text()))


@pytest.mark.parametrize("module", SETTINGS_MODULES)
def test_every_setting_of_the_service_is_in_the_readme(module: str) -> None:
    settings: type[ServiceSettings] = importlib.import_module(module).Settings
    documented = documented_variables()

    undocumented = [
        sorted(names)
        for name, names in settings.environment_variables().items()
        if name not in PER_SERVICE_COMMON and not names & documented
    ]

    assert undocumented == []
