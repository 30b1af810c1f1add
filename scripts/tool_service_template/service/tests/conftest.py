"""Fixtures: servicekit's tool-service kit (the migrated test database, the app in process,
signed HTTP and MCP clients), pointed at this service."""

from pathlib import Path

import pytest
from entries_service.config import SERVICE, Settings
from entries_service.main import create_app
from entries_service.server import build_server
from servicekit.testkit.under_test import ToolServiceUnderTest

pytest_plugins = ["servicekit.testkit.plugin"]


@pytest.fixture(scope="session")
def tool_service() -> ToolServiceUnderTest:
    return ToolServiceUnderTest(
        name=SERVICE,
        port=8099,
        settings=Settings,
        create_app=create_app,
        build_server=build_server,
        service_dir=Path(__file__).resolve().parents[1],
        records_table="entries",
        events_table="entry_events",
    )
